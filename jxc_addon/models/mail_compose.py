"""The 'Send by Email' action of this module's documents."""


def mail_compose_action(record, template, context=None):
    """Odoo's email composer on `record` with `template` (its attachment, e.g. the PDF, included),
    as a window action; `context` adds keys to the composer's."""
    form = record.env.ref("mail.email_compose_message_wizard_form")
    ctx = dict(context or {}, default_model=record._name, default_res_id=record.id,
               default_use_template=bool(template), default_template_id=template.id if template else False,
               default_composition_mode="comment", force_email=True)
    return {"type": "ir.actions.act_window", "res_model": "mail.compose.message", "view_mode": "form",
            "views": [(form.id, "form")], "view_id": form.id, "target": "new", "context": ctx}

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .mail_compose import mail_compose_action

STATEMENT_KINDS = [
    ("invoice", "Invoice"),
    ("refund", "Credit Note"),
    ("payment", "Payment"),
    ("other", "Other"),
]
# Fields whose change makes a statement read the books again.
STATEMENT_SCOPE = ("partner_id", "date_from", "date_to", "company_id")


class JxcPartnerStatement(models.Model):
    """对账单: what a customer owed at the start of a period, what the period added (invoices) and
    took off (credit notes, payments), and what it owes at the end.

    Made from the posted journal items of the customer's receivable accounts, in the company currency,
    when it is created and whenever its customer or period changes (or Refresh is pressed); then
    printed or sent to the customer by email with its PDF.
    """
    _name = "jxc.partner.statement"
    _description = "Customer Statement"
    _inherit = ["mail.thread"]
    _order = "date_to desc, id desc"

    name = fields.Char("Number", required=True, copy=False, readonly=True, index=True, default=lambda self: _("New"))
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, track_visibility="onchange",
                                 domain=[("customer", "=", True), ("parent_id", "=", False)])
    date_from = fields.Date("From", required=True, track_visibility="onchange",
                            default=lambda self: fields.Date.context_today(self)[:8] + "01")
    date_to = fields.Date("To", required=True, default=fields.Date.context_today, track_visibility="onchange")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    user_id = fields.Many2one("res.users", "Responsible", default=lambda self: self.env.user)
    line_ids = fields.One2many("jxc.partner.statement.line", "statement_id", "Lines", readonly=True)
    opening_balance = fields.Monetary("Opening Balance", readonly=True,
                                      help="What the customer owed at the start of the period.")
    total_invoiced = fields.Monetary("Invoiced", readonly=True)
    total_refunded = fields.Monetary("Credit Notes", readonly=True)
    total_paid = fields.Monetary("Payments", readonly=True)
    total_other = fields.Monetary("Other Entries", readonly=True,
                                  help="Other journal entries on the customer's account (net), e.g. write-offs.")
    closing_balance = fields.Monetary("Closing Balance", readonly=True,
                                      help="What the customer owes at the end of the period.")
    sent = fields.Boolean("Sent", readonly=True, copy=False, track_visibility="onchange")
    note = fields.Text()

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        if self.filtered(lambda s: s.date_from > s.date_to):
            raise ValidationError(_("A statement period must start before it ends."))

    @api.model
    def create(self, vals):
        if vals.get("name", "/") in ("/", _("New")):
            vals["name"] = self.env["ir.sequence"].next_by_code("jxc.partner.statement") or "/"
        statement = super().create(vals)
        statement._refresh()
        return statement

    @api.multi
    def write(self, vals):
        res = super().write(vals)
        if any(name in vals for name in STATEMENT_SCOPE):
            self._refresh()
        return res

    # ------------------------------------------------------------------ buttons
    @api.multi
    def button_refresh(self):
        """Read the books again (entries posted or reconciled since)."""
        self._refresh()
        return True

    @api.multi
    def action_send_email(self):
        """The email to the customer, from its template, the statement's PDF attached."""
        self.ensure_one()
        template = self.env.ref("jxc_addon.mail_template_jxc_partner_statement", raise_if_not_found=False)
        return mail_compose_action(self, template, {"jxc_mark_statement_sent": True})

    @api.multi
    @api.returns("self", lambda value: value.id)
    def message_post(self, *args, **kwargs):
        if self.env.context.get("jxc_mark_statement_sent"):
            self.filtered(lambda s: not s.sent).write({"sent": True})
        return super().message_post(*args, **kwargs)

    @api.model
    def _action_new(self, partner, date_from, date_to):
        """A new statement of `partner` for the period, and its form."""
        statement = self.create({"partner_id": partner.commercial_partner_id.id, "date_from": date_from,
                                 "date_to": date_to})
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": statement.id,
                "view_mode": "form", "views": [(False, "form")]}

    # ------------------------------------------------------------------ business
    def _refresh(self):
        """Lines and totals from the books. Lines are the system's: written under sudo once the
        caller was found allowed to change the statement."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        Line = self.env["jxc.partner.statement.line"].sudo()
        for statement in self:
            statement.sudo().line_ids.unlink()
            opening, moves = statement._read_books()
            balance = opening
            totals = {"invoice": 0.0, "refund": 0.0, "payment": 0.0, "other": 0.0}
            lines = []
            for sequence, move in enumerate(moves, 1):
                balance += move["debit"] - move["credit"]
                totals[move["kind"]] += move["debit"] - move["credit"]
                lines.append(dict(move, statement_id=statement.id, sequence=sequence, balance=balance))
            for vals in lines:
                Line.create(vals)
            currency = statement.currency_id
            super(JxcPartnerStatement, statement).write({
                "opening_balance": currency.round(opening),
                "total_invoiced": currency.round(totals["invoice"]),
                "total_refunded": currency.round(-totals["refund"]),
                "total_paid": currency.round(-totals["payment"]),
                "total_other": currency.round(totals["other"]),
                "closing_balance": currency.round(balance),
            })

    def _read_books(self):
        """(opening balance, [values of one line per journal entry of the period]) of the customer's
        receivable accounts in the statement's company, posted entries only."""
        if not self.partner_id:
            raise UserError(_("Choose the customer of the statement."))
        cr = self.env.cr
        scope = {"partner": self.partner_id.commercial_partner_id.id, "company": self.company_id.id,
                 "date_from": self.date_from, "date_to": self.date_to}
        cr.execute("""
            SELECT COALESCE(SUM(aml.debit - aml.credit), 0)
              FROM account_move_line aml
              JOIN account_account a ON a.id = aml.account_id
              JOIN account_move m ON m.id = aml.move_id
              JOIN res_partner p ON p.id = aml.partner_id
             WHERE a.internal_type = 'receivable' AND m.state = 'posted' AND aml.company_id = %(company)s
               AND p.commercial_partner_id = %(partner)s AND aml.date < %(date_from)s
        """, scope)
        opening = cr.fetchone()[0]
        cr.execute("""
            SELECT m.id, m.date, MIN(COALESCE(aml.date_maturity, aml.date)),
                   COALESCE(MAX(inv.number), m.name), COALESCE(MAX(inv.reference), MAX(inv.origin), m.ref),
                   MAX(inv.id), MAX(inv.type), BOOL_OR(aml.payment_id IS NOT NULL),
                   SUM(aml.debit), SUM(aml.credit)
              FROM account_move_line aml
              JOIN account_account a ON a.id = aml.account_id
              JOIN account_move m ON m.id = aml.move_id
              JOIN res_partner p ON p.id = aml.partner_id
              LEFT JOIN account_invoice inv ON inv.id = aml.invoice_id
             WHERE a.internal_type = 'receivable' AND m.state = 'posted' AND aml.company_id = %(company)s
               AND p.commercial_partner_id = %(partner)s AND aml.date BETWEEN %(date_from)s AND %(date_to)s
             GROUP BY m.id, m.date, m.name, m.ref
             ORDER BY m.date, m.id
        """, scope)
        moves = []
        for move_id, date, date_due, name, ref, invoice_id, invoice_type, payment, debit, credit in cr.fetchall():
            kind = "payment" if payment else {"out_invoice": "invoice",
                                              "out_refund": "refund"}.get(invoice_type, "other")
            moves.append({"move_id": move_id, "date": date, "date_due": date_due if kind == "invoice" else False,
                          "name": name, "ref": ref, "invoice_id": invoice_id, "kind": kind,
                          "debit": debit, "credit": credit})
        return opening, moves


class JxcPartnerStatementLine(models.Model):
    _name = "jxc.partner.statement.line"
    _description = "Customer Statement Line"
    _order = "statement_id, sequence, id"

    statement_id = fields.Many2one("jxc.partner.statement", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer()
    company_id = fields.Many2one(related="statement_id.company_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="statement_id.currency_id", readonly=True)
    date = fields.Date(readonly=True)
    date_due = fields.Date("Due Date", readonly=True)
    move_id = fields.Many2one("account.move", "Journal Entry", readonly=True)
    invoice_id = fields.Many2one("account.invoice", "Invoice", readonly=True)
    name = fields.Char("Document", readonly=True)
    ref = fields.Char("Reference", readonly=True)
    kind = fields.Selection(STATEMENT_KINDS, "Type", readonly=True)
    debit = fields.Monetary("Charged", readonly=True, help="What the entry added to the customer's debt.")
    credit = fields.Monetary("Credited", readonly=True, help="What the entry took off the customer's debt.")
    balance = fields.Monetary("Balance", readonly=True, help="What the customer owed after the entry.")

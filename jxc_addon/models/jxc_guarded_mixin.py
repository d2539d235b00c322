from psycopg2 import sql

from odoo import SUPERUSER_ID, _, api, models, tools
from odoo.exceptions import AccessError, UserError


class _SystemPath(object):
    """The internal path's mark in the context: an object, not a string, so that no JSON-RPC or
    XML-RPC client can send it and no caller can claim it."""

    def __repr__(self):
        return "<jxc system path>"


SYSTEM = _SystemPath()
GUARD_KEY = "jxc_guard"


def check_groups(env, groups, action):
    """Refuse (AccessError) a user in none of `groups` (comma-separated xml ids) to do `action`
    (a sentence part, translated by the caller). The superuser (crons, install) passes."""
    if env.uid == SUPERUSER_ID or any(env.user.has_group(xmlid) for xmlid in groups.split(",")):
        return
    names = [env.ref(xmlid).sudo().full_name for xmlid in groups.split(",")]
    raise AccessError(_("Only %(groups)s may %(action)s.") % {"groups": _(" or ").join(names), "action": action})


def set_creator(records, uid, line_field=None):
    """Records made under sudo on behalf of user `uid` (whose right was checked first) are his:
    their creator (and their lines', and their chatter messages' author) is `uid`."""
    if not records:
        return
    cr = records.env.cr
    # Table names cannot be parameters: quoted as identifiers.
    query = sql.SQL("UPDATE {} SET create_uid = %s, write_uid = %s WHERE id = ANY(%s)").format(
        sql.Identifier(records._table))
    cr.execute(query, (uid, uid, records.ids))
    records.invalidate_cache(["create_uid", "write_uid"], records.ids)
    if line_field:
        field = records._fields[line_field]
        lines = records.env[field.comodel_name]
        query = sql.SQL("UPDATE {} SET create_uid = %s, write_uid = %s WHERE {} = ANY(%s)").format(
            sql.Identifier(lines._table), sql.Identifier(field.inverse_name))
        cr.execute(query, (uid, uid, records.ids))
        lines.invalidate_cache(["create_uid", "write_uid"])
    if "message_ids" in records._fields:
        cr.execute("""
            UPDATE mail_message SET author_id = %s, create_uid = %s, write_uid = %s
             WHERE model = %s AND res_id = ANY(%s) AND create_uid = %s
        """, (records.env["res.users"].sudo().browse(uid).partner_id.id, uid, uid, records._name, records.ids,
              SUPERUSER_ID))
        records.env["mail.message"].invalidate_cache()


class JxcGuardedMixin(models.AbstractModel):
    """States and control fields change only through the button methods, or by the groups entitled
    to them: write(), create() and unlink() refuse anything else and write nothing.

    Each model describes its own fields:

    - ``_jxc_control_fields``: set by the buttons (and scans, the posting service) alone, through
      ``_write_state()`` or ``_jxc_system()``; a record is created with them empty (its state the
      first of ``_jxc_draft_states``).
    - ``_jxc_frozen_fields``: change only while the record is in ``_jxc_draft_states``
      (``_jxc_field_states`` gives a field other states).
    - ``_jxc_parent_field``: on lines, the document; nothing of a line is created, changed or
      deleted unless the document is in ``_jxc_draft_states``.
    - ``_jxc_group_fields``: {field: groups (comma-separated xml ids) that may change it}.
    - ``_jxc_unlink_states``: states in which a document may be deleted.
    - ``_jxc_system_only``: records made and kept by the system alone (integrity issues).
    - Stored computed fields without an inverse (amounts, statuses, received and delivered
      quantities) are the system's too (``_jxc_guard_computed``): the ORM's recompute writes them
      without going through write().

    The checks compare the new values with the stored ones: writing a value a field already has
    is no change. A write without any guarded field costs one set intersection.
    """
    _name = "jxc.guarded.mixin"
    _description = "Fields changed by buttons and entitled groups only"

    _jxc_state_field = "state"
    _jxc_draft_states = ("draft",)
    _jxc_control_fields = ("state",)
    _jxc_frozen_fields = ()
    _jxc_field_states = {}
    _jxc_parent_field = None
    _jxc_group_fields = {}
    _jxc_unlink_states = ("draft",)
    _jxc_system_only = False
    _jxc_guard_computed = True

    # ------------------------------------------------------------------ internal path
    def _jxc_system(self):
        """These records on the internal path: buttons, scans and postings write through it."""
        return self.with_context(**{GUARD_KEY: SYSTEM})

    def _jxc_is_system(self):
        return self.env.context.get(GUARD_KEY) is SYSTEM

    def _write_state(self, vals):
        """Write a state and the control fields that go with it: for the button methods, which
        checked the caller and the transition first."""
        return self._jxc_system().write(vals)

    def _jxc_check_button(self, groups=None, action=None):
        """The caller may change these records (and is in one of `groups`): a button that acts with
        more rights than his own (sudo, SQL) calls this before anything else."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        if groups:
            check_groups(self.env, groups, action)

    # ------------------------------------------------------------------ ORM
    @api.model
    def create(self, vals):
        if not self._jxc_is_system():
            self._jxc_guard_create(vals)
        return super().create(vals)

    @api.multi
    def write(self, vals):
        self._jxc_guard_write(vals)
        return super().write(vals)

    @api.multi
    def unlink(self):
        if not self._jxc_is_system():
            self._jxc_guard_unlink()
        return super().unlink()

    # ------------------------------------------------------------------ checks
    def _jxc_label(self, fname):
        return self._fields[fname]._description_string(self.env)

    def _jxc_state_label(self, record, state_field=None):
        field = record._fields[state_field or record._jxc_state_field]
        return dict(field._description_selection(record.env)).get(record[field.name], record[field.name])

    def _jxc_draft_label(self, states=None, model=None):
        model = model if model is not None else self
        field = model._fields[model._jxc_state_field]
        labels = dict(field._description_selection(self.env))
        return _(" or ").join(labels.get(state, state) for state in (states or model._jxc_draft_states))

    def _jxc_is_group_entitled(self, groups):
        return self.env.uid == SUPERUSER_ID or any(self.env.user.has_group(g) for g in groups.split(","))

    def _jxc_changes(self, record, vals, fnames):
        """The first of `fnames` whose value in `vals` differs from `record`'s, or None."""
        record = record.sudo()
        for fname in fnames:
            field = record._fields.get(fname)
            if field is None:
                continue  # write() names the unknown field itself
            value = vals[fname]
            if field.type in ("one2many", "many2many"):
                current = set(record[fname].ids)
                for command in value or []:
                    if not isinstance(command, (list, tuple)):
                        return fname
                    if command[0] == 4 and command[1] in current:
                        continue
                    if command[0] == 6 and set(command[2] or []) == current:
                        continue
                    return fname
                continue
            new = field.convert_to_record(field.convert_to_cache(value, record), record)
            if new != record[fname]:
                return fname
        return None

    @tools.ormcache()
    def _jxc_computed_fields(self):
        """Stored fields the system computes, that no write may give a value (a computed field that is
        not stored keeps nothing a write gives it)."""
        if not self._jxc_guard_computed:
            return frozenset()
        return frozenset(name for name, field in self._fields.items()
                         if field.compute and field.store and not field.inverse
                         and name not in self._jxc_control_fields)

    def _jxc_refuse_system_only(self):
        if self._jxc_system_only:
            raise AccessError(_("%s records are made by the system: they cannot be created, changed or deleted "
                                "directly.") % self._description)

    def _jxc_guard_write(self, vals):
        if not vals or not self or self._jxc_is_system():
            return
        self._jxc_refuse_system_only()
        keys = set(vals)
        for fields_, message in (
                (self._jxc_control_fields, _("“%(field)s” of %(document)s changes only through its buttons: "
                                            "it cannot be written directly.")),
                (self._jxc_computed_fields(), _("“%(field)s” of %(document)s is computed by the system: "
                                                "it cannot be written."))):
            guarded = sorted(keys.intersection(fields_))
            for record in (self if guarded else ()):
                fname = self._jxc_changes(record, vals, guarded)
                if fname:
                    raise AccessError(message % {
                        "field": self._jxc_label(fname), "document": record.sudo().display_name})
        for fname in sorted(keys.intersection(self._jxc_group_fields)):
            groups = self._jxc_group_fields[fname]
            if not self._jxc_is_group_entitled(groups) and any(
                    self._jxc_changes(record, vals, [fname]) for record in self):
                raise AccessError(_("Only %(groups)s may change “%(field)s” (%(document)s).") % {
                    "groups": _(" or ").join(self.env.ref(g).sudo().full_name for g in groups.split(",")),
                    "field": self._jxc_label(fname), "document": self[:1].sudo().display_name})
        frozen = keys.intersection(self._jxc_frozen_fields)
        if frozen:
            for record in self.sudo():
                state = record[self._jxc_state_field]
                moved = [f for f in sorted(frozen) if state not in self._jxc_field_states.get(f, self._jxc_draft_states)]
                fname = moved and self._jxc_changes(record, vals, moved)
                if fname:
                    raise UserError(_("%(document)s is no longer %(draft)s (it is %(state)s): “%(field)s” cannot be "
                                      "changed.") % {
                        "document": record.display_name, "state": self._jxc_state_label(record),
                        "draft": self._jxc_draft_label(self._jxc_field_states.get(fname)),
                        "field": self._jxc_label(fname)})
        parent_field = self._jxc_parent_field
        if parent_field:
            for line in self.sudo():
                parent = line[parent_field]
                if parent[parent._jxc_state_field] not in self._jxc_draft_states:
                    fname = self._jxc_changes(line, vals, sorted(keys))
                    if fname:
                        self._jxc_refuse_line(parent, _("its lines cannot be changed (%s).") % self._jxc_label(fname))
            if vals.get(parent_field):
                self._jxc_check_parent_editable(vals[parent_field], _("no line can be added to it."))

    def _jxc_guard_create(self, vals):
        self._jxc_refuse_system_only()
        control = [f for f in self._jxc_control_fields if vals.get(f)]
        for fname in control:
            if fname == self._jxc_state_field and vals[fname] == self._jxc_draft_states[0]:
                continue
            raise AccessError(_("“%(field)s” of a new %(model)s is set by its buttons: it cannot be given at "
                                "creation.") % {"field": self._jxc_label(fname), "model": self._description})
        for fname in sorted(set(vals).intersection(self._jxc_computed_fields())):
            if vals[fname]:
                raise AccessError(_("“%(field)s” of a new %(model)s is computed by the system: it cannot be given "
                                    "at creation.") % {"field": self._jxc_label(fname), "model": self._description})
        for fname in set(vals).intersection(self._jxc_group_fields):
            groups = self._jxc_group_fields[fname]
            if vals[fname] and not self._jxc_is_group_entitled(groups):
                raise AccessError(_("Only %(groups)s may change “%(field)s” (%(document)s).") % {
                    "groups": _(" or ").join(self.env.ref(g).sudo().full_name for g in groups.split(",")),
                    "field": self._jxc_label(fname), "document": vals.get("name") or self._description})
        if self._jxc_parent_field:
            self._jxc_check_parent_editable(vals.get(self._jxc_parent_field), _("no line can be added to it."))

    def _jxc_guard_unlink(self):
        self._jxc_refuse_system_only()
        parent_field = self._jxc_parent_field
        for record in self.sudo():
            if parent_field:
                parent = record[parent_field]
                if parent[parent._jxc_state_field] not in self._jxc_draft_states:
                    self._jxc_refuse_line(parent, _("its lines cannot be deleted."))
            elif self._jxc_state_field and record[self._jxc_state_field] not in self._jxc_unlink_states:
                raise UserError(_("%(document)s is %(state)s: only a document that is %(states)s can be "
                                  "deleted.") % {
                    "document": record.display_name, "state": self._jxc_state_label(record),
                    "states": self._jxc_draft_label(self._jxc_unlink_states)})

    def _jxc_check_parent_editable(self, parent_id, refusal):
        if not parent_id:
            return
        parent = self.env[self._fields[self._jxc_parent_field].comodel_name].sudo().browse(parent_id)
        if parent[parent._jxc_state_field] not in self._jxc_draft_states:
            self._jxc_refuse_line(parent, refusal)

    def _jxc_refuse_line(self, parent, refusal):
        raise UserError(_("%(document)s is no longer %(draft)s (it is %(state)s): %(refusal)s") % {
            "document": parent.display_name, "state": self._jxc_state_label(parent),
            "draft": self._jxc_draft_label(self._jxc_draft_states, parent), "refusal": refusal})

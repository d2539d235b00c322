from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import AccessError
from odoo.models import fix_import_export_id_paths


def _field_names_of_order(order):
    """'value desc, date_order:month asc' -> ['value', 'date_order']"""
    return [term.split()[0].strip('"').split(":")[0] for term in (order or "").split(",") if term.strip()]


class JxcFieldAccessMixin(models.AbstractModel):
    """A field's ``groups=`` kept wherever its values could come out, not only in ``read()``.

    Odoo 11 honours field groups in read(), fields_get() and views, but not when a field is grouped,
    aggregated or sorted by read_group(), filtered or sorted by search(), exported (a computed field
    that is not stored is exported without any check) or asked for by onchange(). Models holding
    fields some roles may not see (costs, stock values, margins) inherit this mixin: such a request
    is refused with an AccessError, as read() refuses it.
    """
    _name = "jxc.field.access.mixin"
    _description = "Field groups enforced in read_group, search, export and onchange"

    def _jxc_field_hidden(self, field):
        """Whether the user may not see `field` of this model: its groups, by default. A core model
        whose field cannot take groups (core code reads it as any user) names it here."""
        return bool(field.groups) and not self.user_has_groups(field.groups)

    def _jxc_hidden_path(self, path):
        """The first field on `path` (a list of field names from this model, e.g. ['product_id',
        'standard_price']) that the user may not see, as (model, field), or None."""
        model = self
        for name in path:
            field = model._fields.get(name)
            if field is None:
                return None
            if hasattr(model, "_jxc_field_hidden"):
                hidden = model._jxc_field_hidden(field)
            else:  # a model without this mixin: its fields' groups
                hidden = bool(field.groups) and not model.user_has_groups(field.groups)
            if hidden:
                return model, field
            if not field.relational:
                return None
            model = model.env[field.comodel_name]
        return None

    def _jxc_check_paths(self, paths):
        """Refuse when one of `paths` (lists of field names) reaches a field the user may not see."""
        if self.env.uid == SUPERUSER_ID:
            return
        for path in paths:
            hidden = self._jxc_hidden_path(path)
            if hidden:
                model, field = hidden
                raise AccessError(_("Your access rights do not let you see %(field)s (%(model)s).") % {
                    "field": field.get_description(model.env)["string"], "model": model._description})

    def _jxc_check_domain(self, domain):
        self._jxc_check_paths(
            leaf[0].split(".") for leaf in (domain or [])
            if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and isinstance(leaf[0], str))

    # ------------------------------------------------------------------ ORM entry points
    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        if self.env.uid != SUPERUSER_ID:
            if not fields:
                # Odoo aggregates every stored field when none is named: only the visible ones.
                fields = [name for name, field in self._fields.items()
                          if field.store and not self._jxc_field_hidden(field)]
            groupbys = [groupby] if isinstance(groupby, str) else list(groupby or [])
            self._jxc_check_paths([name.split(":")[0]] for name in list(fields) + groupbys)
            self._jxc_check_paths([name] for name in _field_names_of_order(orderby))
            self._jxc_check_domain(domain)
        return super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby,
                                  lazy=lazy)

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False, access_rights_uid=None):
        if self.env.uid != SUPERUSER_ID:
            self._jxc_check_domain(args)
            self._jxc_check_paths([name] for name in _field_names_of_order(order))
        return super()._search(args, offset=offset, limit=limit, order=order, count=count,
                               access_rights_uid=access_rights_uid)

    @api.multi
    def export_data(self, fields_to_export, raw_data=False):
        self._jxc_check_paths(
            [name for name in fix_import_export_id_paths(path) if name not in ("id", ".id")]
            for path in fields_to_export)
        return super().export_data(fields_to_export, raw_data=raw_data)

    @api.multi
    def onchange(self, values, field_name, field_onchange):
        # The fields sent back are those of `values` and the sub-fields named in `field_onchange`:
        # leave out those the user may not see.
        if self.env.uid != SUPERUSER_ID:
            values = {name: value for name, value in values.items() if not self._jxc_hidden_path([name])}
            field_onchange = {path: spec for path, spec in (field_onchange or {}).items()
                              if not self._jxc_hidden_path(path.split("."))}
        return super().onchange(values, field_name, field_onchange)

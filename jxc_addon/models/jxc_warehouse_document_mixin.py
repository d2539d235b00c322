# Copyright 2026 jxc_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class JxcWarehouseDocumentMixin(models.AbstractModel):
    """A document kept in one warehouse (stock documents, stocktakings): it belongs to the
    warehouse's company, and a user may move it only to a warehouse he may use himself."""

    _name = "jxc.warehouse.document.mixin"
    _description = "Warehouse Document"

    @api.model
    def create(self, vals):
        if vals.get("warehouse_id") and "company_id" not in vals:
            vals["company_id"] = self.env["jxc.warehouse"].browse(vals["warehouse_id"]).company_id.id
        return super().create(vals)

    @api.multi
    def write(self, vals):
        res = super().write(vals)
        if "warehouse_id" in vals:
            # Record rules are checked before a write: the new warehouse must be one of the user's too.
            self.check_access_rule("write")
        return res

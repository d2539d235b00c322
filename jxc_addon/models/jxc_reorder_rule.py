from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.addons import decimal_precision as dp

from ..lib.replenishment import average_daily_demand, suggested_minimum


class JxcReorderRule(models.Model):
    """Safety stock (minimum) and target (maximum) of a product in a warehouse."""
    _name = "jxc.reorder.rule"
    _description = "Reorder Rule"
    _order = "warehouse_id, product_id"
    _rec_name = "product_id"

    product_id = fields.Many2one("product.product", required=True, index=True,
                                 domain=[("jxc_track_stock", "=", True)])
    warehouse_id = fields.Many2one("jxc.warehouse", required=True, index=True)
    company_id = fields.Many2one(related="warehouse_id.company_id", store=True, readonly=True)
    uom_id = fields.Many2one(related="product_id.uom_id", readonly=True, string="Unit")
    min_qty = fields.Float("Minimum", digits=dp.get_precision("Product Unit of Measure"),
                           help="Safety stock: below it, the product is to be replenished.")
    max_qty = fields.Float("Maximum", digits=dp.get_precision("Product Unit of Measure"),
                           help="Replenishment brings the projected stock up to this.")
    multiple = fields.Float("Multiple", digits=dp.get_precision("Product Unit of Measure"),
                            help="Order quantities are rounded up to a multiple of this (a box, a carton).")
    lead_days = fields.Integer("Lead Days", default=7)
    safety_days = fields.Integer("Safety Days", default=3,
                                 help="Days of sales kept on top of the lead time when suggesting the minimum.")
    supplier_id = fields.Many2one("res.partner", "Preferred Supplier", domain=[("supplier", "=", True)])
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("product_warehouse_uniq", "unique(product_id, warehouse_id)",
         "A product has one reorder rule per warehouse."),
    ]

    @api.constrains("min_qty", "max_qty", "multiple")
    def _check_quantities(self):
        for rule in self:
            if rule.min_qty < 0 or rule.multiple < 0 or rule.max_qty < rule.min_qty:
                raise ValidationError(_(
                    "Reorder rule of %s: quantities cannot be negative and the maximum cannot be below the minimum.")
                    % rule.product_id.display_name)

    @api.multi
    def action_suggest_minimum(self):
        """Minimum = average daily sales over the last N days (Settings) × (lead days + safety days);
        the maximum is raised to at least the new minimum."""
        for rule in self:
            days = rule.company_id.jxc_demand_days or 30
            since = fields.Date.to_string(fields.Date.from_string(fields.Date.context_today(self)) - timedelta(days=days))
            self.env.cr.execute("""
                SELECT COALESCE(-SUM(quantity), 0) FROM jxc_stock_ledger
                 WHERE product_id = %s AND warehouse_id = %s AND date > %s
                   AND picking_type IN ('delivery', 'customer_return')
            """, (rule.product_id.id, rule.warehouse_id.id, since))
            sold = self.env.cr.fetchone()[0]
            minimum = round(suggested_minimum(average_daily_demand(sold, days), rule.lead_days, rule.safety_days), 2)
            rule.write({"min_qty": minimum, "max_qty": max(rule.max_qty, minimum)})
        return True

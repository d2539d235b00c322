from odoo import api, fields, models
from odoo.addons import decimal_precision as dp


class JxcStockQuant(models.Model):
    """Stock on hand of one product in one warehouse.

    Only the posting service (jxc.stock.posting) changes these rows, with SQL under row locks;
    the ORM reads them.
    """
    _name = "jxc.stock.quant"
    _description = "Stock on Hand"
    _inherit = ["jxc.field.access.mixin"]
    _order = "warehouse_id, product_id"
    _rec_name = "product_id"

    product_id = fields.Many2one("product.product", required=True, readonly=True, index=True, ondelete="restrict")
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id", store=True, readonly=True)
    categ_id = fields.Many2one(related="product_id.categ_id", store=True, readonly=True, string="Product Category")
    uom_id = fields.Many2one(related="product_id.uom_id", readonly=True, string="Unit")
    warehouse_id = fields.Many2one("jxc.warehouse", required=True, readonly=True, index=True, ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    quantity = fields.Float("On Hand", digits=dp.get_precision("Product Unit of Measure"), readonly=True)
    reserved_quantity = fields.Float("Reserved", digits=dp.get_precision("Product Unit of Measure"), readonly=True)
    available_quantity = fields.Float("Available", digits=dp.get_precision("Product Unit of Measure"), readonly=True)
    value = fields.Monetary(readonly=True, group_operator="sum",
        groups="jxc_addon.group_jxc_price")
    unit_cost = fields.Float(
        "Average Cost", digits=dp.get_precision("Product Price"), readonly=True, group_operator="avg",
        help="Moving average unit cost of the cost pool (company or warehouse) after the last posting.",
        groups="jxc_addon.group_jxc_price")

    _sql_constraints = [
        ("product_warehouse_uniq", "unique(product_id, warehouse_id)",
         "A product has one stock row per warehouse."),
    ]

    @api.model_cr
    def init(self):
        # available = on hand - reserved, kept by the database so no writer can forget it.
        self._cr.execute("""
            CREATE OR REPLACE FUNCTION jxc_stock_quant_available() RETURNS trigger AS $$
            BEGIN
                NEW.available_quantity := COALESCE(NEW.quantity, 0) - COALESCE(NEW.reserved_quantity, 0);
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            DROP TRIGGER IF EXISTS jxc_stock_quant_available ON jxc_stock_quant;
            CREATE TRIGGER jxc_stock_quant_available BEFORE INSERT OR UPDATE ON jxc_stock_quant
                FOR EACH ROW EXECUTE PROCEDURE jxc_stock_quant_available();
        """)

    @api.model
    def _available_quantities(self, keys):
        """{(product id, warehouse id): on hand - reserved, in the product unit} for the given
        (product id, warehouse id) pairs, in one query (pairs without stock are absent)."""
        keys = {key for key in keys if key[0] and key[1]}
        if not keys:
            return {}
        product_ids, warehouse_ids = zip(*keys)
        self.env.cr.execute("""
            SELECT q.product_id, q.warehouse_id, q.available_quantity
              FROM unnest(%s::int[], %s::int[]) AS k(product_id, warehouse_id)
              JOIN jxc_stock_quant q ON q.product_id = k.product_id AND q.warehouse_id = k.warehouse_id
        """, (list(product_ids), list(warehouse_ids)))
        return {(product_id, warehouse_id): qty for product_id, warehouse_id, qty in self.env.cr.fetchall()}

    @api.multi
    def action_view_ledger(self):
        self.ensure_one()
        action = self.env.ref("jxc_addon.jxc_stock_ledger_action").read()[0]
        action["domain"] = [("product_id", "=", self.product_id.id), ("warehouse_id", "=", self.warehouse_id.id)]
        action["context"] = {}
        return action

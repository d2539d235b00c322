from odoo import api, fields, models, tools
from odoo.addons import decimal_precision as dp


class JxcSupplierComparison(models.Model):
    """Per product and supplier: prices paid and how the supplier delivered, from orders and receipts."""
    _name = "jxc.supplier.comparison"
    _description = "Supplier Comparison"
    _auto = False
    _order = "product_id, avg_price"

    product_id = fields.Many2one("product.product", readonly=True)
    partner_id = fields.Many2one("res.partner", "Supplier", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    order_line_count = fields.Integer("Order Lines", readonly=True)
    last_price = fields.Float(digits=dp.get_precision("Product Price"), readonly=True, group_operator="avg")
    avg_price = fields.Float("Average Price", digits=dp.get_precision("Product Price"), readonly=True,
                             group_operator="avg",
                             help="Ordered quantities weigh the prices (per unit of the product).")
    receipt_count = fields.Integer("Receipts", readonly=True)
    on_time_rate = fields.Float("On-time Rate (%)", digits=(5, 1), readonly=True, group_operator="avg",
                                help="Receipts validated by the expected date of their order.")
    quality_rate = fields.Float("Quality Pass Rate (%)", digits=(5, 1), readonly=True, group_operator="avg",
                                help="Accepted over accepted plus rejected quantities.")
    lead_days = fields.Float("Average Lead Days", digits=(6, 1), readonly=True, group_operator="avg",
                             help="Days from the order date to the receipt.")

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self._cr, self._table)
        self._cr.execute("""
            CREATE VIEW jxc_supplier_comparison AS (
                WITH ordered AS (
                    -- prices and quantities in the product's unit, whatever unit each line was ordered in
                    SELECT l.product_id, o.partner_id, o.company_id,
                           l.price_unit * lu.factor / pu.factor AS price_unit,
                           l.product_qty / lu.factor * pu.factor AS product_qty,
                           row_number() OVER (PARTITION BY l.product_id, o.partner_id, o.company_id
                                              ORDER BY o.date_order DESC, l.id DESC) AS recency
                      FROM jxc_purchase_order_line l
                      JOIN jxc_purchase_order o ON o.id = l.order_id
                      JOIN product_uom lu ON lu.id = l.uom_id
                      JOIN product_product pp ON pp.id = l.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                      JOIN product_uom pu ON pu.id = pt.uom_id
                     WHERE o.state IN ('confirmed', 'done')
                ), received AS (
                    SELECT pl.product_id, o.partner_id, o.company_id,
                           COUNT(DISTINCT p.id) AS receipt_count,
                           100.0 * COUNT(DISTINCT p.id) FILTER (WHERE p.date <= COALESCE(o.date_expected, p.date))
                                 / NULLIF(COUNT(DISTINCT p.id), 0) AS on_time_rate,
                           100.0 * SUM(sl.quantity) / NULLIF(SUM(sl.quantity + COALESCE(sl.rejected_qty, 0)), 0)
                                 AS quality_rate,
                           AVG(p.date - o.date_order) AS lead_days
                      FROM jxc_stock_picking_line sl
                      JOIN jxc_stock_picking p ON p.id = sl.picking_id
                      JOIN jxc_purchase_order_line pl ON pl.id = sl.purchase_line_id
                      JOIN jxc_purchase_order o ON o.id = pl.order_id
                     WHERE p.state = 'done' AND p.picking_type = 'receipt'
                     GROUP BY pl.product_id, o.partner_id, o.company_id
                )
                SELECT row_number() OVER (ORDER BY ordered.product_id, ordered.partner_id) AS id,
                       ordered.product_id, ordered.partner_id, ordered.company_id,
                       COUNT(*) AS order_line_count,
                       MAX(ordered.price_unit) FILTER (WHERE ordered.recency = 1) AS last_price,
                       SUM(ordered.price_unit * ordered.product_qty) / NULLIF(SUM(ordered.product_qty), 0) AS avg_price,
                       COALESCE(MAX(received.receipt_count), 0) AS receipt_count,
                       MAX(received.on_time_rate) AS on_time_rate,
                       MAX(received.quality_rate) AS quality_rate,
                       MAX(received.lead_days) AS lead_days
                  FROM ordered
                  LEFT JOIN received ON received.product_id = ordered.product_id
                                    AND received.partner_id = ordered.partner_id
                                    AND received.company_id = ordered.company_id
                 GROUP BY ordered.product_id, ordered.partner_id, ordered.company_id
            )
        """)

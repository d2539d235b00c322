from odoo import api, fields, models, tools
from odoo.addons import decimal_precision as dp

from .jxc_sql_report_mixin import (SQL_TODAY, create_sql_functions, in_company_currency, in_product_unit,
                                   weighted_read_group)

from .jxc_purchase_order import PURCHASE_STATES

RECEIPT_TIMINGS = [
    ("on_time", "On Time"),
    ("late", "Late"),
    ("waiting", "Waiting"),
]


class JxcPurchaseReport(models.Model):
    """Purchase analysis (Reports › Purchase Analysis): one row per purchase order line of an order
    that was not cancelled.

    Quantities are in the product's unit, amounts untaxed in the company currency at the rate of the
    order date. The average price of any group is its amount over its ordered quantity (read_group),
    never a sum or mean of prices. A line is on time when its goods came (the last receipt) by the
    order's expected date, late when they came after it or are still awaited past it (today is the
    user's, jxc.sql.report.mixin); goods the company returned to the supplier count as delivered, goods
    rejected at the door too.
    """
    _name = "jxc.purchase.report"
    _description = "Purchase Analysis"
    _inherit = ["jxc.field.access.mixin", "jxc.sql.report.mixin"]
    _auto = False
    _order = "date desc, id desc"

    date = fields.Date("Order Date", readonly=True)
    date_expected = fields.Date("Expected Date", readonly=True)
    receipt_date = fields.Date("Received on", readonly=True, help="Date of the last validated receipt of the line.")
    order_id = fields.Many2one("jxc.purchase.order", "Purchase Order", readonly=True)
    state = fields.Selection(PURCHASE_STATES, "Status", readonly=True)
    partner_id = fields.Many2one("res.partner", "Supplier", readonly=True)
    user_id = fields.Many2one("res.users", "Purchaser", readonly=True)
    product_id = fields.Many2one("product.product", "Product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    warehouse_id = fields.Many2one("jxc.warehouse", "Warehouse", readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    uom_id = fields.Many2one("product.uom", "Unit", readonly=True,
                             help="The product's unit: every quantity and the average price are per this unit.")
    qty_ordered = fields.Float("Ordered", digits=dp.get_precision("Product Unit of Measure"), readonly=True)
    qty_received = fields.Float("Received", digits=dp.get_precision("Product Unit of Measure"), readonly=True,
                                help="Accepted into stock, net of supplier returns.")
    qty_rejected = fields.Float("Rejected", digits=dp.get_precision("Product Unit of Measure"), readonly=True,
                                help="Refused at inspection on receipt.")
    qty_returned = fields.Float("Returned", digits=dp.get_precision("Product Unit of Measure"), readonly=True)
    qty_billed = fields.Float("Billed", digits=dp.get_precision("Product Unit of Measure"), readonly=True,
                              help="Billed net of supplier credit notes.")
    amount = fields.Float("Untaxed Amount", digits=dp.get_precision("Account"), readonly=True,
                          groups="jxc_addon.group_jxc_price")
    price_average = fields.Float(
        "Average Price", digits=dp.get_precision("Product Price"), readonly=True, group_operator="avg",
        groups="jxc_addon.group_jxc_price",
        help="Untaxed amount divided by the ordered quantity: the price weighted by the quantities bought.")
    lead_days = fields.Float("Lead Days", digits=(16, 1), readonly=True, group_operator="avg",
                             help="Days from the order date to the last receipt (average of the lines received).")
    timing = fields.Selection(RECEIPT_TIMINGS, "Delivery Timing", readonly=True,
                              help="On time: received by the expected date. Late: received after it, or still "
                                   "awaited past it. Waiting: not (fully) received and not yet due.")

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self._cr, self._table)
        create_sql_functions(self._cr)
        # Units and currencies other than the product's and the company's through functions, as in
        # jxc.sale.report (the expressions are this module's constants: no value reaches the SQL text).
        self._cr.execute("""
            CREATE VIEW jxc_purchase_report AS (
                SELECT l.id, o.date_order AS date, o.date_expected, rcv.last_date AS receipt_date, l.order_id,
                       o.state, cp.id AS partner_id, o.user_id, l.product_id, pt.categ_id, o.warehouse_id,
                       o.company_id, pt.uom_id,
                       {qty_ordered} AS qty_ordered,
                       {qty_received} AS qty_received,
                       {qty_rejected} AS qty_rejected,
                       {qty_returned} AS qty_returned,
                       {qty_billed} AS qty_billed,
                       {amount} AS amount,
                       {amount} / NULLIF({qty_ordered}, 0) AS price_average,
                       rcv.last_date - o.date_order AS lead_days,
                       CASE WHEN rcv.last_date > o.date_expected
                                 OR (l.qty_received + l.qty_returned + l.qty_rejected < l.product_qty
                                     AND o.state = 'confirmed' AND o.date_expected < {today}) THEN 'late'
                            WHEN rcv.last_date IS NOT NULL
                                 AND (l.qty_received + l.qty_returned + l.qty_rejected >= l.product_qty
                                      OR o.state = 'done') THEN 'on_time'
                            ELSE 'waiting' END AS timing
                  FROM jxc_purchase_order_line l
                  JOIN jxc_purchase_order o ON o.id = l.order_id
                  LEFT JOIN res_company c ON c.id = o.company_id
                  LEFT JOIN res_partner p ON p.id = o.partner_id
                  LEFT JOIN res_partner cp ON cp.id = COALESCE(p.commercial_partner_id, p.id)
                  LEFT JOIN product_product pp ON pp.id = l.product_id
                  LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  LEFT JOIN LATERAL (
                      SELECT MAX(k.date) AS last_date
                        FROM jxc_stock_picking_line sl
                        JOIN jxc_stock_picking k ON k.id = sl.picking_id
                       WHERE sl.purchase_line_id = l.id AND k.state = 'done' AND k.picking_type = 'receipt'
                  ) rcv ON TRUE
                 WHERE o.state != 'cancel'
            )
        """.format(
            today=SQL_TODAY, amount=in_company_currency("l.price_subtotal"),
            **{name: in_product_unit("l." + column) for name, column in (
                ("qty_ordered", "product_qty"), ("qty_received", "qty_received"), ("qty_rejected", "qty_rejected"),
                ("qty_returned", "qty_returned"), ("qty_billed", "qty_billed"))}))

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """A group's average price is its amount over its ordered quantity, not a sum or mean of prices."""
        parent = super().read_group
        return weighted_read_group(
            lambda names: parent(domain, names, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy),
            fields, "price_average", "amount", "qty_ordered")

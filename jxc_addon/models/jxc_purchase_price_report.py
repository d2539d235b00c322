from odoo import api, fields, models, tools
from odoo.addons import decimal_precision as dp

from .jxc_purchase_order import PURCHASE_STATES
from .jxc_sql_report_mixin import create_sql_functions, in_company_currency, in_product_unit, weighted_read_group


class JxcPurchasePriceReport(models.Model):
    """Purchase prices (Reports › Purchase Prices): one row per purchase order line, its quantity in
    the product's unit and its untaxed amount in the company currency. The average price of any
    group is Σ amount / Σ quantity, so prices are weighted by the quantities bought and never added up."""
    _name = "jxc.purchase.price.report"
    _description = "Purchase Price Analysis"
    _inherit = ["jxc.field.access.mixin"]
    _auto = False
    _order = "date_order desc, id desc"

    date_order = fields.Date("Order Date", readonly=True)
    order_id = fields.Many2one("jxc.purchase.order", "Purchase Order", readonly=True)
    product_id = fields.Many2one("product.product", "Product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    partner_id = fields.Many2one("res.partner", "Supplier", readonly=True)
    user_id = fields.Many2one("res.users", "Purchaser", readonly=True)
    warehouse_id = fields.Many2one("jxc.warehouse", "Warehouse", readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    state = fields.Selection(PURCHASE_STATES, "Status", readonly=True)
    uom_id = fields.Many2one("product.uom", "Unit", readonly=True, help="The product's unit: quantities and prices are per this unit.")
    quantity = fields.Float("Quantity", digits=dp.get_precision("Product Unit of Measure"), readonly=True)
    amount = fields.Float("Untaxed Amount", digits=dp.get_precision("Account"), readonly=True,
                          groups="jxc_addon.group_jxc_price")
    price_average = fields.Float("Average Price", digits=dp.get_precision("Product Price"), readonly=True,
                                 group_operator="avg", groups="jxc_addon.group_jxc_price",
                                 help="Untaxed amount divided by quantity: the price weighted by the quantities bought.")

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self._cr, self._table)
        create_sql_functions(self._cr)
        # Rates as res.currency._get_rates reads them: the latest at the order date, 1.0 when none.
        self._cr.execute("""
            CREATE VIEW jxc_purchase_price_report AS (
                SELECT l.id, o.date_order, o.id AS order_id, l.product_id, pt.categ_id, o.partner_id, o.user_id,
                       o.warehouse_id, o.company_id, o.state, pt.uom_id,
                       {quantity} AS quantity,
                       {amount} AS amount,
                       {amount} / NULLIF({quantity}, 0) AS price_average
                  FROM jxc_purchase_order_line l
                  JOIN jxc_purchase_order o ON o.id = l.order_id
                  JOIN res_company c ON c.id = o.company_id
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE o.state != 'cancel'
            )
        """.format(quantity=in_product_unit("l.product_qty"), amount=in_company_currency("l.price_subtotal")))

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """A group's average price is its amount over its quantity, not a sum or mean of prices."""
        parent = super().read_group
        return weighted_read_group(
            lambda names: parent(domain, names, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy),
            fields, "price_average", "amount", "quantity")

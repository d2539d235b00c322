from odoo import api, fields, models, tools
from odoo.addons import decimal_precision as dp

from .jxc_purchase_order import PURCHASE_STATES


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
        # Rates as res.currency._get_rates reads them: the latest at the order date, 1.0 when none.
        self._cr.execute("""
            CREATE VIEW jxc_purchase_price_report AS (
                SELECT l.id, o.date_order, o.id AS order_id, l.product_id, pt.categ_id, o.partner_id, o.user_id,
                       o.warehouse_id, o.company_id, o.state, pt.uom_id,
                       l.product_qty / lu.factor * pu.factor AS quantity,
                       l.price_subtotal * rate.factor AS amount,
                       l.price_subtotal * rate.factor / NULLIF(l.product_qty / lu.factor * pu.factor, 0)
                           AS price_average
                  FROM jxc_purchase_order_line l
                  JOIN jxc_purchase_order o ON o.id = l.order_id
                  JOIN res_company c ON c.id = o.company_id
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN product_uom lu ON lu.id = l.uom_id
                  JOIN product_uom pu ON pu.id = pt.uom_id
                  CROSS JOIN LATERAL (
                      SELECT CASE WHEN o.currency_id = c.currency_id THEN 1.0 ELSE
                          COALESCE((SELECT r.rate FROM res_currency_rate r
                                     WHERE r.currency_id = c.currency_id AND r.name <= o.date_order
                                       AND (r.company_id IS NULL OR r.company_id = o.company_id)
                                     ORDER BY r.company_id, r.name DESC LIMIT 1), 1.0)
                          / COALESCE((SELECT r.rate FROM res_currency_rate r
                                       WHERE r.currency_id = o.currency_id AND r.name <= o.date_order
                                         AND (r.company_id IS NULL OR r.company_id = o.company_id)
                                       ORDER BY r.company_id, r.name DESC LIMIT 1), 1.0)
                      END AS factor
                  ) rate
                 WHERE o.state != 'cancel'
            )
        """)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """A group's average price is its amount over its quantity, not a sum or mean of prices."""
        fields = list(fields or [])
        if "price_average" not in fields:
            return super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby,
                                      lazy=lazy)
        extra = [name for name in ("amount", "quantity") if name not in fields]
        groups = super().read_group(domain, fields + extra, groupby, offset=offset, limit=limit,
                                    orderby=orderby, lazy=lazy)
        for group in groups:
            quantity = group.get("quantity") or 0.0
            group["price_average"] = (group.get("amount") or 0.0) / quantity if quantity else 0.0
            for name in extra:
                group.pop(name, None)
        return groups

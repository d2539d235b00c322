from odoo import api, fields, models, tools
from odoo.addons import decimal_precision as dp

from .jxc_sale_order import SALE_STATES
from .res_partner import CUSTOMER_GRADES
from .jxc_sql_report_mixin import create_sql_functions, in_company_currency, in_product_unit

# Who sees what the goods cost and what they earned: 进销存 Managers, as on the orders themselves.
MARGIN_GROUPS = "jxc_addon.group_jxc_manager"


class JxcSaleReport(models.Model):
    """Sales analysis (Reports › Sales Analysis): one row per sales order line.

    Quantities are in the product's unit, amounts in the company currency at the rate of the order
    date. Cost and margin are those of the goods the customer kept (delivered net of returns, see
    lib/margin.py): the margin is the line's own, the cost is the revenue of the goods kept minus
    that margin. Salesmen read their own rows (record rule) and never cost or margin
    (jxc.field.access.mixin keeps them out of read_group, search and export as well).
    """
    _name = "jxc.sale.report"
    _description = "Sales Analysis"
    _inherit = ["jxc.field.access.mixin", "jxc.sql.report.mixin"]
    _auto = False
    _order = "date desc, id desc"

    date = fields.Date("Order Date", readonly=True)
    order_id = fields.Many2one("jxc.sale.order", "Sales Order", readonly=True)
    state = fields.Selection(SALE_STATES, "Status", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    country_state_id = fields.Many2one("res.country.state", "Province", readonly=True)
    city = fields.Char("City", readonly=True)
    customer_grade = fields.Selection(CUSTOMER_GRADES, "Customer Grade", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    product_id = fields.Many2one("product.product", "Product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    warehouse_id = fields.Many2one("jxc.warehouse", "Warehouse", readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    uom_id = fields.Many2one("product.uom", "Unit", readonly=True,
                             help="The product's unit: every quantity is in this unit.")
    qty_ordered = fields.Float("Ordered", digits=dp.get_precision("Product Unit of Measure"), readonly=True)
    qty_delivered = fields.Float("Delivered", digits=dp.get_precision("Product Unit of Measure"), readonly=True,
                                 help="Delivered net of customer returns.")
    qty_returned = fields.Float("Returned", digits=dp.get_precision("Product Unit of Measure"), readonly=True)
    qty_invoiced = fields.Float("Invoiced", digits=dp.get_precision("Product Unit of Measure"), readonly=True,
                                help="Invoiced net of credit notes.")
    amount_untaxed = fields.Float("Untaxed Amount", digits=dp.get_precision("Account"), readonly=True,
                                  help="Ordered quantity at the net price, without taxes, in the company currency.")
    cost = fields.Float("Cost", digits=dp.get_precision("Account"), readonly=True, groups=MARGIN_GROUPS,
                        help="Cost of the goods the customer kept: deliveries net of returns, at the "
                             "cost the stock ledger took them out at.")
    margin = fields.Float("Margin", digits=dp.get_precision("Account"), readonly=True, groups=MARGIN_GROUPS,
                          help="Untaxed revenue of the goods the customer kept minus their cost.")

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self._cr, self._table)
        create_sql_functions(self._cr)
        # Managers' dashboard reads today's and this month's orders.
        self._cr.execute("CREATE INDEX IF NOT EXISTS jxc_sale_order_date_order_idx ON jxc_sale_order (date_order)")
        # Built for a million lines (bench/bench_analysis.py): what a query does not ask for is joined
        # by LEFT JOINs on unique keys, which PostgreSQL leaves out; a line in the product's unit and
        # the company's currency is read as it is, the others go through functions. The revenue of
        # the goods kept is rounded like lib/margin.kept_revenue (half up, to the currency's
        # rounding), so that cost + margin = that revenue to the cent. (The expressions are this
        # module's constants: no value reaches the SQL text.)
        self._cr.execute("""
            CREATE VIEW jxc_sale_report AS (
                SELECT l.id, o.date_order AS date, l.order_id, o.state, cp.id AS partner_id,
                       cp.state_id AS country_state_id, cp.city, cp.jxc_customer_grade AS customer_grade,
                       o.user_id, l.product_id, pt.categ_id, o.warehouse_id, o.company_id, pt.uom_id,
                       {qty_ordered} AS qty_ordered,
                       {qty_delivered} AS qty_delivered,
                       {qty_returned} AS qty_returned,
                       {qty_invoiced} AS qty_invoiced,
                       {amount_untaxed} AS amount_untaxed,
                       {cost} AS cost,
                       {margin} AS margin
                  FROM jxc_sale_order_line l
                  JOIN jxc_sale_order o ON o.id = l.order_id
                  LEFT JOIN res_company c ON c.id = o.company_id
                  LEFT JOIN res_currency cur ON cur.id = o.currency_id
                  LEFT JOIN res_partner p ON p.id = o.partner_id
                  LEFT JOIN res_partner cp ON cp.id = COALESCE(p.commercial_partner_id, p.id)
                  LEFT JOIN product_product pp ON pp.id = l.product_id
                  LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
            )
        """.format(
            # product unit; the company currency at the order date
            **{name: in_product_unit("l." + column) for name, column in (
                ("qty_ordered", "product_qty"), ("qty_delivered", "qty_delivered"),
                ("qty_returned", "qty_returned"), ("qty_invoiced", "qty_invoiced"))},
            amount_untaxed=in_company_currency("l.price_subtotal"),
            cost=in_company_currency(
                "(COALESCE(ROUND(l.price_subtotal * l.qty_delivered / NULLIF(l.product_qty, 0) / cur.rounding)"
                " * cur.rounding, 0) - COALESCE(l.margin, 0))"),
            margin=in_company_currency("COALESCE(l.margin, 0)")))

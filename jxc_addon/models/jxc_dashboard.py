import json

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models, tools

from ..lib.formatting import format_amount, format_qty
from .jxc_sale_report import MARGIN_GROUPS

# What the dashboard counts as sold: confirmed orders (in progress or locked).
SOLD = [("state", "in", ("confirmed", "done"))]
TOP_COUNT = 10
TREND_MONTHS = 12
# The warning kinds counted on the dashboard (jxc.reorder.warning kind), each a field warning_<kind>.
WARNING_FIGURES = ("reorder", "slow", "overstock", "overdue", "backup")


class JxcDashboard(models.Model):
    """进销存 dashboard: one card per company with the figures a manager starts the day with (a
    salesman sees his own sales, without margins or stock values).

    Every figure is read as the user (record rules apply) from the model whose list it opens:
    sales from the sales analysis, stock value from the stock on hand, warnings from the warnings
    board, overdue receivables from the receivables aging.
    """
    _name = "jxc.dashboard"
    _description = "进销存 Dashboard"
    _inherit = ["jxc.field.access.mixin"]
    _auto = False
    _order = "id"

    name = fields.Char("Company Name", readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    currency_id = fields.Many2one("res.currency", "Currency", readonly=True)
    sale_today = fields.Monetary("Sales Today", compute="_compute_sales")
    sale_today_count = fields.Integer("Orders Today", compute="_compute_sales")
    sale_month = fields.Monetary("Sales This Month", compute="_compute_sales")
    sale_month_count = fields.Integer("Orders This Month", compute="_compute_sales")
    margin_month = fields.Monetary("Gross Margin This Month", compute="_compute_margin", groups=MARGIN_GROUPS)
    margin_month_rate = fields.Float("Gross Margin Rate (%)", compute="_compute_margin", groups=MARGIN_GROUPS,
                                     help="Margin over the revenue of the goods kept, this month's orders.")
    stock_value = fields.Monetary("Stock Value", compute="_compute_stock_value", groups=MARGIN_GROUPS)
    warning_reorder = fields.Integer("Below Safety Stock", compute="_compute_warnings")
    warning_slow = fields.Integer("Slow-moving", compute="_compute_warnings")
    warning_overstock = fields.Integer("Overstock", compute="_compute_warnings")
    warning_overdue = fields.Integer("Overdue Receivable", compute="_compute_warnings")
    warning_backup = fields.Integer("Backup Failed", compute="_compute_warnings")
    overdue_amount = fields.Monetary("Overdue Receivables", compute="_compute_overdue")
    overdue_count = fields.Integer("Customers Overdue", compute="_compute_overdue")
    top_products = fields.Char("Top 10 Products", compute="_compute_tops",
                               help="JSON: this month's best-selling products by untaxed amount.")
    top_customers = fields.Char("Top 10 Customers", compute="_compute_tops",
                                help="JSON: this month's best customers by untaxed amount.")
    sales_graph = fields.Char("Sales Trend", compute="_compute_sales_graph",
                              help="JSON for the dashboard graph: untaxed sales of the last 12 months.")

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self._cr, self._table)
        self._cr.execute("""
            CREATE VIEW jxc_dashboard AS (
                SELECT c.id, c.id AS company_id, c.name, c.currency_id FROM res_company c
            )
        """)

    # ------------------------------------------------------------------ periods
    def _today(self):
        return fields.Date.from_string(fields.Date.context_today(self))

    def _period_domain(self, period):
        """Domain on the analyses' `date` for 'today', 'month' (this month) or 'trend' (the last 12
        months, this one included)."""
        today = self._today()
        if period == "today":
            return [("date", "=", fields.Date.to_string(today))]
        start = today.replace(day=1)
        if period == "trend":
            start -= relativedelta(months=TREND_MONTHS - 1)
        return [("date", ">=", fields.Date.to_string(start)),
                ("date", "<", fields.Date.to_string(today.replace(day=1) + relativedelta(months=1)))]

    def _sales_domain(self, period):
        return SOLD + [("company_id", "=", self.company_id.id)] + self._period_domain(period)

    def _can_read(self, model):
        return self.env[model].check_access_rights("read", raise_exception=False)

    # ------------------------------------------------------------------ figures
    @api.multi
    def _compute_sales(self):
        for board in self:
            for period in ("today", "month"):
                amount, count = board._sales_total(period)
                board["sale_%s" % period] = board.currency_id.round(amount)
                board["sale_%s_count" % period] = count

    def _sales_total(self, period):
        """(untaxed amount, number of orders) of the period in the sales analysis rows the user may read."""
        readable = self.env["res.partner"]._jxc_readable_query("jxc.sale.report", self._sales_domain(period))
        if readable is None:
            return 0.0, 0
        from_clause, where_clause, params = readable
        with self.env["jxc.sale.report"]._jxc_report_settings():
            self.env.cr.execute("""
                SELECT COALESCE(SUM("jxc_sale_report".amount_untaxed), 0),
                       COUNT(DISTINCT "jxc_sale_report".order_id)
                  FROM {} WHERE {}
            """.format(from_clause, where_clause or "TRUE"), params)
            return self.env.cr.fetchone()

    @api.multi
    def _compute_margin(self):
        Report = self.env["jxc.sale.report"]
        for board in self:
            margin = revenue = 0.0
            if self.user_has_groups(MARGIN_GROUPS):
                group = Report.read_group(board._sales_domain("month"), ["margin", "cost"], [], lazy=False)
                if group:
                    margin = group[0]["margin"] or 0.0
                    revenue = margin + (group[0]["cost"] or 0.0)
            board.margin_month = board.currency_id.round(margin)
            board.margin_month_rate = round(100.0 * margin / revenue, 2) if revenue else 0.0

    @api.multi
    def _compute_stock_value(self):
        for board in self:
            value = 0.0
            if self.user_has_groups(MARGIN_GROUPS):
                group = self.env["jxc.stock.quant"].read_group(
                    [("company_id", "=", board.company_id.id)], ["value"], [], lazy=False)
                value = group[0]["value"] or 0.0 if group else 0.0
            board.stock_value = board.currency_id.round(value)

    @api.multi
    def _compute_warnings(self):
        for board in self:
            counts = {}
            if self._can_read("jxc.reorder.warning"):
                groups = self.env["jxc.reorder.warning"].read_group(
                    [("state", "=", "open"), ("company_id", "=", board.company_id.id)], ["kind"], ["kind"])
                counts = {group["kind"]: group["kind_count"] for group in groups}
            for kind in WARNING_FIGURES:
                board["warning_%s" % kind] = counts.get(kind, 0)

    @api.multi
    def _compute_overdue(self):
        for board in self:
            amount = count = 0
            if self._can_read("jxc.partner.aging"):
                total = self.env["jxc.partner.aging"].read_group(
                    [("account_type", "=", "receivable"), ("company_id", "=", board.company_id.id),
                     ("overdue", ">", 0)], ["overdue"], [], lazy=False)
                if total:
                    amount, count = total[0]["overdue"] or 0.0, total[0]["__count"]
            board.overdue_amount = board.currency_id.round(amount)
            board.overdue_count = count

    @api.multi
    def _compute_tops(self):
        Report = self.env["jxc.sale.report"]
        for board in self:
            tops = {"product_id": [], "partner_id": []}
            if self._can_read("jxc.sale.report"):
                for field in tops:
                    groups = Report.read_group(board._sales_domain("month"), [field, "amount_untaxed", "qty_ordered"],
                                               [field], orderby="amount_untaxed desc", limit=TOP_COUNT)
                    groups = [group for group in groups if group[field]]
                    units = {product.id: product.uom_id for product in self.env["product.product"].browse(
                        [group[field][0] for group in groups] if field == "product_id" else [])}
                    tops[field] = [{
                        "id": group[field][0], "name": group[field][1],
                        "amount": group["amount_untaxed"] or 0.0,
                        "amount_text": format_amount(self.env, group["amount_untaxed"] or 0.0, board.currency_id),
                        # a product's quantity in its unit (a customer's products have several)
                        "qty_text": format_qty(self.env, group["qty_ordered"] or 0.0, units[group[field][0]])
                        if field == "product_id" else "",
                    } for group in groups]
            board.top_products = json.dumps(tops["product_id"])
            board.top_customers = json.dumps(tops["partner_id"])

    @api.multi
    def _compute_sales_graph(self):
        Report = self.env["jxc.sale.report"]
        for board in self:
            amounts = {}
            if self._can_read(Report._name):
                for group in Report.read_group(board._sales_domain("trend"), ["amount_untaxed", "date"],
                                               ["date:month"], lazy=False):
                    # a month's group is the domain of its dates: its first day tells the month
                    start = next(leaf[2] for leaf in group["__domain"]
                                 if isinstance(leaf, (list, tuple)) and tuple(leaf[:2]) == ("date", ">="))
                    amounts[start[:7]] = group["amount_untaxed"] or 0.0
            board.sales_graph = json.dumps([{
                "key": _("Sales"), "title": _("Untaxed sales per month"),
                "values": [{"label": month, "value": round(amounts.get(month, 0.0), 2), "type": "past"}
                           for month in board._trend_months()],
            }])

    def _trend_months(self):
        """'YYYY-MM' of the last 12 months, oldest first."""
        start = self._today().replace(day=1)
        return [(start - relativedelta(months=n)).strftime("%Y-%m") for n in range(TREND_MONTHS - 1, -1, -1)]

    # ------------------------------------------------------------------ each figure opens its list
    @api.multi
    def action_open_figure(self):
        """The list behind the figure named in the context key `jxc_figure` (and `jxc_id` for a top
        product or customer)."""
        self.ensure_one()
        figure = self.env.context.get("jxc_figure")
        record_id = self.env.context.get("jxc_id")
        if figure in ("sale_today", "sale_month", "margin_month", "top_product", "top_customer", "trend"):
            period = {"sale_today": "today", "trend": "trend"}.get(figure, "month")
            domain = self._sales_domain(period)
            if figure == "top_product":
                domain.append(("product_id", "=", record_id))
            elif figure == "top_customer":
                domain.append(("partner_id", "=", record_id))
            names = {"sale_today": _("Sales Today"), "sale_month": _("Sales This Month"),
                     "margin_month": _("Gross Margin This Month"), "trend": _("Sales Trend"),
                     "top_product": _("Sales This Month"), "top_customer": _("Sales This Month")}
            if figure == "trend":
                return self._action("jxc_addon.jxc_sale_report_action", names[figure], domain, first_view="graph",
                                    context={"graph_groupbys": ["date:month"], "pivot_row_groupby": ["date:month"]})
            # the figure's own period, not the action's default filters
            return self._action("jxc_addon.jxc_sale_report_action", names[figure], domain, context={})
        if figure == "stock_value":
            return self._action("jxc_addon.jxc_stock_quant_action", None,
                                [("company_id", "=", self.company_id.id)])
        if figure and figure.startswith("warning_") and figure[len("warning_"):] in WARNING_FIGURES:
            kind = figure[len("warning_"):]
            label = dict(self.env["jxc.reorder.warning"]._fields["kind"]._description_selection(self.env))
            return self._action("jxc_addon.jxc_reorder_warning_action", label.get(kind),
                                [("state", "=", "open"), ("kind", "=", kind), ("company_id", "=", self.company_id.id)],
                                context={}, first_view="tree")
        if figure == "overdue":
            return self._action("jxc_addon.jxc_partner_aging_action_receivable", _("Overdue Receivables"),
                                [("account_type", "=", "receivable"), ("company_id", "=", self.company_id.id),
                                 ("overdue", ">", 0)])
        return False

    def _action(self, xmlid, name, domain, context=None, first_view="tree"):
        action = self.env.ref(xmlid).read()[0]
        action["domain"] = domain
        if name:
            action["name"] = action["display_name"] = name
        if context is not None:
            action["context"] = context
        action["views"] = self._ordered_views(action, first_view)
        return action

    @staticmethod
    def _ordered_views(action, first):
        """The action's views with `first` first (the list a figure opens)."""
        views = action.get("views") or [(False, mode) for mode in action["view_mode"].split(",")]
        views = [tuple(view) for view in views]
        if first not in [mode for _id, mode in views]:
            views.append((False, first))
        return sorted(views, key=lambda view: view[1] != first)


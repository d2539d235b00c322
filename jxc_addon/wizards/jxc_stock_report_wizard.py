from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools.misc import format_date

from ..models.jxc_guarded_mixin import check_groups

REPORTS = [
    ("summary", "Stock Summary"),
    ("valuation", "Stock Valuation at Date"),
    ("turnover", "Turnover and Holding Cost"),
]
# Who may run each report: the summary shows values only to those who see costs (field groups);
# valuation and turnover are about values alone.
REPORT_GROUPS = {
    "summary": "jxc_addon.group_jxc_user",
    "valuation": "jxc_addon.group_jxc_price",
    "turnover": "jxc_addon.group_jxc_price",
}
# Views of the rows (jxc.stock.summary) for each report, in the order the action offers them.
REPORT_VIEWS = {
    "summary": (("tree", "jxc_stock_summary_view_tree"), ("pivot", "jxc_stock_summary_view_pivot"),
                ("graph", "jxc_stock_summary_view_graph")),
    "valuation": (("pivot", "jxc_stock_summary_view_pivot_valuation"),
                  ("tree", "jxc_stock_summary_view_tree_valuation"),
                  ("graph", "jxc_stock_summary_view_graph_valuation")),
    "turnover": (("tree", "jxc_stock_summary_view_tree_turnover"), ("pivot", "jxc_stock_summary_view_pivot_turnover"),
                 ("graph", "jxc_stock_summary_view_graph_turnover")),
}


def check_company(env, company):
    """Reports read in SQL: refuse a company the user does not work for."""
    if env.uid != SUPERUSER_ID and company not in env.user.company_ids:
        raise AccessError(_("You may not see the reports of %s.") % company.name)


def _first_of_month(record):
    return fields.Date.to_string(fields.Date.from_string(fields.Date.context_today(record)).replace(day=1))


class JxcStockReportWizard(models.TransientModel):
    """The period and filters of a stock report (summary, valuation at a date, turnover); its
    rows are jxc.stock.summary records, made by one query when the report is opened or printed."""
    _name = "jxc.stock.report.wizard"
    _description = "Stock Report"

    report = fields.Selection(REPORTS, required=True, default="summary")
    date_from = fields.Date("From", required=True, default=_first_of_month)
    date_to = fields.Date("To", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.user.company_id)
    warehouse_ids = fields.Many2many("jxc.warehouse", string="Warehouses",
                                     domain="[('company_id', '=', company_id)]", help="Empty: all warehouses.")
    categ_ids = fields.Many2many("product.category", string="Product Categories",
                                 help="With their subcategories. Empty: all products.")
    line_ids = fields.One2many("jxc.stock.summary", "wizard_id", "Rows", readonly=True)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(_("The period ends before it starts."))

    @api.onchange("report", "date_to")
    def _onchange_valuation_date(self):
        if self.report == "valuation" and self.date_to:
            self.date_from = self.date_to

    @api.model
    def create(self, vals):
        if vals.get("report") == "valuation" and vals.get("date_to"):
            vals = dict(vals, date_from=vals["date_to"])
        return super().create(vals)

    @api.multi
    def unlink(self):
        # The rows have no foreign key to their report (see jxc.stock.summary.init): delete them here.
        self.env.cr.execute("DELETE FROM jxc_stock_summary WHERE wizard_id = ANY(%s)", (self.ids,))
        return super().unlink()

    # ------------------------------------------------------------------ actions
    @api.multi
    def action_open(self):
        """Make the rows and show them (list, pivot, graph)."""
        self.ensure_one()
        self._compute_rows()
        views = [(self.env.ref("jxc_addon." + xmlid).id, mode) for mode, xmlid in REPORT_VIEWS[self.report]]
        return {
            "type": "ir.actions.act_window",
            "name": self._title(),
            "res_model": "jxc.stock.summary",
            "view_mode": ",".join(mode for _view, mode in views),
            "views": views,
            "search_view_id": self.env.ref("jxc_addon.jxc_stock_summary_view_search").id,
            "domain": [("wizard_id", "=", self.id)],
            "target": "main",
        }

    @api.multi
    def action_print(self):
        """Make the rows and print them (进销存汇总表, A4 landscape)."""
        self.ensure_one()
        self._compute_rows()
        return self.env.ref("jxc_addon.jxc_stock_summary_report").report_action(self.line_ids)

    def _compute_rows(self):
        check_groups(self.env, REPORT_GROUPS[self.report], _("run this report"))
        check_company(self.env, self.company_id)
        if self.report == "valuation" and self.date_from != self.date_to:
            self.date_from = self.date_to
        # The rows are the user's own (transient records): written for him, read back as him.
        return self.env["jxc.stock.summary"]._fill(self)

    def _title(self):
        label = dict(self._fields["report"]._description_selection(self.env))[self.report]
        if self.report == "valuation":
            return "%s %s" % (label, format_date(self.env, self.date_to))
        return "%s %s – %s" % (label, format_date(self.env, self.date_from), format_date(self.env, self.date_to))

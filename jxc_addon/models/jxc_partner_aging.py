from odoo import _, api, fields, models, tools

from .jxc_sql_report_mixin import SQL_TODAY

AGING_TYPES = [("receivable", "Receivable"), ("payable", "Payable")]


class JxcPartnerAging(models.Model):
    """Receivables and payables aging (Reports › Receivables Aging, Payables Aging): one row per
    customer (or supplier) and company, from the open items of its receivable (payable) accounts.

    An open item is a journal item of a posted entry on a receivable or payable account with an
    amount still to reconcile (an invoice not fully paid, a payment not yet matched, which counts
    against the partner), in the company currency. It falls in a bucket by the days since its due
    date, counted from the user's today (jxc.sql.report.mixin). Payables are shown as positive amounts
    owed to the supplier.
    """
    _name = "jxc.partner.aging"
    _description = "Receivables and Payables Aging"
    _inherit = ["jxc.sql.report.mixin"]
    _auto = False
    _order = "residual desc, id"

    partner_id = fields.Many2one("res.partner", "Partner", readonly=True)
    account_type = fields.Selection(AGING_TYPES, "Type", readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    currency_id = fields.Many2one("res.currency", "Currency", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True,
                              help="The partner's salesperson (Sales & Purchases tab of the partner).")
    credit_limit = fields.Monetary("Credit Limit", readonly=True)
    credit_days = fields.Integer("Credit Days", readonly=True, group_operator="max")
    residual = fields.Monetary("Total Open", readonly=True)
    not_due = fields.Monetary("Not Due", readonly=True)
    days_1_30 = fields.Monetary("1-30 Days", readonly=True)
    days_31_60 = fields.Monetary("31-60 Days", readonly=True)
    days_61_90 = fields.Monetary("61-90 Days", readonly=True)
    days_over_90 = fields.Monetary("Over 90 Days", readonly=True)
    overdue = fields.Monetary("Overdue", readonly=True, help="Open amounts past their due date.")
    days_overdue = fields.Integer("Days Overdue", readonly=True, group_operator="max",
                                  help="Days since the oldest overdue item was due.")
    item_count = fields.Integer("Open Items", readonly=True)

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self._cr, self._table)
        # Open items are few among all journal items: a partial index holds exactly them (lines of
        # accounts that are not reconcilable keep a residual of 0).
        self._cr.execute("""
            CREATE INDEX IF NOT EXISTS jxc_account_move_line_open_idx
                ON account_move_line (account_id, partner_id) WHERE amount_residual <> 0
        """)
        # One row per (commercial partner, receivable or payable, company), aggregated from its open
        # items before the partner's and the company's columns are joined. The id is made of those
        # three, so that reading a page of rows by id filters the items before aggregating them.
        self._cr.execute("""
            CREATE VIEW jxc_partner_aging AS (
                SELECT g.id, g.partner_id, g.account_type, g.company_id, c.currency_id, cp.user_id,
                       cp.credit_limit, cp.jxc_credit_days AS credit_days, g.residual, g.not_due, g.days_1_30,
                       g.days_31_60, g.days_61_90, g.days_over_90, g.overdue, g.days_overdue, g.item_count
                  FROM (
                    SELECT (COALESCE(p.commercial_partner_id, p.id)::bigint * 4096 + aml.company_id) * 2
                               + (a.internal_type = 'payable')::int AS id,
                           COALESCE(p.commercial_partner_id, p.id) AS partner_id, a.internal_type AS account_type,
                           aml.company_id,
                           SUM(i.amount) AS residual,
                           SUM(CASE WHEN i.days <= 0 THEN i.amount END) AS not_due,
                           SUM(CASE WHEN i.days BETWEEN 1 AND 30 THEN i.amount END) AS days_1_30,
                           SUM(CASE WHEN i.days BETWEEN 31 AND 60 THEN i.amount END) AS days_31_60,
                           SUM(CASE WHEN i.days BETWEEN 61 AND 90 THEN i.amount END) AS days_61_90,
                           SUM(CASE WHEN i.days > 90 THEN i.amount END) AS days_over_90,
                           SUM(CASE WHEN i.days > 0 THEN i.amount END) AS overdue,
                           MAX(CASE WHEN i.days > 0 AND i.amount > 0 THEN i.days END) AS days_overdue,
                           COUNT(*) AS item_count
                      FROM account_move_line aml
                      JOIN account_account a ON a.id = aml.account_id
                      JOIN account_move m ON m.id = aml.move_id
                      JOIN res_partner p ON p.id = aml.partner_id
                      CROSS JOIN LATERAL (
                          SELECT CASE WHEN a.internal_type = 'payable' THEN -aml.amount_residual
                                      ELSE aml.amount_residual END AS amount,
                                 {today} - COALESCE(aml.date_maturity, aml.date) AS days
                      ) i
                     WHERE aml.amount_residual <> 0 AND a.internal_type IN ('receivable', 'payable')
                       AND m.state = 'posted'
                     GROUP BY 1, 2, 3, 4
                  ) g
                  JOIN res_company c ON c.id = g.company_id
                  JOIN res_partner cp ON cp.id = g.partner_id
            )
        """.format(today=SQL_TODAY))

    @api.multi
    def action_view_open_invoices(self):
        """The open invoices and credit notes (bills and refunds) of the row's partner."""
        self.ensure_one()
        receivable = self.account_type == "receivable"
        xmlid = "account.action_invoice_tree1" if receivable else "account.action_invoice_tree2"
        action = self.env.ref(xmlid).read()[0]
        action.update(
            display_name=_("Open Items of %s") % self.partner_id.display_name,
            domain=[("commercial_partner_id", "=", self.partner_id.id), ("state", "=", "open"),
                    ("company_id", "=", self.company_id.id),
                    ("type", "in", ("out_invoice", "out_refund") if receivable else ("in_invoice", "in_refund"))],
            context={"search_default_group_by_partner": 0})
        action["name"] = action["display_name"]
        return action

    @api.multi
    def action_new_statement(self):
        """A customer statement of the row's customer, from the start of the month to today."""
        self.ensure_one()
        today = fields.Date.from_string(fields.Date.context_today(self))
        return self.env["jxc.partner.statement"]._action_new(
            self.partner_id, fields.Date.to_string(today.replace(day=1)), fields.Date.to_string(today))

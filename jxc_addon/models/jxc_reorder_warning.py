from odoo import _, api, fields, models

WARNING_KINDS = [
    ("reorder", "Below Safety Stock"),
    ("slow", "Slow-moving"),
    ("overstock", "Overstock"),
    ("overdue", "Overdue Receivable"),
]
WARNING_STATES = [("open", "Open"), ("closed", "Closed")]
# Key of the PostgreSQL advisory lock held while a scan runs: one scan at a time across workers.
REORDER_SCAN_LOCK = 7303001


class JxcReorderWarning(models.Model):
    """One open warning per rule (or product, or customer) and kind; scans update it, never duplicate it."""
    _name = "jxc.reorder.warning"
    _description = "Stock Warning"
    _order = "state, date_open desc, id desc"
    _rec_name = "product_id"

    kind = fields.Selection(WARNING_KINDS, required=True, index=True, readonly=True)
    state = fields.Selection(WARNING_STATES, default="open", required=True, index=True, readonly=True)
    rule_id = fields.Many2one("jxc.reorder.rule", readonly=True, index=True, ondelete="cascade")
    product_id = fields.Many2one("product.product", readonly=True, index=True)
    warehouse_id = fields.Many2one("jxc.warehouse", readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    user_id = fields.Many2one("res.users", "Responsible", index=True)
    min_qty = fields.Float("Minimum", readonly=True)
    max_qty = fields.Float("Maximum", readonly=True)
    projected_qty = fields.Float("Projected", readonly=True,
                                 help="On hand − reserved + open purchase orders + approved requests.")
    suggested_qty = fields.Float("To Order", readonly=True)
    date_open = fields.Datetime("Opened on", readonly=True)
    date_closed = fields.Datetime("Closed on", readonly=True)

    @api.model_cr
    def init(self):
        self._cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS jxc_reorder_warning_open_rule_uniq
                ON jxc_reorder_warning (kind, rule_id) WHERE state = 'open' AND rule_id IS NOT NULL
        """)

    @api.model
    def _cron_reorder_scan(self):
        return self.env["jxc.reorder.rule"].search([]).action_reorder_scan()

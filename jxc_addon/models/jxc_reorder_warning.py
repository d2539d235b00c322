from collections import OrderedDict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.replenishment import reorder_quantity

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
    value = fields.Float("Value Tied Up", readonly=True, groups="jxc_addon.group_jxc_price")
    date_open = fields.Datetime("Opened on", readonly=True)
    date_closed = fields.Datetime("Closed on", readonly=True)

    @api.model_cr
    def init(self):
        self._cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS jxc_reorder_warning_open_rule_uniq
                ON jxc_reorder_warning (kind, rule_id) WHERE state = 'open' AND rule_id IS NOT NULL;
            CREATE UNIQUE INDEX IF NOT EXISTS jxc_reorder_warning_open_stock_uniq
                ON jxc_reorder_warning (kind, product_id, warehouse_id) WHERE state = 'open' AND rule_id IS NULL
        """)

    @api.multi
    def action_replenish(self):
        """Purchase requests for the selected open reorder warnings, one per supplier: quantity up
        to the maximum, at least the supplier's minimum, rounded up to the rule's multiple."""
        warnings = self.filtered(lambda w: w.kind == "reorder" and w.state == "open")
        if not warnings:
            raise UserError(_("Select open below-safety-stock warnings to replenish."))
        by_supplier = OrderedDict()
        for warning in warnings:
            rule = warning.rule_id
            supplier = rule.supplier_id or warning.product_id.seller_ids[:1].name
            seller = warning.product_id.seller_ids.filtered(lambda s: s.name == supplier)[:1]
            minimum = seller.product_uom._compute_quantity(seller.min_qty, warning.product_id.uom_id) if seller else 0.0
            qty = reorder_quantity(rule.max_qty, warning.projected_qty, rule.multiple, minimum)
            if qty > 0:
                by_supplier.setdefault(supplier, []).append((warning, qty))
        requests = self.env["jxc.purchase.request"]
        for supplier, lines in by_supplier.items():
            requests |= requests.create({
                "note": _("Replenishment of stock below its safety level."),
                "line_ids": [(0, 0, {"product_id": w.product_id.id, "uom_id": w.product_id.uom_id.id,
                                     "product_qty": qty, "supplier_id": supplier.id or False,
                                     "reason": _("Below safety stock in %s") % w.warehouse_id.name})
                             for w, qty in lines]})
        action = self.env.ref("jxc_addon.jxc_purchase_request_action").read()[0]
        action["domain"] = [("id", "in", requests.ids)]
        return action

    @api.model
    def action_slow_moving_scan(self):
        """Stock on hand that nothing took out for the company's slow-moving days: one open warning per
        product and warehouse with the value tied up; closed once goods move again or are gone."""
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_xact_lock(%s)", (REORDER_SCAN_LOCK + 1,))
        if not cr.fetchone()[0]:
            return False
        now = fields.Datetime.now()
        today = fields.Date.from_string(fields.Date.context_today(self))
        for company in self.env["res.company"].search([]):
            since = fields.Date.to_string(today - timedelta(days=company.jxc_slow_days or 90))
            cr.execute("""
                WITH slow AS (
                    SELECT q.product_id, q.warehouse_id, q.quantity, q.value
                      FROM jxc_stock_quant q
                     WHERE q.company_id = %(company)s AND q.quantity > 0
                       AND NOT EXISTS (SELECT 1 FROM jxc_stock_ledger l
                                        WHERE l.product_id = q.product_id AND l.warehouse_id = q.warehouse_id
                                          AND l.quantity < 0 AND l.date > %(since)s)
                       AND EXISTS (SELECT 1 FROM jxc_stock_ledger l
                                    WHERE l.product_id = q.product_id AND l.warehouse_id = q.warehouse_id
                                      AND l.date <= %(since)s)
                ), closed AS (
                    UPDATE jxc_reorder_warning w SET state = 'closed', date_closed = %(now)s, write_date = %(now)s
                     WHERE w.kind = 'slow' AND w.state = 'open' AND w.company_id = %(company)s
                       AND NOT EXISTS (SELECT 1 FROM slow s WHERE s.product_id = w.product_id
                                                            AND s.warehouse_id = w.warehouse_id)
                )
                INSERT INTO jxc_reorder_warning (kind, state, product_id, warehouse_id, company_id, projected_qty,
                                                 value, date_open, create_uid, create_date, write_uid, write_date)
                SELECT 'slow', 'open', s.product_id, s.warehouse_id, %(company)s, s.quantity, s.value,
                       %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM slow s
                ON CONFLICT (kind, product_id, warehouse_id) WHERE state = 'open' AND rule_id IS NULL
                DO UPDATE SET projected_qty = EXCLUDED.projected_qty, value = EXCLUDED.value,
                              write_date = EXCLUDED.write_date
            """, {"company": company.id, "since": since, "now": now, "uid": self.env.uid})
        self.invalidate_cache()
        return True

    @api.model
    def _cron_slow_moving_scan(self):
        return self.action_slow_moving_scan()

    @api.model
    def _cron_reorder_scan(self):
        return self.env["jxc.reorder.rule"].search([]).action_reorder_scan()

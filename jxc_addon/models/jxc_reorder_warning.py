from collections import OrderedDict

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
    date_open = fields.Datetime("Opened on", readonly=True)
    date_closed = fields.Datetime("Closed on", readonly=True)

    @api.model_cr
    def init(self):
        self._cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS jxc_reorder_warning_open_rule_uniq
                ON jxc_reorder_warning (kind, rule_id) WHERE state = 'open' AND rule_id IS NOT NULL
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
    def _cron_reorder_scan(self):
        return self.env["jxc.reorder.rule"].search([]).action_reorder_scan()

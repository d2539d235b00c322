from odoo import _, api, fields, models

CHECK_STATES = [("ok", "Consistent"), ("problem", "Problems Found")]
CHECK_KINDS = [
    ("quant_qty", "Quantity on hand differs from the ledger"),
    ("quant_value", "Stock value differs from the ledger"),
    ("balance", "Ledger running balance broken"),
    ("account", "Stock valuation account differs from the ledger"),
    ("no_ledger", "Done document without ledger rows"),
    ("move", "Done document without one posted balanced entry"),
    ("reserved", "Reserved quantity differs from the open sales orders"),
    ("state", "Document state differs from its validation"),
]


class JxcStockCheck(models.Model):
    """Integrity check: stock, ledger and books must tell the same story."""
    _name = "jxc.stock.check"
    _description = "Stock Integrity Check"
    _inherit = ["jxc.guarded.mixin"]
    # jxc.guarded.mixin: a check's result is what button_run found, nothing else.
    _jxc_state_field = None
    _jxc_control_fields = ("state", "name", "date", "line_ids")
    _order = "date desc, id desc"

    name = fields.Char(required=True, readonly=True, default=lambda self: _("New"))
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.user.company_id)
    state = fields.Selection(CHECK_STATES, readonly=True)
    issue_count = fields.Integer(compute="_compute_issue_count", store=True)
    line_ids = fields.One2many("jxc.stock.check.line", "check_id", readonly=True)

    @api.depends("line_ids")
    def _compute_issue_count(self):
        for check in self:
            check.issue_count = len(check.line_ids)

    @api.model
    def _cron_check(self):
        for company in self.env["res.company"].search([]):
            self.create({"company_id": company.id}).button_run()

    @api.multi
    def button_run(self):
        # Issues are written by the system: check the caller may run checks first.
        self._jxc_check_button()
        for check in self._jxc_system():
            issues = check._find_issues()
            check.line_ids.unlink()
            check.write({
                "name": _("Check of %s") % fields.Datetime.now(),
                "date": fields.Datetime.now(),
                "state": "problem" if issues else "ok",
                "line_ids": [(0, 0, vals) for vals in issues],
            })
        return True

    def _find_issues(self):
        """Every inconsistency, as line values; set-based queries, one per rule."""
        cr = self.env.cr
        company_id = self.company_id.id
        issues = []
        cr.execute("""
            WITH ledger AS (
                SELECT product_id, warehouse_id, SUM(quantity) AS qty, SUM(value) AS value
                  FROM jxc_stock_ledger WHERE company_id = %(company)s
                 GROUP BY product_id, warehouse_id
            )
            SELECT COALESCE(q.product_id, l.product_id), COALESCE(q.warehouse_id, l.warehouse_id),
                   COALESCE(l.qty, 0), COALESCE(q.quantity, 0), COALESCE(l.value, 0), COALESCE(q.value, 0)
              FROM (SELECT * FROM jxc_stock_quant WHERE company_id = %(company)s) q
              FULL OUTER JOIN ledger l ON l.product_id = q.product_id AND l.warehouse_id = q.warehouse_id
             WHERE ROUND(COALESCE(l.qty, 0) - COALESCE(q.quantity, 0), 6) <> 0
                OR ROUND(COALESCE(l.value, 0) - COALESCE(q.value, 0), 6) <> 0
        """, {"company": company_id})
        for product_id, warehouse_id, ledger_qty, quant_qty, ledger_value, quant_value in cr.fetchall():
            if round(ledger_qty - quant_qty, 6):
                issues.append({"kind": "quant_qty", "product_id": product_id, "warehouse_id": warehouse_id,
                               "expected": ledger_qty, "found": quant_qty})
            if round(ledger_value - quant_value, 6):
                issues.append({"kind": "quant_value", "product_id": product_id, "warehouse_id": warehouse_id,
                               "expected": ledger_value, "found": quant_value})
        # The balance columns must run: each row's balance = previous balance + its own change.
        cr.execute("""
            SELECT id, product_id, warehouse_id, balance_qty, expected_qty, balance_value, expected_value
              FROM (
                SELECT id, product_id, warehouse_id, balance_qty, balance_value,
                       SUM(quantity) OVER w AS expected_qty, SUM(value) OVER w AS expected_value
                  FROM jxc_stock_ledger WHERE company_id = %s
                WINDOW w AS (PARTITION BY product_id, warehouse_id ORDER BY id)
              ) t
             WHERE ROUND(balance_qty - expected_qty, 6) <> 0 OR ROUND(balance_value - expected_value, 6) <> 0
             LIMIT 1000
        """, (company_id,))
        for ledger_id, product_id, warehouse_id, balance_qty, expected_qty, balance_value, expected_value in cr.fetchall():
            issues.append({"kind": "balance", "product_id": product_id, "warehouse_id": warehouse_id,
                           "expected": expected_value, "found": balance_value,
                           "message": _("Ledger row %s: balance %s / %s, expected %s / %s") % (
                               ledger_id, balance_qty, balance_value, expected_qty, expected_value)})
        account = self.company_id.jxc_stock_valuation_account_id
        if account:
            cr.execute("""
                SELECT (SELECT COALESCE(SUM(value), 0) FROM jxc_stock_ledger WHERE company_id = %(company)s),
                       (SELECT COALESCE(SUM(aml.balance), 0) FROM account_move_line aml
                          JOIN account_move m ON m.id = aml.move_id
                         WHERE aml.account_id = %(account)s AND m.state = 'posted')
            """, {"company": company_id, "account": account.id})
            ledger_value, account_balance = cr.fetchone()
            if round(ledger_value - account_balance, 2):
                issues.append({"kind": "account", "expected": ledger_value, "found": account_balance,
                               "message": account.display_name})
        cr.execute("""
            SELECT p.id FROM jxc_stock_picking p
             WHERE p.company_id = %s AND p.state IN ('done', 'cancel') AND p.done_date IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM jxc_stock_ledger l WHERE l.picking_id = p.id)
               AND EXISTS (SELECT 1 FROM jxc_stock_picking_line pl WHERE pl.picking_id = p.id AND pl.quantity <> 0)
        """, (company_id,))
        issues += [{"kind": "no_ledger", "picking_id": pid} for pid, in cr.fetchall()]
        # A document whose ledger carries value needs its own posted, balanced entry
        # (transfers carry value on both sides and post none).
        cr.execute("""
            SELECT p.id
              FROM jxc_stock_picking p
             WHERE p.company_id = %s AND p.done_date IS NOT NULL AND p.picking_type <> 'transfer'
               AND EXISTS (SELECT 1 FROM jxc_stock_ledger l WHERE l.picking_id = p.id
                              AND l.kind <> 'reversal' AND l.value <> 0)
               AND (p.move_id IS NULL
                    OR NOT EXISTS (SELECT 1 FROM account_move m WHERE m.id = p.move_id AND m.state = 'posted')
                    OR (SELECT ROUND(SUM(debit) - SUM(credit), 2) FROM account_move_line WHERE move_id = p.move_id) <> 0
                    OR EXISTS (SELECT 1 FROM jxc_stock_ledger l WHERE l.picking_id = p.id
                                  AND l.kind <> 'reversal' AND l.value <> 0
                                  AND l.move_id IS DISTINCT FROM p.move_id))
        """, (company_id,))
        issues += [{"kind": "move", "picking_id": pid} for pid, in cr.fetchall()]
        issues += self._find_reservation_issues()
        issues += self._find_state_issues()
        return issues

    def _find_reservation_issues(self):
        """Reserved quantity of each quant = what the lines of confirmed sales orders hold from
        its warehouse, converted to the product unit as the reservation does (rounded up)."""
        self.env.cr.execute("""
            WITH held AS (
                SELECT l.product_id, o.warehouse_id,
                       SUM(CEIL(ROUND(l.qty_reserved / lu.factor * pu.factor / pu.rounding, 9)) * pu.rounding)
                           AS qty
                  FROM jxc_sale_order_line l
                  JOIN jxc_sale_order o ON o.id = l.order_id
                  JOIN product_uom lu ON lu.id = l.uom_id
                  JOIN product_product p ON p.id = l.product_id
                  JOIN product_template t ON t.id = p.product_tmpl_id
                  JOIN product_uom pu ON pu.id = t.uom_id
                 WHERE o.company_id = %(company)s AND o.state = 'confirmed' AND l.qty_reserved <> 0
                 GROUP BY l.product_id, o.warehouse_id
            )
            SELECT COALESCE(q.product_id, h.product_id), COALESCE(q.warehouse_id, h.warehouse_id),
                   COALESCE(h.qty, 0), COALESCE(q.reserved_quantity, 0)
              FROM (SELECT product_id, warehouse_id, reserved_quantity FROM jxc_stock_quant
                     WHERE company_id = %(company)s AND reserved_quantity <> 0) q
              FULL OUTER JOIN held h ON h.product_id = q.product_id AND h.warehouse_id = q.warehouse_id
             WHERE ROUND(COALESCE(h.qty, 0) - COALESCE(q.reserved_quantity, 0), 6) <> 0
        """, {"company": self.company_id.id})
        return [{"kind": "reserved", "product_id": product_id, "warehouse_id": warehouse_id,
                 "expected": held, "found": reserved}
                for product_id, warehouse_id, held, reserved in self.env.cr.fetchall()]

    def _find_state_issues(self):
        """A validated document has its validation date and ledger rows none of which are
        reversed; a reversed (cancelled) one has each of its rows reversed; a draft has neither
        validation date nor ledger rows. Revaluation rows a reversal makes carry the row they
        came from (reversed_id): they are part of the reversal."""
        self.env.cr.execute("""
            WITH rows AS (
                SELECT picking_id,
                       COUNT(*) FILTER (WHERE kind <> 'reversal' AND reversed_id IS NULL) AS posted,
                       COUNT(*) FILTER (WHERE kind = 'reversal') AS reversed
                  FROM jxc_stock_ledger
                 WHERE company_id = %(company)s AND picking_id IS NOT NULL
                 GROUP BY picking_id
            )
            SELECT p.id, p.state, p.done_date IS NOT NULL, COALESCE(r.posted, 0), COALESCE(r.reversed, 0)
              FROM jxc_stock_picking p LEFT JOIN rows r ON r.picking_id = p.id
             WHERE p.company_id = %(company)s
               AND ((p.state = 'done' AND (p.done_date IS NULL OR COALESCE(r.reversed, 0) > 0))
                    OR (p.state = 'draft' AND (p.done_date IS NOT NULL OR r.picking_id IS NOT NULL))
                    OR (p.state = 'cancel' AND (COALESCE(r.posted, 0) <> COALESCE(r.reversed, 0)
                                                OR (p.done_date IS NULL AND r.picking_id IS NOT NULL))))
        """, {"company": self.company_id.id})
        issues = []
        for picking_id, state, dated, posted, reversed_ in self.env.cr.fetchall():
            if state == "done" and not dated:
                message = _("Validated without a validation date.")
            elif state == "done":
                message = _("Validated, yet ledger rows of it were reversed.")
            elif state == "draft" and dated:
                message = _("A draft with a validation date.")
            elif state == "draft":
                message = _("A draft with ledger rows.")
            elif not dated:
                message = _("Cancelled without having been validated, yet with ledger rows.")
            else:
                message = _("Reversed, yet %s of its %s ledger rows were reversed.") % (reversed_, posted)
            issues.append({"kind": "state", "picking_id": picking_id, "message": message})
        return issues


class JxcStockCheckLine(models.Model):
    _name = "jxc.stock.check.line"
    _description = "Stock Integrity Issue"
    _inherit = ["jxc.guarded.mixin"]
    _jxc_state_field = None
    _jxc_system_only = True

    check_id = fields.Many2one("jxc.stock.check", required=True, ondelete="cascade", index=True)
    kind = fields.Selection(CHECK_KINDS, required=True)
    product_id = fields.Many2one("product.product")
    warehouse_id = fields.Many2one("jxc.warehouse")
    picking_id = fields.Many2one("jxc.stock.picking", "Stock Document")
    expected = fields.Float(digits=(16, 4), help="What the ledger says.")
    found = fields.Float(digits=(16, 4), help="What the stock row or the books say.")
    message = fields.Char()

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.addons import decimal_precision as dp

from ..lib.replenishment import average_daily_demand, reorder_quantity, suggested_minimum
from .jxc_reorder_warning import REORDER_SCAN_LOCK, check_scan_right, days_before_today, try_scan_lock


class JxcReorderRule(models.Model):
    """Safety stock (minimum) and target (maximum) of a product in a warehouse."""
    _name = "jxc.reorder.rule"
    _description = "Reorder Rule"
    _order = "warehouse_id, product_id"
    _rec_name = "product_id"

    product_id = fields.Many2one("product.product", required=True, index=True,
                                 domain=[("jxc_track_stock", "=", True)])
    warehouse_id = fields.Many2one("jxc.warehouse", required=True, index=True)
    company_id = fields.Many2one(related="warehouse_id.company_id", store=True, readonly=True)
    uom_id = fields.Many2one(related="product_id.uom_id", readonly=True, string="Unit")
    min_qty = fields.Float("Minimum", digits=dp.get_precision("Product Unit of Measure"),
                           help="Safety stock: below it, the product is to be replenished.")
    max_qty = fields.Float("Maximum", digits=dp.get_precision("Product Unit of Measure"),
                           help="Replenishment brings the projected stock up to this.")
    multiple = fields.Float("Multiple", digits=dp.get_precision("Product Unit of Measure"),
                            help="Order quantities are rounded up to a multiple of this (a box, a carton).")
    lead_days = fields.Integer("Lead Days", default=7)
    safety_days = fields.Integer("Safety Days", default=3,
                                 help="Days of sales kept on top of the lead time when suggesting the minimum.")
    supplier_id = fields.Many2one("res.partner", "Preferred Supplier", domain=[("supplier", "=", True)])
    user_id = fields.Many2one(
        "res.users", "Purchaser", index=True, default=lambda self: self._default_user(),
        domain=lambda self: [("groups_id", "in", self.env.ref("jxc_addon.group_jxc_purchaser").id)],
        help="Gets the to-do when the product falls below its safety stock; "
             "empty: the company's Replenishment Responsible.")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("product_warehouse_uniq", "unique(product_id, warehouse_id)",
         "A product has one reorder rule per warehouse."),
    ]

    @api.model
    def _default_user(self):
        return self.env.user if self.env.user.has_group("jxc_addon.group_jxc_purchaser") else False

    @api.constrains("min_qty", "max_qty", "multiple")
    def _check_quantities(self):
        for rule in self:
            if rule.min_qty < 0 or rule.multiple < 0 or rule.max_qty < rule.min_qty:
                raise ValidationError(_(
                    "Reorder rule of %s: quantities cannot be negative and the maximum cannot be below the minimum.")
                    % rule.product_id.display_name)

    @api.model
    def _jxc_create_demo_rules(self):
        """Demo rules in the Guangzhou warehouse, some below their minimum or above their maximum
        after the demo purchases, then a first scan so the warnings board has something to show."""
        warehouse = self.env.ref("jxc_addon.jxc_warehouse_gz_demo")
        purchaser = self.env.ref("jxc_addon.res_users_purchaser_demo")
        for product, minimum, maximum, multiple, supplier in (
                ("tshirt_white", 500, 1200, 12, "textile"),
                ("jeans_slim", 120, 240, 12, "denim"),
                ("sneakers", 20, 60, 20, "shoes"),
                ("cap", 24, 96, 12, "accessories")):
            self.create({
                "product_id": self.env.ref("jxc_addon.product_%s_demo" % product).product_variant_id.id,
                "warehouse_id": warehouse.id, "min_qty": minimum, "max_qty": maximum, "multiple": multiple,
                "supplier_id": self.env.ref("jxc_addon.res_partner_supplier_%s_demo" % supplier).id,
                "user_id": purchaser.id})
        self.env["jxc.reorder.warning"]._cron_reorder_scan()

    @api.multi
    def action_suggest_minimum(self):
        """Minimum = average daily sales over the last N days (Settings) × (lead days + safety days);
        the maximum is raised to at least the new minimum."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        for rule in self:
            days = rule.company_id.jxc_demand_days or 30
            since = days_before_today(self, days)
            self.env.cr.execute("""
                SELECT COALESCE(-SUM(quantity), 0) FROM jxc_stock_ledger
                 WHERE product_id = %s AND warehouse_id = %s AND date > %s
                   AND picking_type IN ('delivery', 'customer_return')
            """, (rule.product_id.id, rule.warehouse_id.id, since))
            sold = self.env.cr.fetchone()[0]
            minimum = round(suggested_minimum(average_daily_demand(sold, days), rule.lead_days, rule.safety_days), 2)
            rule.write({"min_qty": minimum, "max_qty": max(rule.max_qty, minimum)})
        return True

    @api.multi
    def action_reorder_scan(self):
        """Compare each rule's projected stock with its minimum: keep exactly one open warning
        per rule below it (created or updated), close the others. Set-based; one scan at a time."""
        check_scan_right(self.env)
        cr = self.env.cr
        if not try_scan_lock(cr, REORDER_SCAN_LOCK):
            return False  # another worker is scanning; its result will be the same
        if not self.ids:
            return True
        cr.execute("""
            WITH rules AS (
                SELECT r.id, r.product_id, r.warehouse_id, r.company_id, r.min_qty, r.max_qty, r.multiple
                  FROM unnest(%(ids)s::int[]) AS scanned(id) JOIN jxc_reorder_rule r ON r.id = scanned.id
                 WHERE r.active
            ), on_hand AS (
                SELECT q.product_id, q.warehouse_id, SUM(q.quantity - q.reserved_quantity) AS qty
                  FROM jxc_stock_quant q JOIN rules r ON r.product_id = q.product_id AND r.warehouse_id = q.warehouse_id
                 GROUP BY q.product_id, q.warehouse_id
            ), ordered AS (
                -- draft and confirmed purchase order quantities still to come, in the product unit
                SELECT l.product_id, o.warehouse_id,
                       SUM((l.product_qty - COALESCE(l.qty_received, 0) - COALESCE(l.qty_rejected, 0))
                           / lu.factor * pu.factor) AS qty
                  FROM jxc_purchase_order_line l
                  JOIN jxc_purchase_order o ON o.id = l.order_id AND o.state IN ('draft', 'confirmed')
                  JOIN product_uom lu ON lu.id = l.uom_id
                  JOIN product_product p ON p.id = l.product_id
                  JOIN product_template t ON t.id = p.product_tmpl_id
                  JOIN product_uom pu ON pu.id = t.uom_id
                  JOIN rules r ON r.product_id = l.product_id AND r.warehouse_id = o.warehouse_id
                 -- lines with goods still to come (partial index jxc_purchase_order_line_to_receive_idx):
                 -- received ones, the history, are not read
                 WHERE l.product_qty > COALESCE(l.qty_received, 0) + COALESCE(l.qty_rejected, 0)
                 GROUP BY l.product_id, o.warehouse_id
            ), requested AS (
                -- requests not refused nor yet turned into orders (any warehouse: requests name none)
                SELECT rl.product_id, SUM(rl.product_qty / lu.factor * pu.factor) AS qty
                  FROM jxc_purchase_request_line rl
                  JOIN jxc_purchase_request rq ON rq.id = rl.request_id
                                              AND rq.state IN ('draft', 'to_approve', 'approved')
                  JOIN product_uom lu ON lu.id = rl.uom_id
                  JOIN product_product p ON p.id = rl.product_id
                  JOIN product_template t ON t.id = p.product_tmpl_id
                  JOIN product_uom pu ON pu.id = t.uom_id
                 WHERE NOT EXISTS (SELECT 1 FROM jxc_purchase_order_line pl WHERE pl.request_line_id = rl.id)
                 GROUP BY rl.product_id
            )
            SELECT r.id, r.product_id, r.warehouse_id, r.company_id, r.min_qty, r.max_qty, r.multiple,
                   COALESCE(h.qty, 0) + COALESCE(o.qty, 0) + COALESCE(q.qty, 0) AS projected,
                   COALESCE(h.qty, 0) AS on_hand
              FROM rules r
              LEFT JOIN on_hand h ON h.product_id = r.product_id AND h.warehouse_id = r.warehouse_id
              LEFT JOIN ordered o ON o.product_id = r.product_id AND o.warehouse_id = r.warehouse_id
              LEFT JOIN requested q ON q.product_id = r.product_id
        """, {"ids": self.ids})
        rows = cr.dictfetchall()
        below = [r for r in rows if r["projected"] < r["min_qty"]]
        for row in below:
            row["suggested"] = reorder_quantity(row["max_qty"], row["projected"], row["multiple"])
        self._sync_warnings("reorder", rows, below, "projected")
        over = [dict(r, suggested=0.0) for r in rows if r["max_qty"] and r["on_hand"] > r["max_qty"]]
        self._sync_warnings("overstock", rows, over, "on_hand")
        self.env["jxc.reorder.warning"].invalidate_cache()
        return True

    def _sync_warnings(self, kind, rows, flagged, quantity_key):
        """Keep exactly one open warning of `kind` per flagged rule (created or updated, with the
        rule's `quantity_key` figure) and close the open ones of the other scanned rules. Newly
        opened reorder warnings get a to-do for the rule's purchaser."""
        cr = self.env.cr
        warnings = self.env["jxc.reorder.warning"]
        now = fields.Datetime.now()
        # joins on unnest() rather than = ANY(): tens of thousands of ids would be compared one by one
        cr.execute("""
            UPDATE jxc_reorder_warning w SET state = 'closed', date_closed = %(now)s, write_date = %(now)s
              FROM (SELECT unnest(%(scanned)s::int[]) EXCEPT SELECT unnest(%(flagged)s::int[])) AS cleared(rule_id)
             WHERE w.kind = %(kind)s AND w.state = 'open' AND w.rule_id = cleared.rule_id
            RETURNING w.id
        """, {"now": now, "kind": kind, "scanned": [r["id"] for r in rows], "flagged": [r["id"] for r in flagged]})
        warnings._remove_activities([row[0] for row in cr.fetchall()])
        if not flagged:
            return
        companies = {r["company_id"] for r in flagged}
        responsible = {c.id: c._jxc_replenishment_user().id for c in self.env["res.company"].browse(companies)}
        cr.execute("""
            INSERT INTO jxc_reorder_warning (kind, state, rule_id, product_id, warehouse_id, company_id, user_id, name,
                                             min_qty, max_qty, projected_qty, suggested_qty, date_open,
                                             create_uid, create_date, write_uid, write_date)
            SELECT %(kind)s, 'open', v.rule_id, v.product_id, v.warehouse_id, v.company_id,
                   COALESCE(r.user_id, d.user_id), COALESCE('[' || pp.default_code || '] ', '') || pt.name,
                   v.min_qty, v.max_qty, v.quantity, v.suggested, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(rule)s::int[], %(product)s::int[], %(warehouse)s::int[], %(company)s::int[],
                          %(min)s::numeric[], %(max)s::numeric[], %(quantity)s::numeric[], %(suggested)s::numeric[])
                   AS v(rule_id, product_id, warehouse_id, company_id, min_qty, max_qty, quantity, suggested)
              JOIN jxc_reorder_rule r ON r.id = v.rule_id
              JOIN product_product pp ON pp.id = v.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              LEFT JOIN unnest(%(d_company)s::int[], %(d_user)s::int[]) AS d(company_id, user_id)
                     ON d.company_id = v.company_id
            ON CONFLICT (kind, rule_id) WHERE state = 'open' AND rule_id IS NOT NULL
            DO UPDATE SET projected_qty = EXCLUDED.projected_qty, suggested_qty = EXCLUDED.suggested_qty,
                          min_qty = EXCLUDED.min_qty, max_qty = EXCLUDED.max_qty,
                          write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                -- an unchanged warning is not rewritten: the hourly re-run of a quiet day writes nothing
                WHERE (jxc_reorder_warning.projected_qty, jxc_reorder_warning.suggested_qty,
                       jxc_reorder_warning.min_qty, jxc_reorder_warning.max_qty)
                      IS DISTINCT FROM (EXCLUDED.projected_qty, EXCLUDED.suggested_qty, EXCLUDED.min_qty, EXCLUDED.max_qty)
            RETURNING id, xmax = 0
        """, {"kind": kind, "now": now, "uid": self.env.uid,
              "rule": [r["id"] for r in flagged], "product": [r["product_id"] for r in flagged],
              "warehouse": [r["warehouse_id"] for r in flagged], "company": [r["company_id"] for r in flagged],
              "min": [r["min_qty"] for r in flagged], "max": [r["max_qty"] for r in flagged],
              "quantity": [r[quantity_key] for r in flagged], "suggested": [r["suggested"] for r in flagged],
              "d_company": list(responsible), "d_user": [u or None for u in responsible.values()]})
        opened = [warning_id for warning_id, inserted in cr.fetchall() if inserted]
        if kind == "reorder":
            warnings._schedule_activities(opened)

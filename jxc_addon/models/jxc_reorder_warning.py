from collections import OrderedDict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.replenishment import reorder_quantity
from ..lib.stock_analysis import ACTION_PROMOTION, ACTION_STOP_REORDER, ACTION_TRANSFER, holding_cost, slow_mover_action
from .jxc_guarded_mixin import check_groups

WARNING_KINDS = [
    ("reorder", "Below Safety Stock"),
    ("slow", "Slow-moving"),
    ("overstock", "Overstock"),
    ("overdue", "Overdue Receivable"),
    ("backup", "Backup Failed"),
]
WARNING_STATES = [("open", "Open"), ("closed", "Closed")]
# What to do with slow-moving stock (lib.stock_analysis.slow_mover_action says which).
SLOW_ACTIONS = [
    (ACTION_TRANSFER, "Transfer to where it sells"),
    (ACTION_STOP_REORDER, "Stop reordering"),
    (ACTION_PROMOTION, "Promotion"),
]
# Keys of the PostgreSQL advisory locks held while a scan runs: one scan of a kind at a time across workers.
REORDER_SCAN_LOCK = 7303001
SLOW_MOVING_SCAN_LOCK = 7303002
OVERDUE_SCAN_LOCK = 7303003
CUSTOMER_GRADING_LOCK = 7303004
SUPPLIER_RATING_LOCK = 7303005
# Who runs the scans by hand (Run All Scans Now, Run Reorder Scan, classification): the roles of the
# Warnings menu (进销存 Managers are both). The scheduled actions run as the superuser.
SCAN_GROUPS = "jxc_addon.group_jxc_purchaser,jxc_addon.group_jxc_accountant"


def check_scan_right(env):
    check_groups(env, SCAN_GROUPS, _("run the scans"))


def try_scan_lock(cr, key):
    """Take a scan's advisory lock for this transaction; False when another worker is running that scan."""
    cr.execute("SELECT pg_try_advisory_xact_lock(%s)", (key,))
    return cr.fetchone()[0]


def days_before_today(record, days):
    """The user's today minus `days`, as a date string: where a scan's period starts."""
    return fields.Date.to_string(fields.Date.from_string(fields.Date.context_today(record)) - timedelta(days=days))


class JxcReorderWarning(models.Model):
    """One open warning per rule (or product, or customer) and kind; scans update it, never duplicate it."""
    _name = "jxc.reorder.warning"
    _inherit = ["jxc.guarded.mixin", "mail.thread", "mail.activity.mixin", "jxc.field.access.mixin"]
    _description = "Warning"
    _order = "state, date_open desc, id desc"
    # jxc.guarded.mixin: warnings are what the scans found; people change the responsible and talk.
    _jxc_draft_states = ("open",)
    _jxc_control_fields = ("state", "kind", "name", "rule_id", "product_id", "warehouse_id", "company_id",
                           "min_qty", "max_qty", "projected_qty", "suggested_qty", "value", "partner_id",
                           "amount_overdue", "days_overdue", "date_open", "date_closed",
                           "last_sale_date", "days_since_sale", "holding_cost", "suggested_action",
                           "suggested_warehouse_id")
    _jxc_unlink_states = ("open", "closed")

    name = fields.Char(readonly=True)
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
                                 help="Reorder: on hand − reserved + purchase orders still to come (draft or confirmed) "
                                      "+ purchase requests neither refused nor ordered yet. Slow-moving, overstock: on hand.")
    suggested_qty = fields.Float("To Order", readonly=True)
    value = fields.Float("Value Tied Up", readonly=True, groups="jxc_addon.group_jxc_price")
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    amount_overdue = fields.Monetary("Amount Overdue", readonly=True)
    days_overdue = fields.Integer("Days Overdue", readonly=True, help="Days since the oldest overdue invoice was due.")
    date_open = fields.Datetime("Opened on", readonly=True)
    date_closed = fields.Datetime("Closed on", readonly=True)
    # Slow-moving stock, as the scan found it.
    last_sale_date = fields.Date("Last Sale", readonly=True,
                                 help="Last sales delivery of the product from this warehouse.")
    days_since_sale = fields.Integer(
        "Days Since Last Sale", readonly=True,
        help="Days since the last sales delivery from this warehouse; since the goods first came in "
             "when this warehouse never sold them.")
    holding_cost = fields.Float(
        "Holding Cost So Far", readonly=True, groups="jxc_addon.group_jxc_price",
        help="Annual holding rate (Settings) × value tied up × days since the last sale / 365.")
    suggested_action = fields.Selection(
        SLOW_ACTIONS, "Suggested Action", readonly=True,
        help="Transfer: it sold in another warehouse over the slow-moving days. Stop reordering: a reorder "
             "rule still replenishes it here. Promotion: otherwise.")
    suggested_warehouse_id = fields.Many2one(
        "jxc.warehouse", "Transfer To", readonly=True,
        help="The warehouse that sold the most of it over the slow-moving days.")

    @api.model_cr
    def init(self):
        self._cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS jxc_reorder_warning_open_rule_uniq
                ON jxc_reorder_warning (kind, rule_id) WHERE state = 'open' AND rule_id IS NOT NULL;
            CREATE UNIQUE INDEX IF NOT EXISTS jxc_reorder_warning_open_stock_uniq
                ON jxc_reorder_warning (kind, product_id, warehouse_id) WHERE state = 'open' AND rule_id IS NULL;
            CREATE UNIQUE INDEX IF NOT EXISTS jxc_reorder_warning_open_partner_uniq
                ON jxc_reorder_warning (kind, partner_id, company_id) WHERE state = 'open' AND partner_id IS NOT NULL
        """)

    @api.model
    def read_progress_bar(self, domain, group_by, progress_bar):
        """Counts of the kanban columns' progress bars. Odoo 11's web client names a column grouped
        by a selection (the warning kind) by its label, while read_progress_bar keys it by value:
        key the counts by label so each column finds its own."""
        data = super().read_progress_bar(domain, group_by, progress_bar)
        field = self._fields.get(group_by.partition(":")[0])
        if field and field.type == "selection":
            labels = dict(field._description_selection(self.env))
            data = {labels.get(key, key): counts for key, counts in data.items()}
        return data

    # ------------------------------------------------------------------ activities
    def _schedule_activities(self, warning_ids):
        """A to-do for the person in charge of each newly opened warning (set-based: the scans open
        thousands at once). Written as mail.activity.create() would, with the user following the warning."""
        if not warning_ids:
            return
        self.env.cr.execute("""
            WITH todo AS (
                SELECT w.id, w.user_id, w.kind, w.name
                  FROM unnest(%(ids)s::int[]) AS opened(id) JOIN jxc_reorder_warning w ON w.id = opened.id
                 WHERE w.state = 'open' AND w.user_id IS NOT NULL
            ), activity AS (
                INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id, summary,
                                           date_deadline, user_id, create_uid, create_date, write_uid, write_date)
                SELECT %(model)s, %(model_name)s, t.id, t.name, %(type)s,
                       CASE t.kind WHEN 'overdue' THEN %(overdue)s ELSE %(reorder)s END,
                       %(today)s, t.user_id, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM todo t
                RETURNING res_id, user_id
            ), follower AS (
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                SELECT %(model_name)s, a.res_id, u.partner_id FROM activity a JOIN res_users u ON u.id = a.user_id
                ON CONFLICT DO NOTHING
            )
            UPDATE jxc_reorder_warning w SET activity_date_deadline = %(today)s FROM activity a WHERE w.id = a.res_id
        """, {"ids": list(warning_ids), "model": self.env["ir.model"]._get_id(self._name), "model_name": self._name,
              "type": self.env.ref("mail.mail_activity_data_todo").id, "today": fields.Date.context_today(self),
              "now": fields.Datetime.now(), "uid": self.env.uid,
              "reorder": _("Replenish: below safety stock"), "overdue": _("Follow up the overdue invoices")})

    def _remove_activities(self, warning_ids):
        """Closed warnings leave nobody's to-do list."""
        if not warning_ids:
            return
        self.env.cr.execute("""
            WITH closed AS (SELECT unnest(%(ids)s::int[]) AS id), removed AS (
                DELETE FROM mail_activity a USING closed c WHERE a.res_model = %(model)s AND a.res_id = c.id
            )
            UPDATE jxc_reorder_warning w SET activity_date_deadline = NULL FROM closed c
             WHERE w.id = c.id AND w.activity_date_deadline IS NOT NULL
        """, {"ids": list(warning_ids), "model": self._name})

    @api.multi
    def action_replenish(self):
        """Purchase requests (or draft orders, per the company setting) for the selected open reorder
        warnings, one per supplier: quantity up to the maximum, at least the supplier's minimum,
        rounded up to the rule's multiple. The warnings close at once: the new documents cover them."""
        check_groups(self.env, "jxc_addon.group_jxc_purchaser", _("replenish from warnings"))
        warnings = self.filtered(lambda w: w.kind == "reorder" and w.state == "open")
        if not warnings:
            raise UserError(_("Select open below-safety-stock warnings to replenish."))
        as_orders = warnings[0].company_id.jxc_replenish_document == "order"
        groups = OrderedDict()
        for warning in warnings:
            rule = warning.rule_id
            supplier = rule.supplier_id or warning.product_id.seller_ids[:1].name
            if as_orders and not supplier:
                raise UserError(_("%s has no supplier: set the preferred supplier of its reorder rule.")
                                % warning.product_id.display_name)
            seller = warning.product_id.seller_ids.filtered(lambda s: s.name == supplier)[:1]
            minimum = seller.product_uom._compute_quantity(seller.min_qty, warning.product_id.uom_id) if seller else 0.0
            qty = reorder_quantity(rule.max_qty, warning.projected_qty, rule.multiple, minimum)
            if qty > 0:
                key = (supplier, warning.warehouse_id) if as_orders else supplier
                groups.setdefault(key, []).append((warning, qty))
        if as_orders:
            documents = self.env["jxc.purchase.order"]
            for (supplier, warehouse), lines in groups.items():
                documents |= documents.create(self._prepare_replenishment_order(supplier, warehouse, lines))
            action = self.env.ref("jxc_addon.jxc_purchase_order_action").read()[0]
        else:
            documents = self.env["jxc.purchase.request"]
            for supplier, lines in groups.items():
                documents |= documents.create(self._prepare_replenishment_request(supplier, lines))
            action = self.env.ref("jxc_addon.jxc_purchase_request_action").read()[0]
        warnings.mapped("rule_id").action_reorder_scan()
        action["domain"] = [("id", "in", documents.ids)]
        return action

    def _prepare_replenishment_request(self, supplier, lines):
        return {
            "note": _("Replenishment of stock below its safety level."),
            "line_ids": [(0, 0, {"product_id": w.product_id.id, "uom_id": w.product_id.uom_id.id,
                                 "product_qty": qty, "supplier_id": supplier.id or False,
                                 "reason": _("Below safety stock in %s") % w.warehouse_id.name})
                         for w, qty in lines]}

    def _prepare_replenishment_order(self, supplier, warehouse, lines):
        OrderLine = self.env["jxc.purchase.order.line"]
        order_lines = [(0, 0, OrderLine._prepare_supplier_line(
            w.product_id, qty, w.product_id.uom_id, supplier, warehouse.company_id, w.product_id.standard_price))
            for w, qty in lines]
        return {"partner_id": supplier.id, "warehouse_id": warehouse.id, "company_id": warehouse.company_id.id,
                "origin": _("Replenishment"), "line_ids": order_lines}

    @api.model
    def action_slow_moving_scan(self):
        """Stock on hand that nothing took out for the company's slow-moving days: one open warning per
        product and warehouse with the value tied up; closed once goods move again or are gone."""
        check_scan_right(self.env)
        cr = self.env.cr
        if not try_scan_lock(cr, SLOW_MOVING_SCAN_LOCK):
            return False
        now = fields.Datetime.now()
        for company in self.env["res.company"].search([]):
            since = days_before_today(self, company.jxc_slow_days or 90)
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
                ), sold AS (
                    -- what each warehouse sold of the slow products over the slow-moving days
                    SELECT l.product_id, l.warehouse_id, -SUM(l.quantity) AS qty
                      FROM jxc_stock_ledger l
                     WHERE l.company_id = %(company)s AND l.date > %(since)s AND l.picking_type = 'delivery'
                       AND l.product_id IN (SELECT product_id FROM slow)
                     GROUP BY l.product_id, l.warehouse_id
                    HAVING SUM(l.quantity) < 0
                ), enriched AS (
                    SELECT s.product_id, s.warehouse_id, s.quantity, s.value, sale.date AS last_sale,
                           %(today)s::date - COALESCE(sale.date, arrival.date, %(today)s::date) AS idle_days,
                           best.warehouse_id AS sells_in, COALESCE(best.qty, 0) AS sold_elsewhere,
                           EXISTS (SELECT 1 FROM jxc_reorder_rule r
                                    WHERE r.product_id = s.product_id AND r.warehouse_id = s.warehouse_id
                                      AND r.active AND r.max_qty > 0) AS reordered
                      FROM slow s
                      LEFT JOIN LATERAL (
                          SELECT MAX(l.date) AS date FROM jxc_stock_ledger l
                            JOIN jxc_stock_picking p ON p.id = l.picking_id AND p.state = 'done'
                           WHERE l.product_id = s.product_id AND l.warehouse_id = s.warehouse_id
                             AND l.picking_type = 'delivery' AND l.kind = 'move') sale ON TRUE
                      LEFT JOIN LATERAL (
                          SELECT MIN(l.date) AS date FROM jxc_stock_ledger l
                           WHERE l.product_id = s.product_id AND l.warehouse_id = s.warehouse_id
                             AND l.quantity > 0) arrival ON TRUE
                      LEFT JOIN LATERAL (
                          SELECT x.warehouse_id, x.qty FROM sold x
                           WHERE x.product_id = s.product_id AND x.warehouse_id <> s.warehouse_id
                           ORDER BY x.qty DESC, x.warehouse_id LIMIT 1) best ON TRUE
                ), upserted AS (
                    INSERT INTO jxc_reorder_warning (kind, state, product_id, warehouse_id, company_id, user_id, name,
                                                     projected_qty, value, last_sale_date, days_since_sale, date_open,
                                                     create_uid, create_date, write_uid, write_date)
                    SELECT 'slow', 'open', e.product_id, e.warehouse_id, %(company)s, wh.manager_id,
                           COALESCE('[' || pp.default_code || '] ', '') || pt.name, e.quantity, e.value,
                           e.last_sale, e.idle_days, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM enriched e
                      JOIN jxc_warehouse wh ON wh.id = e.warehouse_id
                      JOIN product_product pp ON pp.id = e.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                    ON CONFLICT (kind, product_id, warehouse_id) WHERE state = 'open' AND rule_id IS NULL
                    DO UPDATE SET projected_qty = EXCLUDED.projected_qty, value = EXCLUDED.value,
                                  last_sale_date = EXCLUDED.last_sale_date,
                                  days_since_sale = EXCLUDED.days_since_sale, write_date = EXCLUDED.write_date
                    RETURNING id, product_id, warehouse_id
                )
                SELECT u.id, e.value, e.idle_days, e.sold_elsewhere, e.sells_in, e.reordered
                  FROM upserted u JOIN enriched e ON e.product_id = u.product_id AND e.warehouse_id = u.warehouse_id
            """, {"company": company.id, "since": since, "now": now, "uid": self.env.uid,
                  "today": fields.Date.context_today(self)})
            self._suggest_slow_actions(cr.fetchall(), company.jxc_holding_rate)
        self.invalidate_cache()
        return True

    def _suggest_slow_actions(self, rows, holding_rate):
        """Holding cost so far and suggested action of the slow-moving warnings the scan just wrote:
        rows of (warning id, value tied up, days since the last sale, quantity sold in the best other
        warehouse, that warehouse, whether a reorder rule replenishes it here)."""
        if not rows:
            return
        ids, costs, actions, warehouses = [], [], [], []
        for warning_id, value, idle_days, sold_elsewhere, sells_in, reordered in rows:
            action = slow_mover_action(float(sold_elsewhere or 0.0), reordered)
            ids.append(warning_id)
            costs.append(round(holding_cost(float(value or 0.0), holding_rate or 0.0, idle_days or 0), 2))
            actions.append(action)
            warehouses.append(sells_in if action == ACTION_TRANSFER else None)
        self.env.cr.execute("""
            UPDATE jxc_reorder_warning w
               SET holding_cost = v.cost, suggested_action = v.action, suggested_warehouse_id = v.warehouse_id
              FROM unnest(%s::int[], %s::numeric[], %s::varchar[], %s::int[]) AS v(id, cost, action, warehouse_id)
             WHERE w.id = v.id
        """, (ids, costs, actions, warehouses))

    # ------------------------------------------------------------------ overdue receivables
    @api.model
    def action_overdue_scan(self):
        """One open warning per customer with invoices past due (amount, days since the oldest due
        date) and a to-do for its salesperson; customers overdue beyond their credit days are put on
        hold. Warnings close and holds lift once the invoices are paid."""
        check_scan_right(self.env)
        if not try_scan_lock(self.env.cr, OVERDUE_SCAN_LOCK):
            return False
        self._refresh_overdue()
        return True

    def _refresh_overdue(self, partner_ids=None):
        """The overdue scan for all customers, or only for `partner_ids` (commercial entities) when
        invoices of theirs were paid or cancelled."""
        cr = self.env.cr
        now = fields.Datetime.now()
        today = fields.Date.context_today(self)
        scope = {"all": partner_ids is None, "partners": list(partner_ids or [])}
        cr.execute("""
            WITH overdue AS (
                SELECT i.commercial_partner_id AS partner_id, i.company_id,
                       SUM(i.residual_company_signed) AS amount,
                       %(today)s::date - MIN(i.date_due) AS days,
                       (array_agg(i.user_id ORDER BY i.date_due, i.id) FILTER (WHERE i.user_id IS NOT NULL))[1]
                           AS invoice_user
                  FROM account_invoice i
                 WHERE i.type = 'out_invoice' AND i.state = 'open' AND i.date_due < %(today)s
                   AND (%(all)s OR i.commercial_partner_id = ANY(%(partners)s))
                 GROUP BY i.commercial_partner_id, i.company_id
            ), closed AS (
                UPDATE jxc_reorder_warning w SET state = 'closed', date_closed = %(now)s, write_date = %(now)s
                 WHERE w.kind = 'overdue' AND w.state = 'open' AND (%(all)s OR w.partner_id = ANY(%(partners)s))
                   AND NOT EXISTS (SELECT 1 FROM overdue o WHERE o.partner_id = w.partner_id
                                                             AND o.company_id = w.company_id)
                RETURNING w.id
            ), upserted AS (
                INSERT INTO jxc_reorder_warning (kind, state, partner_id, company_id, user_id, name, amount_overdue,
                                                 days_overdue, date_open, create_uid, create_date, write_uid, write_date)
                SELECT 'overdue', 'open', o.partner_id, o.company_id, COALESCE(p.user_id, o.invoice_user), p.name,
                       o.amount, o.days, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM overdue o JOIN res_partner p ON p.id = o.partner_id
                ON CONFLICT (kind, partner_id, company_id) WHERE state = 'open' AND partner_id IS NOT NULL
                DO UPDATE SET amount_overdue = EXCLUDED.amount_overdue, days_overdue = EXCLUDED.days_overdue,
                              write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                RETURNING id, xmax = 0 AS inserted
            )
            SELECT 'closed', id FROM closed
             UNION ALL SELECT 'opened', id FROM upserted WHERE inserted
        """, dict(scope, today=today, now=now, uid=self.env.uid))
        changes = cr.fetchall()
        self._remove_activities([i for change, i in changes if change == "closed"])
        self._schedule_activities([i for change, i in changes if change == "opened"])
        # beyond the credit days: on hold; an automatic hold lifts when nothing is late any more
        cr.execute("""
            SELECT p.id, p.jxc_on_hold, MAX(w.days_overdue), p.jxc_credit_days
              FROM res_partner p
              LEFT JOIN jxc_reorder_warning w ON w.partner_id = p.id AND w.kind = 'overdue' AND w.state = 'open'
                                             AND w.days_overdue > COALESCE(p.jxc_credit_days, 0)
             WHERE (%(all)s OR p.id = ANY(%(partners)s))
               AND p.id = p.commercial_partner_id AND (w.id IS NOT NULL OR p.jxc_hold_overdue)
             GROUP BY p.id
        """, scope)
        # the hold is the scan's doing, whoever runs it (an accountant clicking Run All Scans Now)
        Partner = self.env["res.partner"].sudo()._jxc_system()
        rows = cr.fetchall()
        lifted = Partner.browse([partner_id for partner_id, _held, days, _credit in rows if days is None])
        held = [(Partner.browse(partner_id), days, credit)
                for partner_id, on_hold, days, credit in rows if days is not None and not on_hold]
        if lifted:
            lifted.write({"jxc_on_hold": False, "jxc_hold_overdue": False})
            for partner in lifted:
                partner.message_post(body=_("Hold lifted: no invoice is overdue any more."))
        if held:
            Partner.union(*[partner for partner, _days, _credit in held]).write(
                {"jxc_on_hold": True, "jxc_hold_overdue": True})
            for partner, days, credit in held:
                partner.message_post(body=_("Put on hold: an invoice is overdue by %s days (credit days: %s).")
                                     % (days, credit or 0))
        self.invalidate_cache()

    # ------------------------------------------------------------------ crons
    @api.model
    def action_run_scans(self):
        """Every scan now, as the scheduled actions would run them; then the open warnings."""
        check_scan_right(self.env)
        self.env["jxc.reorder.rule"].search([]).action_reorder_scan()
        self.action_slow_moving_scan()
        self.action_overdue_scan()
        self.env["res.partner"].action_classify_partners()
        return self.env.ref("jxc_addon.jxc_reorder_warning_action").read()[0]

    @api.model
    def _cron_overdue_scan(self):
        return self.action_overdue_scan()

    @api.model
    def _cron_slow_moving_scan(self):
        return self.action_slow_moving_scan()

    @api.model
    def _cron_reorder_scan(self):
        return self.env["jxc.reorder.rule"].search([]).action_reorder_scan()

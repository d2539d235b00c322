from odoo import api, fields, models

from ..lib.replenishment import rfm_grades
from .jxc_reorder_warning import (CUSTOMER_GRADING_LOCK, SUPPLIER_RATING_LOCK, check_scan_right, days_before_today,
                                  try_scan_lock)

CUSTOMER_GRADES = [("a", "A"), ("b", "B"), ("c", "C")]
# Classification looks at the last year of sales and receipts.
CLASSIFICATION_DAYS = 365
# Who sets a customer's credit terms and holds: 进销存 Managers and accountants, not the salesmen.
CREDIT_GROUPS = "jxc_addon.group_jxc_manager,jxc_addon.group_jxc_accountant"


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "jxc.guarded.mixin"]
    # jxc.guarded.mixin: credit terms and holds are the credit controllers'; the automatic hold and the
    # supplier rates are the scans'; a grade is the scan's, or a Manager's until the next scan.
    _jxc_state_field = None
    _jxc_guard_computed = False  # res.partner's own computes are Odoo's business
    _jxc_control_fields = ("jxc_hold_overdue", "jxc_supplier_ontime_rate", "jxc_supplier_quality_rate",
                           "jxc_supplier_lead_days")
    _jxc_group_fields = {"credit_limit": CREDIT_GROUPS, "jxc_credit_days": CREDIT_GROUPS, "jxc_on_hold": CREDIT_GROUPS,
                         "jxc_customer_grade": "jxc_addon.group_jxc_manager"}

    # The credit limit itself is Odoo's res.partner.credit_limit.
    jxc_credit_days = fields.Integer(
        string="Credit Days",
        help="Sales are blocked when an invoice of this customer is overdue by more days than this.")
    jxc_on_hold = fields.Boolean(
        string="On Hold", track_visibility="onchange",
        help="A customer on hold gets no order confirmation or delivery.")
    jxc_hold_overdue = fields.Boolean(
        string="On Hold for Overdue Invoices", readonly=True, copy=False,
        help="Set by the overdue scan when an invoice is late beyond the credit days; "
             "the hold lifts by itself once the invoices are paid.")
    jxc_customer_grade = fields.Selection(
        CUSTOMER_GRADES, string="Customer Grade",
        help="A/B/C class from recency, frequency and amount of purchases.")
    jxc_supplier_ontime_rate = fields.Float(
        string="On-time Rate (%)", readonly=True, digits=(5, 2),
        help="Share of receipts that arrived by their expected date.")
    jxc_supplier_quality_rate = fields.Float(
        string="Quality Pass Rate (%)", readonly=True, digits=(5, 2),
        help="Accepted quantity over received quantity.")
    jxc_supplier_lead_days = fields.Float(
        string="Average Lead Days", readonly=True, digits=(6, 1),
        help="Average days from order confirmation to receipt.")

    jxc_sale_count = fields.Integer("Sales Orders", compute="_compute_jxc_sales")
    jxc_sale_amount = fields.Monetary("Sales Amount", compute="_compute_jxc_sales",
                                      currency_field="jxc_currency_id")
    jxc_last_sale_date = fields.Date("Last Order", compute="_compute_jxc_sales")
    jxc_delivery_count = fields.Integer("Deliveries", compute="_compute_jxc_sales")
    jxc_currency_id = fields.Many2one("res.currency", "Sales Currency", compute="_compute_jxc_sales")

    @api.multi
    def _compute_jxc_sales(self):
        """Purchases of each customer (its contacts included) from the confirmed sales orders of the
        user's company that the user may read (a salesman: his own), in the company currency."""
        company = self.env.user.company_id
        partners = self.filtered(lambda p: isinstance(p.id, int))
        commercial = {p.id: p.commercial_partner_id.id for p in partners}
        stats, deliveries = {}, {}
        if partners:
            keys = tuple(set(commercial.values()))
            stats = self._jxc_sales_totals(keys, company)
            deliveries = self._jxc_delivery_counts(keys, company)
        for partner in self:
            key = commercial.get(partner.id)
            count, amount, last = stats.get(key, (0, 0.0, False))
            partner.jxc_sale_count = count
            partner.jxc_sale_amount = amount
            partner.jxc_last_sale_date = last
            partner.jxc_delivery_count = deliveries.get(key, 0)
            partner.jxc_currency_id = company.currency_id

    def _jxc_readable_query(self, model_name, domain):
        """(FROM, WHERE, params) selecting the records of `model_name` in `domain` that the user may
        read (access rights and record rules), or None when he may read none."""
        model = self.env[model_name]
        if not model.check_access_rights("read", raise_exception=False):
            return None
        query = model._where_calc(domain)
        model._apply_ir_rules(query, "read")
        return query.get_sql()

    def _jxc_sales_totals(self, commercial_ids, company):
        """{commercial partner id: (order count, total in the company currency, last order date)};
        an order in another currency is converted at the rate of its date."""
        query = self._jxc_readable_query(
            "jxc.sale.order", [("state", "in", ("confirmed", "done")), ("company_id", "=", company.id)])
        if not query:
            return {}
        from_clause, where_clause, params = query
        currency = company.currency_id
        self.env.cr.execute("""
            SELECT p.commercial_partner_id, "jxc_sale_order".currency_id,
                   CASE WHEN "jxc_sale_order".currency_id = %s THEN NULL ELSE "jxc_sale_order".date_order END,
                   COUNT(*), SUM("jxc_sale_order".amount_total), MAX("jxc_sale_order".date_order)
              FROM {from_clause}, res_partner p
             WHERE p.id = "jxc_sale_order".partner_id AND p.commercial_partner_id IN %s AND {where_clause}
             GROUP BY 1, 2, 3
        """.format(from_clause=from_clause, where_clause=where_clause or "TRUE"),
            [currency.id, commercial_ids] + list(params))
        totals = {}
        for partner_id, currency_id, rate_date, count, amount, last in self.env.cr.fetchall():
            if currency_id != currency.id:
                amount = self.env["res.currency"].browse(currency_id).with_context(date=rate_date).compute(
                    amount, currency)
            total = totals.setdefault(partner_id, [0, 0.0, last])
            total[0] += count
            total[1] += amount
            total[2] = max(total[2], last)
        return {key: (count, currency.round(amount), last) for key, (count, amount, last) in totals.items()}

    def _jxc_delivery_counts(self, commercial_ids, company):
        """{commercial partner id: validated deliveries of the company the user may read}"""
        query = self._jxc_readable_query(
            "jxc.stock.picking", [("picking_type", "=", "delivery"), ("state", "=", "done"),
                                  ("company_id", "=", company.id)])
        if not query:
            return {}
        from_clause, where_clause, params = query
        self.env.cr.execute("""
            SELECT p.commercial_partner_id, COUNT(*)
              FROM {from_clause}, res_partner p
             WHERE p.id = "jxc_stock_picking".partner_id AND p.commercial_partner_id IN %s AND {where_clause}
             GROUP BY 1
        """.format(from_clause=from_clause, where_clause=where_clause or "TRUE"),
            [commercial_ids] + list(params))
        return dict(self.env.cr.fetchall())

    @api.multi
    def action_view_jxc_sales(self):
        action = self.env.ref("jxc_addon.jxc_sale_order_action").read()[0]
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.ids)]
        action["context"] = {}
        return action

    @api.multi
    def action_view_jxc_deliveries(self):
        action = self.env.ref("jxc_addon.jxc_stock_picking_action_delivery").read()[0]
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.ids), ("picking_type", "=", "delivery")]
        return action

    @api.multi
    def action_view_jxc_invoices(self):
        action = self.env.ref("account.action_invoice_tree1").read()[0]
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.ids),
                            ("type", "in", ("out_invoice", "out_refund"))]
        return action

    def _jxc_sale_pricelist(self, company=None):
        """The pricelist of a quotation for this customer (价格等级): the one chosen on the customer
        himself, else the price level of his grade, else Odoo's default pricelist for him."""
        partner = self.commercial_partner_id
        company = company or self.env.user.company_id
        own = self.env["ir.property"].sudo().search([
            ("name", "=", "property_product_pricelist"), ("res_id", "=", "res.partner,%s" % partner.id),
            ("company_id", "in", [company.id, False])], limit=1)
        if not own and partner.jxc_customer_grade:
            level = self.env["product.pricelist"].search([
                ("jxc_customer_grade", "=", partner.jxc_customer_grade),
                ("company_id", "in", [company.id, False])], limit=1)
            if level:
                return level
        return partner.with_context(force_company=company.id).property_product_pricelist

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "jxc_credit_days", "jxc_on_hold", "jxc_hold_overdue", "jxc_customer_grade"]

    @api.multi
    def write(self, vals):
        # a hold set or lifted by hand is the user's: the overdue scan no longer lifts it by itself
        if "jxc_on_hold" in vals and not self._jxc_is_system():
            self._jxc_guard_write(vals)
            if self._jxc_is_group_entitled(CREDIT_GROUPS):
                return super(ResPartner, self._jxc_system()).write(dict(vals, jxc_hold_overdue=False))
        return super().write(vals)

    @api.multi
    def _commercial_sync_from_company(self):
        # A contact takes its company's credit terms, as Odoo copies the other commercial fields.
        return super(ResPartner, self._jxc_system())._commercial_sync_from_company()

    @api.multi
    def _commercial_sync_to_children(self):
        return super(ResPartner, self._jxc_system())._commercial_sync_to_children()

    # ------------------------------------------------------------------ classification
    @api.model
    def action_classify_partners(self):
        """Customer grades and supplier performance now, as their two scheduled actions do."""
        graded = self.action_grade_customers()
        rated = self.action_rate_suppliers()
        return graded and rated

    @api.model
    def action_grade_customers(self):
        """Customer grades A/B/C (RFM) from the last year of sales; one refresh at a time."""
        check_scan_right(self.env)
        if not try_scan_lock(self.env.cr, CUSTOMER_GRADING_LOCK):
            return False
        today = fields.Date.context_today(self)
        self._jxc_grade_customers(days_before_today(self, CLASSIFICATION_DAYS), today)
        self.invalidate_cache()
        return True

    @api.model
    def action_rate_suppliers(self):
        """Supplier on-time rate, quality pass rate and lead days from the last year of receipts."""
        check_scan_right(self.env)
        if not try_scan_lock(self.env.cr, SUPPLIER_RATING_LOCK):
            return False
        self._jxc_rate_suppliers(days_before_today(self, CLASSIFICATION_DAYS))
        self.invalidate_cache()
        return True

    @api.model
    def _cron_grade_customers(self):
        return self.action_grade_customers()

    @api.model
    def _cron_rate_suppliers(self):
        return self.action_rate_suppliers()

    def _jxc_grade_customers(self, since, today):
        """A/B/C by recency, frequency and amount of confirmed sales orders; customers who bought
        nothing in the period fall to C."""
        cr = self.env.cr
        cr.execute("""
            SELECT p.commercial_partner_id, %s::date - MAX(o.date_order), COUNT(*), SUM(o.amount_untaxed)
              FROM jxc_sale_order o JOIN res_partner p ON p.id = o.partner_id
             WHERE o.state IN ('confirmed', 'done') AND o.date_order >= %s
             GROUP BY p.commercial_partner_id
        """, (today, since))
        grades = rfm_grades(cr.fetchall())
        cr.execute("""
            UPDATE res_partner p SET jxc_customer_grade = v.grade
              FROM unnest(%s::int[], %s::varchar[]) AS v(partner_id, grade)
             WHERE p.commercial_partner_id = v.partner_id AND p.jxc_customer_grade IS DISTINCT FROM v.grade
        """, (list(grades), list(grades.values())))
        cr.execute("""
            UPDATE res_partner SET jxc_customer_grade = 'c'
             WHERE jxc_customer_grade IN ('a', 'b') AND NOT commercial_partner_id = ANY(%s)
        """, (list(grades),))

    def _jxc_rate_suppliers(self, since):
        """On-time rate (receipts by the order's expected date), quality pass rate (accepted over
        received) and average lead days (order date to receipt) of each supplier."""
        self.env.cr.execute("""
            WITH receipts AS (
                SELECT rp.commercial_partner_id AS partner_id, k.id AS picking_id,
                       BOOL_AND(k.date <= COALESCE(o.date_expected, k.date)) AS on_time,
                       MAX(k.date - o.date_order) AS lead_days,
                       SUM(sl.quantity) AS accepted, SUM(sl.quantity + COALESCE(sl.rejected_qty, 0)) AS received
                  FROM jxc_stock_picking_line sl
                  JOIN jxc_stock_picking k ON k.id = sl.picking_id
                  JOIN jxc_purchase_order_line pl ON pl.id = sl.purchase_line_id
                  JOIN jxc_purchase_order o ON o.id = pl.order_id
                  JOIN res_partner rp ON rp.id = o.partner_id
                 WHERE k.state = 'done' AND k.picking_type = 'receipt' AND k.date >= %s
                 GROUP BY rp.commercial_partner_id, k.id
            ), rates AS (
                SELECT partner_id,
                       100.0 * COUNT(*) FILTER (WHERE on_time) / COUNT(*) AS on_time_rate,
                       100.0 * SUM(accepted) / NULLIF(SUM(received), 0) AS quality_rate,
                       AVG(lead_days) AS lead_days
                  FROM receipts GROUP BY partner_id
            )
            UPDATE res_partner p SET jxc_supplier_ontime_rate = r.on_time_rate,
                                     jxc_supplier_quality_rate = r.quality_rate,
                                     jxc_supplier_lead_days = r.lead_days
              FROM rates r WHERE p.id = r.partner_id
        """, (since,))

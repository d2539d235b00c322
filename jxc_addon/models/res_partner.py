from odoo import api, fields, models

CUSTOMER_GRADES = [("a", "A"), ("b", "B"), ("c", "C")]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The credit limit itself is Odoo's res.partner.credit_limit.
    jxc_credit_days = fields.Integer(
        string="Credit Days",
        help="Sales are blocked when an invoice of this customer is overdue by more days than this.")
    jxc_on_hold = fields.Boolean(
        string="On Hold", track_visibility="onchange",
        help="A customer on hold gets no order confirmation or delivery.")
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
    jxc_currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)

    @api.multi
    def _compute_jxc_sales(self):
        """Purchases of each customer (its contacts included), from confirmed sales orders."""
        partners = self.filtered(lambda p: isinstance(p.id, int))
        commercial = {p.id: p.commercial_partner_id.id for p in partners}
        stats = {}
        if partners:
            self.env.cr.execute("""
                SELECT p.commercial_partner_id, COUNT(*), SUM(o.amount_total), MAX(o.date_order)
                  FROM jxc_sale_order o JOIN res_partner p ON p.id = o.partner_id
                 WHERE o.state IN ('confirmed', 'done') AND p.commercial_partner_id IN %s
                 GROUP BY p.commercial_partner_id
            """, (tuple(set(commercial.values())),))
            stats = {key: (count, amount, last) for key, count, amount, last in self.env.cr.fetchall()}
            self.env.cr.execute("""
                SELECT p.commercial_partner_id, COUNT(*) FROM jxc_stock_picking k JOIN res_partner p ON p.id = k.partner_id
                 WHERE k.picking_type = 'delivery' AND k.state = 'done' AND p.commercial_partner_id IN %s
                 GROUP BY p.commercial_partner_id
            """, (tuple(set(commercial.values())),))
            deliveries = dict(self.env.cr.fetchall())
        for partner in self:
            key = commercial.get(partner.id)
            count, amount, last = stats.get(key, (0, 0.0, False))
            partner.jxc_sale_count = count
            partner.jxc_sale_amount = amount
            partner.jxc_last_sale_date = last
            partner.jxc_delivery_count = deliveries.get(key, 0) if partners else 0

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

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "jxc_credit_days", "jxc_on_hold", "jxc_customer_grade"]

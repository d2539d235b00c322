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

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "jxc_credit_days", "jxc_on_hold", "jxc_customer_grade"]

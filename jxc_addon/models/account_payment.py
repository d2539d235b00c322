from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AccountPayment(models.Model):
    """订金/预收: a customer payment registered on a sales order before it is invoiced.

    Posted on the customer's receivable account like any payment, it lowers what the customer owes
    (so the credit control counts it) and waits there as an outstanding credit until an invoice of
    the order is validated, which it then pays automatically.
    """
    _inherit = "account.payment"

    jxc_sale_id = fields.Many2one(
        "jxc.sale.order", "Deposit for Order", index=True, copy=False, readonly=True,
        states={"draft": [("readonly", False)]},
        help="The sales order this customer payment is a deposit for: its invoices are paid with it as "
             "soon as they are validated.")

    @api.constrains("jxc_sale_id", "partner_id", "payment_type", "partner_type")
    def _check_jxc_sale_deposit(self):
        for payment in self.filtered("jxc_sale_id"):
            order = payment.jxc_sale_id.sudo()
            if payment.payment_type != "inbound" or payment.partner_type != "customer":
                raise ValidationError(_("A deposit on a sales order is a payment received from the customer."))
            if payment.partner_id.commercial_partner_id != order.partner_id.commercial_partner_id:
                raise ValidationError(_("The deposit for %(order)s is paid by its customer %(customer)s.") % {
                    "order": order.name, "customer": order.partner_id.commercial_partner_id.display_name})
            if order.state == "cancel" and payment.state == "draft":
                raise ValidationError(_("%s is cancelled: it takes no deposit.") % order.name)

    @api.multi
    def post(self):
        res = super().post()
        # A deposit registered once the order is invoiced pays its open invoices at once.
        for payment in self.filtered("jxc_sale_id"):
            payment.jxc_sale_id._jxc_open_invoices()._jxc_apply_deposits(payment)
        return res

    def _jxc_receivable_lines(self):
        """The payment's journal items on the customer's receivable account still open (the part
        of the deposit no invoice has used yet)."""
        return self.mapped("move_line_ids").filtered(
            lambda l: l.account_id.internal_type == "receivable" and not l.reconciled
            and l.credit > 0)

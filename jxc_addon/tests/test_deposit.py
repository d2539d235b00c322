"""订金/预收: a customer payment registered on a sales order before delivery. The credit control counts
it, the order's invoice is paid with it as soon as it is validated, and the order shows what was
paid and what is left to pay."""
from odoo.exceptions import AccessError, UserError, ValidationError

from .test_sale import SaleCase


class TestDeposit(SaleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = cls.make_user("t_dep_accountant", "group_jxc_accountant")
        cls.vat = cls.env["account.tax"].search([
            ("type_tax_use", "=", "sale"), ("amount", "=", 13), ("amount_type", "=", "percent"),
            ("price_include", "=", False), ("company_id", "=", cls.company.id)], limit=1)
        cls.bank = cls.env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", cls.company.id)],
                                                     limit=1)
        cls.customer = cls.env["res.partner"].create({"name": "Test 订金客户", "customer": True, "is_company": True,
                                                      "credit_limit": 1000.0, "jxc_credit_days": 30})

    def setUp(self):
        super().setUp()
        self.picking("receipt", [(self.shirt, 20, 40.0)])

    def quotation(self, qty=10):
        # 10 @ 100.00 + 13% VAT = 1,130.00
        return self.env["jxc.sale.order"].create({
            "partner_id": self.customer.id, "warehouse_id": self.wh_a.id,
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.unit.id, "product_qty": qty,
                                 "price_unit": 100.0, "tax_ids": [(6, 0, self.vat.ids)]})]})

    def deposit(self, order, amount, user=None):
        """Register Deposit on the order, as its form does, then post it."""
        action = order.sudo(user or self.accountant).action_register_deposit()
        Payment = self.env["account.payment"].sudo(user or self.accountant).with_context(**action["context"])
        payment = Payment.create({"amount": amount, "journal_id": self.bank.id,
                                  "payment_method_id": self.env.ref("account.account_payment_method_manual_in").id})
        payment.post()
        return payment

    def test_deposit_lets_the_credit_check_through_and_pays_the_invoice(self):
        order = self.quotation()
        self.assertEqual(order.amount_total, 1130.0)
        with self.assertRaises(UserError) as caught:
            order.button_confirm()
        self.assertIn("credit limit", caught.exception.name)
        payment = self.deposit(order, 200.0)
        self.assertEqual((payment.jxc_sale_id, payment.partner_id, payment.communication),
                         (order, self.customer, order.name))
        # the deposit: Dr bank / Cr 1122 (the customer's receivable), so he owes 200.00 less
        move = payment.move_line_ids.mapped("move_id")
        self.assertEqual(sorted((l.account_id.code[:4], l.partner_id, l.debit, l.credit) for l in move.line_ids),
                         sorted([(self.bank.default_debit_account_id.code[:4], self.customer, 200.0, 0.0),
                                 ("1122", self.customer, 0.0, 200.0)]))
        self.assertEqual(self.customer.credit, -200.0)
        self.assertEqual((order.amount_deposit, order.amount_paid, order.amount_to_pay, order.payment_status),
                         (200.0, 200.0, 930.0, "partial"))
        order.button_confirm()  # 1,130.00 - 200.00 = 930.00 within the limit of 1,000.00
        self.deliver(order)
        invoice = self.env["account.invoice"].browse(order.action_create_invoice()["res_id"])
        invoice.sudo(self.accountant).action_invoice_open()
        # paid with the deposit at once
        self.assertEqual((invoice.state, invoice.amount_total, invoice.residual), ("open", 1130.0, 930.0))
        receivable = invoice.move_id.line_ids.filtered(lambda l: l.account_id.code == "1122")
        self.assertEqual([p.amount for p in receivable.matched_credit_ids], [200.0])
        self.assertEqual(receivable.matched_credit_ids.credit_move_id.payment_id, payment)
        self.assertIn(invoice, payment.invoice_ids)
        self.assertEqual((order.amount_paid, order.amount_to_pay, order.payment_status), (200.0, 930.0, "partial"))
        self.pay(invoice)
        self.assertEqual(invoice.state, "paid")
        self.assertEqual((order.amount_paid, order.amount_to_pay, order.payment_status), (1130.0, 0.0, "paid"))

    def test_a_deposit_above_the_invoice_waits_for_the_next_one(self):
        order = self.quotation()
        self.deposit(order, 1500.0)
        order.button_confirm()
        delivery = self.env["jxc.stock.picking"].browse(order.action_deliver()["res_id"])
        delivery.line_ids.quantity = 4
        delivery.sudo(self.keeper).button_done()
        first = self.env["account.invoice"].browse(order.action_create_invoice()["res_id"])
        first.action_invoice_open()
        self.assertEqual((first.amount_total, first.state), (452.0, "paid"))
        self.assertEqual((order.amount_paid, order.amount_to_pay), (1500.0, -370.0))
        self.deliver(order)
        second = self.env["account.invoice"].browse(order.action_create_invoice()["res_id"])
        second.action_invoice_open()
        self.assertEqual((second.amount_total, second.state), (678.0, "paid"))
        # 1,500.00 - 452.00 - 678.00: 370.00 of the deposit is still the customer's
        self.assertEqual(self.customer.credit, -370.0)
        self.assertEqual((order.amount_paid, order.amount_to_pay, order.payment_status), (1500.0, -370.0, "paid"))

    def test_a_deposit_registered_after_the_invoice_pays_it(self):
        order = self.quotation(qty=2)
        order.button_confirm()
        self.deliver(order)
        invoice = self.env["account.invoice"].browse(order.action_create_invoice()["res_id"])
        invoice.action_invoice_open()
        self.deposit(order, 100.0)
        self.assertEqual(invoice.residual, 126.0)
        self.assertEqual((order.amount_paid, order.amount_to_pay), (100.0, 126.0))

    def test_other_payments_of_the_customer_are_left_alone(self):
        order = self.quotation(qty=2)
        other = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": self.customer.id, "amount": 50.0,
            "journal_id": self.bank.id,
            "payment_method_id": self.env.ref("account.account_payment_method_manual_in").id})
        other.post()
        order.button_confirm()
        self.deliver(order)
        invoice = self.env["account.invoice"].browse(order.action_create_invoice()["res_id"])
        invoice.action_invoice_open()
        self.assertEqual(invoice.residual, 226.0)
        self.assertEqual(order.amount_paid, 0.0)

    def test_who_registers_deposits_and_what_they_are(self):
        order = self.quotation(qty=2)
        order.user_id = self.salesman_a
        for user in (self.salesman_a, self.keeper):
            with self.assertRaises(AccessError):
                order.sudo(user).action_register_deposit()
        with self.assertRaises(AccessError):
            self.env["account.payment"].sudo(self.salesman_a).create({
                "payment_type": "inbound", "partner_type": "customer", "partner_id": self.customer.id,
                "amount": 10.0, "journal_id": self.bank.id, "jxc_sale_id": order.id,
                "payment_method_id": self.env.ref("account.account_payment_method_manual_in").id})
        # the salesman sees what was paid
        self.deposit(order, 26.0)
        self.assertEqual((order.sudo(self.salesman_a).amount_paid, order.sudo(self.salesman_a).amount_to_pay),
                         (26.0, 200.0))
        values = {"payment_type": "inbound", "partner_type": "customer", "amount": 10.0,
                  "journal_id": self.bank.id, "jxc_sale_id": order.id,
                  "payment_method_id": self.env.ref("account.account_payment_method_manual_in").id}
        with self.assertRaises(ValidationError):
            self.env["account.payment"].create(dict(values, partner_id=self.env.ref(
                "jxc_addon.res_partner_customer_beijing_demo").id))
        with self.assertRaises(ValidationError):
            self.env["account.payment"].create(dict(values, partner_id=self.customer.id, payment_type="outbound",
                                                    payment_method_id=self.env.ref(
                                                        "account.account_payment_method_manual_out").id))
        order.button_cancel()
        with self.assertRaises(UserError):
            order.sudo(self.accountant).action_register_deposit()

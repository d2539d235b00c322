"""Receivables and payables aging per partner, and the customer statement (对账单), on a known
set of invoices, credit notes and payments."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError

from .common import StockCase


class AgingCase(StockCase):
    """Customer 账龄客户 (salesman A's, credit limit 5,000.00) owes, by due date from today:
        1,000.00 due in 10 days (invoiced 20 days ago)
          500.00 due 15 days ago (invoiced 45 days ago)
          300.00 due 45 days ago (invoiced 75 days ago)
          200.00 due 75 days ago (invoiced 105 days ago)
          100.00 due 120 days ago (invoiced 150 days ago), 50.00 of it paid 5 days ago
         -80.00 credit note of 2 days ago, due today
         -30.00 paid today, not matched to any invoice
    Supplier 账龄供应商 is owed a bill of 600.00 due 20 days ago.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("account.group_account_invoice")
        cls.salesman_a = cls.make_user("t_aging_sale_a", "group_jxc_salesman")
        cls.salesman_b = cls.make_user("t_aging_sale_b", "group_jxc_salesman")
        cls.purchaser = cls.make_user("t_aging_purchaser", "group_jxc_purchaser")
        cls.accountant = cls.make_user("t_aging_accountant", "group_jxc_accountant")
        Partner = cls.env["res.partner"]
        cls.debtor = Partner.create({
            "name": "账龄客户", "is_company": True, "customer": True, "user_id": cls.salesman_a.id,
            "credit_limit": 5000.0, "jxc_credit_days": 30, "email": "zhangling@example.com", "lang": "zh_CN"})
        cls.creditor = Partner.create({"name": "账龄供应商", "is_company": True, "supplier": True,
                                       "customer": False})
        cls.date_today = fields.Date.from_string(fields.Date.context_today(cls.env.user))
        cls.journals = {kind: cls.env["account.journal"].search(
            [("type", "=", kind), ("company_id", "=", cls.company.id)], limit=1)
            for kind in ("sale", "purchase", "bank")}

    def day(self, offset):
        return fields.Date.to_string(self.date_today + timedelta(days=offset))

    def invoice(self, partner, amount, invoiced, due, kind="out_invoice"):
        journal = self.journals["sale" if kind.startswith("out") else "purchase"]
        account = self.company._jxc_find_account("5001" if kind.startswith("out") else "5602")
        invoice = self.env["account.invoice"].with_context(type=kind).create({
            "type": kind, "partner_id": partner.id, "journal_id": journal.id, "date_invoice": self.day(invoiced),
            "date_due": self.day(due),
            "invoice_line_ids": [(0, 0, {"name": "账龄测试", "quantity": 1, "price_unit": amount,
                                         "account_id": account.id})]})
        invoice.action_invoice_open()
        return invoice

    def receive_payment(self, amount, on, invoices=None):
        payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": self.debtor.id, "amount": amount,
            "payment_date": self.day(on), "journal_id": self.journals["bank"].id,
            "invoice_ids": [(6, 0, invoices.ids if invoices else [])],
            "payment_method_id": self.env.ref("account.account_payment_method_manual_in").id})
        payment.post()
        return payment

    def make_books(self):
        self.inv1 = self.invoice(self.debtor, 1000.0, -20, 10)
        self.inv2 = self.invoice(self.debtor, 500.0, -45, -15)
        self.inv3 = self.invoice(self.debtor, 300.0, -75, -45)
        self.inv4 = self.invoice(self.debtor, 200.0, -105, -75)
        self.inv5 = self.invoice(self.debtor, 100.0, -150, -120)
        self.partial = self.receive_payment(50.0, -5, self.inv5)
        self.refund = self.invoice(self.debtor, 80.0, -2, 0, kind="out_refund")
        self.advance = self.receive_payment(30.0, 0)
        self.bill = self.invoice(self.creditor, 600.0, -50, -20, kind="in_invoice")


class TestAging(AgingCase):

    def setUp(self):
        super().setUp()
        self.make_books()
        self.Aging = self.env["jxc.partner.aging"].sudo(self.accountant)

    def figures(self, row):
        return (row.not_due, row.days_1_30, row.days_31_60, row.days_61_90, row.days_over_90, row.residual,
                row.overdue, row.days_overdue, row.item_count)

    def test_customer_aging_buckets_with_salesperson_and_credit_limit(self):
        row = self.Aging.search([("partner_id", "=", self.debtor.id)])
        self.assertEqual((row.account_type, row.user_id, row.credit_limit, row.credit_days, row.company_id),
                         ("receivable", self.salesman_a, 5000.0, 30, self.company))
        # not due 1,000 - 80 - 30; 1-30 500; 31-60 300; 61-90 200; over 90 the 50 left of 100
        self.assertEqual(self.figures(row), (890.0, 500.0, 300.0, 200.0, 50.0, 1940.0, 1050.0, 120, 7))
        self.assertEqual(self.inv5.residual, 50.0)
        action = row.action_view_open_invoices()
        self.assertEqual(self.env["account.invoice"].search(action["domain"]),
                         self.inv1 | self.inv2 | self.inv3 | self.inv4 | self.inv5 | self.refund)
        # paid in full, an invoice leaves the aging
        self.receive_payment(500.0, 0, self.inv2)
        row = self.Aging.search([("partner_id", "=", self.debtor.id)])
        self.assertEqual(self.figures(row), (890.0, 0.0, 300.0, 200.0, 50.0, 1440.0, 550.0, 120, 6))

    def test_supplier_aging(self):
        row = self.Aging.search([("partner_id", "=", self.creditor.id)])
        self.assertEqual(row.account_type, "payable")
        self.assertEqual(self.figures(row), (0.0, 600.0, 0.0, 0.0, 0.0, 600.0, 600.0, 20, 1))
        groups = self.Aging.read_group([("partner_id", "in", (self.debtor | self.creditor).ids)],
                                       ["account_type", "residual", "overdue", "days_over_90"], ["account_type"])
        self.assertEqual({g["account_type"]: (g["residual"], g["overdue"], g["days_over_90"]) for g in groups},
                         {"receivable": (1940.0, 1050.0, 50.0), "payable": (600.0, 600.0, 0.0)})

    def test_who_sees_which_rows(self):
        partners = [("partner_id", "in", (self.debtor | self.creditor).ids)]
        seen = {user: self.env["jxc.partner.aging"].sudo(user).search(partners).mapped("partner_id")
                for user in (self.salesman_a, self.salesman_b, self.purchaser, self.accountant)}
        self.assertEqual(seen, {self.salesman_a: self.debtor, self.salesman_b: self.env["res.partner"],
                                self.purchaser: self.creditor, self.accountant: self.debtor | self.creditor})


class TestStatement(AgingCase):

    def setUp(self):
        super().setUp()
        self.make_books()
        self.statement = self.env["jxc.partner.statement"].sudo(self.accountant).create({
            "partner_id": self.debtor.id, "date_from": self.day(-90), "date_to": self.day(0)})

    def test_opening_movements_and_closing(self):
        statement = self.statement
        self.assertTrue(statement.name.startswith("DZ"))
        # before the period: the invoices of 105 and 150 days ago
        self.assertEqual(statement.opening_balance, 300.0)
        self.assertEqual([(l.date, l.kind, l.name, l.debit, l.credit, l.balance) for l in statement.line_ids], [
            (self.day(-75), "invoice", self.inv3.number, 300.0, 0.0, 600.0),
            (self.day(-45), "invoice", self.inv2.number, 500.0, 0.0, 1100.0),
            (self.day(-20), "invoice", self.inv1.number, 1000.0, 0.0, 2100.0),
            (self.day(-5), "payment", self.partial.move_line_ids.mapped("move_id").name, 0.0, 50.0, 2050.0),
            (self.day(-2), "refund", self.refund.number, 0.0, 80.0, 1970.0),
            (self.day(0), "payment", self.advance.move_line_ids.mapped("move_id").name, 0.0, 30.0, 1940.0),
        ])
        self.assertEqual(statement.line_ids.mapped("date_due")[:3], [self.day(-45), self.day(-15), self.day(10)])
        self.assertEqual((statement.total_invoiced, statement.total_refunded, statement.total_paid,
                          statement.total_other, statement.closing_balance), (1800.0, 80.0, 80.0, 0.0, 1940.0))
        aging = self.env["jxc.partner.aging"].search([("partner_id", "=", self.debtor.id)])
        self.assertEqual(statement.closing_balance, aging.residual, "the statement ends where the aging stands")

    def test_a_new_period_reads_the_books_again(self):
        self.statement.date_from = self.day(-10)
        self.assertEqual(self.statement.opening_balance, 2100.0)
        self.assertEqual(self.statement.line_ids.mapped("kind"), ["payment", "refund", "payment"])
        self.assertEqual(self.statement.closing_balance, 1940.0)
        # a payment posted since appears after Refresh
        self.receive_payment(40.0, 0)
        self.statement.button_refresh()
        self.assertEqual((self.statement.total_paid, self.statement.closing_balance), (120.0, 1900.0))

    def test_statements_are_the_accountants(self):
        with self.assertRaises(AccessError):
            self.env["jxc.partner.statement"].sudo(self.salesman_a).create(
                {"partner_id": self.debtor.id, "date_from": self.day(-30), "date_to": self.day(0)})
        with self.assertRaises(AccessError):
            self.statement.sudo(self.salesman_a).read(["closing_balance"])
        with self.assertRaises(AccessError):
            self.statement.line_ids[:1].sudo(self.accountant).write({"debit": 1.0})
        # from the aging row of the customer, a statement of this month
        action = self.env["jxc.partner.aging"].sudo(self.accountant).search(
            [("partner_id", "=", self.debtor.id)]).action_new_statement()
        statement = self.env["jxc.partner.statement"].browse(action["res_id"])
        self.assertEqual((statement.partner_id, statement.date_from, statement.date_to),
                         (self.debtor, self.day(0)[:8] + "01", self.day(0)))

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError

from ..wizards.jxc_invoice_consolidate import last_month
from .common import StockCase


class ConsolidateCase(StockCase):
    """Last month is the period; goods moved before it, in it and after it (today)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("account.group_account_invoice")
        cls.customer_b = cls.env.ref("jxc_addon.res_partner_customer_shanghai_demo")
        for customer in cls.customer | cls.customer_b:
            customer.write({"credit_limit": 0.0, "jxc_on_hold": False, "jxc_credit_days": 30})
        cls.vendor = cls.env["res.partner"].create({"name": "月结 Supplier", "supplier": True, "is_company": True})
        cls.accountant = cls.make_user("t_mj_accountant", "group_jxc_accountant")
        cls.keeper = cls.make_user("t_mj_keeper", "group_jxc_keeper")
        Tax = cls.env["account.tax"]
        cls.vat_sale = Tax.search([("company_id", "=", cls.company.id), ("type_tax_use", "=", "sale"),
                                   ("amount", "=", 13.0), ("amount_type", "=", "percent")], limit=1)
        cls.vat_purchase = Tax.search([("company_id", "=", cls.company.id), ("type_tax_use", "=", "purchase"),
                                       ("amount", "=", 13.0), ("amount_type", "=", "percent")], limit=1)
        today = fields.Date.from_string(fields.Date.context_today(cls.env.user))
        first, last = last_month(today)
        cls.period = (fields.Date.to_string(first), fields.Date.to_string(last))
        cls.in_period = fields.Date.to_string(first + timedelta(days=3))
        cls.end_of_period = fields.Date.to_string(last)
        cls.before = fields.Date.to_string(first - timedelta(days=5))
        cls.today = fields.Date.to_string(today)
        cls.receivable = cls.company._jxc_find_account("1122")
        cls.payable = cls.company._jxc_find_account("2202")

    def sale(self, customer, lines, date):
        order = self.env["jxc.sale.order"].create({
            "partner_id": customer.id, "warehouse_id": self.wh_a.id, "date_order": date,
            "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": q, "price_unit": price,
                                 "discount": disc, "tax_ids": [(6, 0, self.vat_sale.ids)]})
                         for p, q, price, disc in lines]})
        order.button_confirm()
        return order

    def deliver(self, order, date, quantities=None):
        picking = self.env["jxc.stock.picking"].browse(order.action_deliver()["res_id"])
        picking.date = date
        for line in picking.line_ids:
            if quantities and line.product_id in quantities:
                line.quantity = quantities[line.product_id]
        picking.button_done()
        return picking

    def purchase(self, lines, date):
        order = self.env["jxc.purchase.order"].create({
            "partner_id": self.vendor.id, "warehouse_id": self.wh_a.id, "date_order": date,
            "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": q, "price_unit": price,
                                 "tax_ids": [(6, 0, self.vat_purchase.ids)]}) for p, q, price in lines]})
        order.button_confirm()
        return order

    def receive(self, order, date, quantities=None):
        picking = self.env["jxc.stock.picking"].browse(order.action_receive()["res_id"])
        picking.date = date
        for line in picking.line_ids:
            if quantities and line.product_id in quantities:
                line.quantity = quantities[line.product_id]
        picking.button_done()
        return picking

    def consolidate(self, kind, user=None, date_from=None, date_to=None, validate=True, partners=None):
        Wizard = self.env["jxc.invoice.consolidate"].sudo(user or self.env.user)
        wizard = Wizard.create({
            "kind": kind, "date_from": self.period[0] if date_from is None else date_from,
            "date_to": date_to or self.period[1], "validate": validate,
            "partner_ids": [(6, 0, (partners or self.env["res.partner"]).ids)]})
        action = wizard.action_create_invoices()
        return self.env["account.invoice"].search(action["domain"], order="id")

    def lines(self, invoice):
        return [(l.product_id, l.quantity, l.price_unit, l.discount, l.price_subtotal)
                for l in invoice.invoice_line_ids]

    def open_items(self, partner, account):
        lines = self.env["account.move.line"].search([
            ("partner_id", "=", partner.id), ("account_id", "=", account.id), ("move_id.state", "=", "posted")])
        return round(sum(lines.mapped("amount_residual")), 2)


class TestConsolidatedCustomerInvoices(ConsolidateCase):

    def test_one_invoice_per_customer_for_the_period(self):
        self.picking("receipt", [(self.shirt, 30, 5.0), (self.jeans, 10, 20.0)])
        before = self.sale(self.customer, [(self.shirt, 3, 10.0, 0.0)], self.before)
        self.deliver(before, self.before)
        first = self.sale(self.customer, [(self.shirt, 4, 10.0, 0.0)], self.in_period)
        self.deliver(first, self.in_period)
        second = self.sale(self.customer, [(self.jeans, 2, 50.0, 10.0)], self.in_period)
        self.deliver(second, self.end_of_period, {self.jeans: 1})
        self.deliver(second, self.today)  # the second pair leaves after the period
        per_order = self.sale(self.customer, [(self.shirt, 2, 12.0, 0.0)], self.in_period)
        self.deliver(per_order, self.in_period)
        self.env["account.invoice"].browse(per_order.action_create_invoice()["res_id"]).action_invoice_open()
        other = self.sale(self.customer_b, [(self.shirt, 5, 11.0, 0.0)], self.in_period)
        self.deliver(other, self.in_period)
        receivable_before = self.open_items(self.customer, self.receivable)

        invoices = self.consolidate("customer", user=self.accountant, partners=self.customer | self.customer_b)

        self.assertEqual(len(invoices), 2, "one invoice per customer")
        invoice, invoice_b = invoices.sorted(lambda i: i.partner_id != self.customer)
        self.assertEqual((invoice.partner_id, invoice.state, invoice.type, invoice.date_invoice),
                         (self.customer, "open", "out_invoice", self.period[1]))
        self.assertEqual(self.lines(invoice), [(self.shirt, 4, 10.0, 0.0, 40.0), (self.jeans, 1, 50.0, 10.0, 45.0)],
                         "delivered in the period, not yet invoiced; not the order delivered before it")
        self.assertEqual(invoice.invoice_line_ids.mapped("jxc_sale_line_id"), first.line_ids | second.line_ids)
        self.assertTrue(invoice.invoice_line_ids[0].name.startswith(first.name + ": "))
        self.assertEqual(invoice.origin, "%s, %s" % (first.name, second.name))
        self.assertEqual((invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total), (85.0, 11.05, 96.05))
        self.assertEqual(self.move_lines(invoice.move_id), {
            ("1122", self.env["product.product"], self.customer): 96.05,
            ("5001", self.shirt, self.customer): -40.0, ("5001", self.jeans, self.customer): -45.0,
            ("2221", self.env["product.product"], self.customer): -11.05})
        self.assertEqual(self.open_items(self.customer, self.receivable), round(receivable_before + 96.05, 2),
                         "the customer owes the invoice on 1122")
        self.assertEqual(self.lines(invoice_b), [(self.shirt, 5, 11.0, 0.0, 55.0)])
        self.assertEqual(invoice_b.amount_total, 62.15)
        self.assertEqual((first.invoice_status, second.invoice_status, before.invoice_status),
                         ("full", "partial", "none"))
        self.assertEqual(second.line_ids.qty_invoiced, 1)

        # Again for the same period: nothing is left.
        with self.assertRaises(UserError):
            self.consolidate("customer", user=self.accountant, partners=self.customer | self.customer_b)
        # Up to today, from any date: what the period left behind (the order delivered before it, the pair
        # delivered today), as drafts.
        late = self.consolidate("customer", user=self.accountant, date_from=False, date_to=self.today, validate=False,
                                partners=self.customer)
        self.assertEqual(late.partner_id, self.customer)
        self.assertEqual(late.state, "draft")
        self.assertEqual(self.lines(late), [(self.shirt, 3, 10.0, 0.0, 30.0), (self.jeans, 1, 50.0, 10.0, 45.0)])
        self.assertEqual(late.amount_total, 84.75)
        self.assertEqual((before.invoice_status, second.invoice_status), ("full", "full"))
        self.assertEqual(self.open_items(self.customer, self.receivable), round(receivable_before + 96.05, 2),
                         "a draft owes nothing yet")

    def test_partner_filter_and_returns(self):
        self.picking("receipt", [(self.shirt, 20, 5.0)])
        order = self.sale(self.customer, [(self.shirt, 6, 10.0, 0.0)], self.in_period)
        delivery = self.deliver(order, self.in_period)
        other = self.sale(self.customer_b, [(self.shirt, 2, 10.0, 0.0)], self.in_period)
        self.deliver(other, self.in_period)
        # 2 of the 6 come back in the period: the customer is invoiced for 4.
        back = self.env["jxc.stock.picking"].browse(delivery.action_create_return()["res_id"])
        back.write({"date": self.end_of_period})
        back.line_ids.quantity = 2
        back.button_done()
        self.assertEqual(order.line_ids.qty_delivered, 4)
        invoices = self.consolidate("customer", partners=self.customer)
        self.assertEqual(invoices.partner_id, self.customer, "only the customer asked for")
        self.assertEqual(self.lines(invoices), [(self.shirt, 4, 10.0, 0.0, 40.0)])
        self.assertEqual(invoices.amount_total, 45.2)


class TestConsolidatedVendorBills(ConsolidateCase):

    def grni_lines(self, moves, product):
        grni = self.company.jxc_grni_account_id
        return moves.mapped("line_ids").filtered(lambda l: l.account_id == grni and l.product_id == product)

    def test_one_bill_per_supplier_clears_grni(self):
        shirts = self.purchase([(self.shirt, 10, 5.0)], self.in_period)
        shirt_receipt = self.receive(shirts, self.in_period)
        jeans = self.purchase([(self.jeans, 4, 12.5)], self.in_period)
        jeans_first = self.receive(jeans, self.in_period, {self.jeans: 2})
        jeans_late = self.receive(jeans, self.today)
        payable_before = self.open_items(self.vendor, self.payable)

        bill = self.consolidate("supplier", user=self.accountant, partners=self.vendor)

        self.assertEqual((bill.partner_id, bill.type, bill.state, bill.date_invoice),
                         (self.vendor, "in_invoice", "open", self.period[1]))
        self.assertEqual(self.lines(bill), [(self.shirt, 10, 5.0, 0.0, 50.0), (self.jeans, 2, 12.5, 0.0, 25.0)])
        self.assertEqual((bill.amount_untaxed, bill.amount_tax, bill.amount_total), (75.0, 9.75, 84.75))
        self.assertEqual(self.move_lines(bill.move_id), {
            ("2202", self.env["product.product"], self.vendor): -84.75,
            ("220201", self.shirt, self.vendor): 50.0, ("220201", self.jeans, self.vendor): 25.0,
            ("2221", self.env["product.product"], self.vendor): 9.75})
        self.assertEqual(self.open_items(self.vendor, self.payable), round(payable_before - 84.75, 2))
        self.assertEqual((shirts.line_ids.qty_billed, jeans.line_ids.qty_billed), (10, 2))
        # GRNI: the shirts' receipt is cleared and reconciled with the bill; half the jeans still wait.
        shirt_grni = self.grni_lines(shirt_receipt.move_id | bill.move_id, self.shirt)
        self.assertEqual(sorted(shirt_grni.mapped("balance")), [-50.0, 50.0])
        self.assertTrue(all(shirt_grni.mapped("reconciled")))
        self.assertEqual(len(shirt_grni.mapped("full_reconcile_id")), 1)
        jeans_grni = self.grni_lines(jeans_first.move_id | jeans_late.move_id | bill.move_id, self.jeans)
        self.assertEqual(round(sum(jeans_grni.mapped("balance")), 2), -25.0, "2 jeans received, not billed")
        self.assertEqual(round(sum(jeans_grni.mapped("amount_residual")), 2), -25.0)

        rest = self.consolidate("supplier", user=self.accountant, date_from=False, date_to=self.today,
                                partners=self.vendor)
        self.assertEqual(rest.partner_id, self.vendor, "one bill for the supplier")
        self.assertEqual(self.lines(rest), [(self.jeans, 2, 12.5, 0.0, 25.0)])
        jeans_grni = self.grni_lines(jeans_first.move_id | jeans_late.move_id | bill.move_id | rest.move_id,
                                     self.jeans)
        self.assertEqual(round(sum(jeans_grni.mapped("balance")), 2), 0.0)
        self.assertTrue(all(jeans_grni.mapped("reconciled")), "every GRNI line of the jeans is matched")
        self.assertEqual(jeans.billing_status, "full")
        self.assertEqual(self.open_items(self.vendor, self.payable), round(payable_before - 84.75 - 28.25, 2))


    def test_each_bill_line_matched_with_its_own_receipt(self):
        first = self.purchase([(self.shirt, 10, 5.0)], self.in_period)
        first_receipt = self.receive(first, self.in_period)
        second = self.purchase([(self.shirt, 4, 5.0)], self.in_period)
        second_receipt = self.receive(second, self.end_of_period)

        bill = self.consolidate("supplier", user=self.accountant, partners=self.vendor)

        self.assertEqual(self.lines(bill), [(self.shirt, 10, 5.0, 0.0, 50.0), (self.shirt, 4, 5.0, 0.0, 20.0)])
        grni = self.grni_lines(first_receipt.move_id | second_receipt.move_id | bill.move_id, self.shirt)
        self.env["account.move.line"].invalidate_cache()  # as stored
        self.assertTrue(all(grni.mapped("reconciled")))
        bill_grni = grni.filtered(lambda l: l.move_id == bill.move_id)
        self.assertEqual(sorted((l.balance, l.matched_credit_ids.credit_move_id.move_id) for l in bill_grni),
                         [(20.0, second_receipt.move_id), (50.0, first_receipt.move_id)])
        self.assertEqual(len(grni.mapped("full_reconcile_id")), 1, "one matching number for the bill")
        self.assertEqual(grni.mapped("full_reconcile_id").reconciled_line_ids, grni)


class TestConsolidationRightsAndCron(ConsolidateCase):

    def test_only_accountants_and_managers(self):
        self.picking("receipt", [(self.shirt, 5, 5.0)])
        order = self.sale(self.customer, [(self.shirt, 2, 10.0, 0.0)], self.in_period)
        self.deliver(order, self.in_period)
        for user in (self.keeper, self.make_user("t_mj_sales", "group_jxc_salesman"),
                     self.make_user("t_mj_buyer", "group_jxc_purchaser"),
                     self.make_user("t_mj_viewer", "group_jxc_user")):
            with self.assertRaises(AccessError):
                self.consolidate("customer", user=user, partners=self.customer)
        self.assertEqual(order.invoice_status, "none")
        manager = self.make_user("t_mj_manager", "group_jxc_manager")
        self.assertEqual(self.lines(self.consolidate("customer", user=manager, partners=self.customer)),
                         [(self.shirt, 2, 10.0, 0.0, 20.0)])

    def test_monthly_cron_follows_the_company_setting(self):
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        order = self.sale(self.customer, [(self.shirt, 2, 10.0, 0.0)], self.before)
        self.deliver(order, self.before)
        bought = self.purchase([(self.jeans, 3, 10.0)], self.in_period)
        self.receive(bought, self.in_period)
        late = self.sale(self.customer, [(self.shirt, 1, 10.0, 0.0)], self.today)
        self.deliver(late, self.today)
        Invoice = self.env["account.invoice"]
        cron = self.env.ref("jxc_addon.ir_cron_jxc_invoice_consolidate")
        self.assertEqual((cron.interval_type, cron.active), ("months", True))
        self.assertFalse(self.company.jxc_consolidated_invoicing, "off unless the company asks for it")
        count = Invoice.search_count([])
        self.env["jxc.invoice.consolidate"]._cron_consolidate()
        self.assertEqual(Invoice.search_count([]), count, "a company invoicing per order gets nothing")

        self.assertIn("jxc_consolidated_invoicing", self.env["res.config.settings"]._jxc_company_fields())
        self.company.jxc_consolidated_invoicing = True  # Settings > 进销存 > Monthly Consolidated Invoicing
        self.env["jxc.invoice.consolidate"]._cron_consolidate()
        made = Invoice.search([("invoice_line_ids.jxc_sale_line_id.order_id", "in", (order | late).ids)])
        self.assertEqual((made.partner_id, made.state), (self.customer, "draft"), "a draft to review")
        mine = made.invoice_line_ids.filtered(lambda l: l.jxc_sale_line_id.order_id in order | late)
        self.assertEqual([(l.product_id, l.quantity, l.price_subtotal) for l in mine], [(self.shirt, 2, 20.0)],
                         "everything delivered up to the end of last month; not this month's delivery")
        bill = Invoice.search([("invoice_line_ids.jxc_purchase_line_id.order_id", "=", bought.id)])
        mine = bill.invoice_line_ids.filtered(lambda l: l.jxc_purchase_line_id.order_id == bought)
        self.assertEqual((bill.partner_id, bill.state), (self.vendor, "draft"))
        self.assertEqual([(l.product_id, l.quantity, l.price_subtotal) for l in mine], [(self.jeans, 3, 30.0)])
        self.env["jxc.invoice.consolidate"]._cron_consolidate()
        self.assertEqual(Invoice.search_count([("invoice_line_ids.jxc_sale_line_id.order_id", "=", order.id)]), 1,
                         "a draft counts as invoiced: the next run makes no second invoice")

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError

from .common import StockCase


def days_ago(days, record):
    """A date `days` before the user's today, as the scans count it."""
    return fields.Date.to_string(fields.Date.from_string(fields.Date.context_today(record)) - timedelta(days=days))


class WarningCase(StockCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.purchaser = cls.make_user("t_warn_purchaser", "group_jxc_purchaser")
        cls.salesman = cls.make_user("t_warn_salesman", "group_jxc_salesman")
        cls.Warning = cls.env["jxc.reorder.warning"]

    def activities(self, warning):
        return self.env["mail.activity"].search([("res_model", "=", "jxc.reorder.warning"), ("res_id", "=", warning.id)])


class TestReorderActivities(WarningCase):

    def test_purchaser_gets_one_todo_removed_when_stock_arrives(self):
        rule = self.env["jxc.reorder.rule"].create({
            "product_id": self.shirt.id, "warehouse_id": self.wh_a.id, "min_qty": 10, "max_qty": 20,
            "user_id": self.purchaser.id})
        rule.action_reorder_scan()
        warning = self.Warning.search([("rule_id", "=", rule.id), ("state", "=", "open")])
        activity = self.activities(warning)
        self.assertEqual((len(activity), activity.user_id, warning.user_id), (1, self.purchaser, self.purchaser))
        self.assertEqual(activity.res_name, "Test Shirt")
        self.assertEqual(activity.date_deadline, fields.Date.context_today(warning))
        self.assertIn(self.purchaser.partner_id, warning.message_partner_ids, "the purchaser follows the warning")
        self.assertEqual(warning.activity_date_deadline, activity.date_deadline)
        rule.action_reorder_scan()
        self.assertEqual(self.activities(warning), activity, "a re-run schedules no second to-do")
        self.assertEqual(self.env["mail.activity"].sudo(self.purchaser).search(
            [("user_id", "=", self.purchaser.id)]), activity, "on the purchaser's own to-do list")
        self.picking("receipt", [(self.shirt, 15, 5.0)])
        rule.action_reorder_scan()
        self.assertEqual(warning.state, "closed")
        self.assertFalse(self.activities(warning), "a closed warning leaves nobody's to-do list")

    def test_rule_without_purchaser_falls_to_the_company_setting(self):
        self.company.jxc_replenishment_user_id = self.purchaser
        rule = self.env["jxc.reorder.rule"].create({
            "product_id": self.jeans.id, "warehouse_id": self.wh_a.id, "min_qty": 5, "max_qty": 10, "user_id": False})
        rule.action_reorder_scan()
        warning = self.Warning.search([("rule_id", "=", rule.id), ("state", "=", "open")])
        self.assertEqual(self.activities(warning).user_id, self.purchaser)

    def test_activity_done_keeps_the_warning_until_the_stock_is_back(self):
        rule = self.env["jxc.reorder.rule"].create({
            "product_id": self.shirt.id, "warehouse_id": self.wh_a.id, "min_qty": 10, "max_qty": 20,
            "user_id": self.purchaser.id})
        rule.action_reorder_scan()
        warning = self.Warning.search([("rule_id", "=", rule.id), ("state", "=", "open")])
        self.activities(warning).sudo(self.purchaser).action_done()
        rule.action_reorder_scan()
        self.assertEqual(warning.state, "open")
        self.assertFalse(self.activities(warning), "a to-do marked done is not scheduled again for the same warning")


class TestReplenishWithOrders(WarningCase):

    def test_draft_orders_per_supplier_and_warehouse_close_the_warnings(self):
        self.company.jxc_replenish_document = "order"
        self.env["product.supplierinfo"].create({"name": self.supplier.id, "product_tmpl_id": self.shirt.product_tmpl_id.id,
                                                 "min_qty": 0, "price": 4.5})
        rules = self.env["jxc.reorder.rule"]
        for warehouse, maximum in ((self.wh_a, 20), (self.wh_b, 30)):
            rules |= rules.create({"product_id": self.shirt.id, "warehouse_id": warehouse.id, "min_qty": 10,
                                   "max_qty": maximum, "multiple": 12, "supplier_id": self.supplier.id})
        self.picking("receipt", [(self.shirt, 2, 5.0)], warehouse=self.wh_b)
        rules.action_reorder_scan()
        warnings = self.Warning.search([("rule_id", "in", rules.ids), ("state", "=", "open")])
        self.assertEqual(len(warnings), 2)
        action = warnings.action_replenish()
        orders = self.env["jxc.purchase.order"].search(action["domain"])
        self.assertEqual(len(orders), 2, "one draft order per supplier and receiving warehouse")
        self.assertEqual({(o.state, o.partner_id, o.warehouse_id, o.line_ids.product_qty, o.line_ids.price_unit)
                          for o in orders},
                         {("draft", self.supplier, self.wh_a, 24, 4.5),   # 20 up to boxes of 12
                          ("draft", self.supplier, self.wh_b, 36, 4.5)})  # 30 - 2 = 28 up to boxes of 12
        self.assertEqual(set(warnings.mapped("state")), {"closed"}, "the draft orders cover the gap at once")
        rules.action_reorder_scan()
        self.assertFalse(self.Warning.search([("rule_id", "in", rules.ids), ("state", "=", "open")]),
                         "a second scan does not reopen them: no second order")

    def test_orders_need_a_supplier(self):
        self.company.jxc_replenish_document = "order"
        product = self.env["product.product"].create({"name": "No Supplier", "type": "consu"})
        rule = self.env["jxc.reorder.rule"].create({
            "product_id": product.id, "warehouse_id": self.wh_a.id, "min_qty": 1, "max_qty": 5})
        rule.action_reorder_scan()
        warning = self.Warning.search([("rule_id", "=", rule.id)])
        with self.assertRaises(UserError) as caught:
            warning.action_replenish()
        self.assertIn("no supplier", caught.exception.name)
        self.assertEqual(warning.state, "open")


class TestOverdueReceivables(WarningCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("account.group_account_invoice")
        cls.debtor = cls.env["res.partner"].create({
            "name": "拖欠贸易公司", "customer": True, "is_company": True, "jxc_credit_days": 10,
            "user_id": cls.salesman.id})
        cls.contact = cls.env["res.partner"].create({"name": "王会计", "parent_id": cls.debtor.id})

    def invoice(self, amount, due_days_ago):
        account = self.company._jxc_find_account("5001")
        invoice = self.env["account.invoice"].create({
            "type": "out_invoice", "partner_id": self.contact.id, "date_invoice": days_ago(due_days_ago + 30, self.company),
            "date_due": days_ago(due_days_ago, self.company),
            "invoice_line_ids": [(0, 0, {"name": "货款", "quantity": 1, "price_unit": amount, "account_id": account.id})]})
        invoice.action_invoice_open()
        return invoice

    def pay(self, invoice, amount=None):
        payment = super().pay(invoice, amount)
        self.assertEqual(invoice.state, "paid")
        return payment

    def overdue(self):
        return self.Warning.search([("kind", "=", "overdue"), ("partner_id", "=", self.debtor.id), ("state", "=", "open")])

    def test_followed_up_then_held_then_cleared_when_paid(self):
        self.invoice(800.0, due_days_ago=5)
        self.invoice(100.0, due_days_ago=-3)  # not due yet
        self.Warning.action_overdue_scan()
        warning = self.overdue()
        self.assertEqual((len(warning), warning.amount_overdue, warning.days_overdue, warning.user_id),
                         (1, 800.0, 5, self.salesman))
        self.assertEqual(self.activities(warning).user_id, self.salesman)
        self.assertFalse(self.debtor.jxc_on_hold, "5 days late is within the 10 credit days")

        late = self.invoice(200.0, due_days_ago=20)
        self.Warning.action_overdue_scan()
        self.assertEqual(self.overdue(), warning, "updated, not duplicated")
        self.assertEqual((warning.amount_overdue, warning.days_overdue), (1000.0, 20))
        self.assertEqual(len(self.activities(warning)), 1)
        self.assertTrue(self.debtor.jxc_on_hold and self.debtor.jxc_hold_overdue)
        self.assertTrue(self.contact.jxc_on_hold, "contacts share their company's hold")
        self.assertIn("overdue by 20 days", self.debtor.message_ids[0].body)
        order = self.env["jxc.sale.order"].create({
            "partner_id": self.debtor.id, "warehouse_id": self.wh_a.id,
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.unit.id, "product_qty": 1,
                                 "price_unit": 10.0})]})
        with self.assertRaises(UserError) as caught:
            order.button_confirm()
        self.assertIn("on hold", caught.exception.name)

        self.pay(late)
        self.assertEqual((warning.amount_overdue, warning.days_overdue), (800.0, 5), "refreshed at the payment")
        self.assertFalse(self.debtor.jxc_on_hold, "the hold lifts once nothing is late beyond the credit days")
        for invoice in self.env["account.invoice"].search([("partner_id", "=", self.contact.id), ("state", "=", "open")]):
            self.pay(invoice)
        self.assertEqual(warning.state, "closed")
        self.assertFalse(self.activities(warning))
        self.assertFalse(self.debtor.jxc_on_hold)

    def test_a_hold_set_by_hand_stays(self):
        invoice = self.invoice(500.0, due_days_ago=30)
        self.debtor.jxc_on_hold = True
        self.Warning.action_overdue_scan()
        self.assertFalse(self.debtor.jxc_hold_overdue, "already on hold by hand")
        self.pay(invoice)
        self.assertFalse(self.overdue())
        self.assertTrue(self.debtor.jxc_on_hold, "lifting a hand-set hold is the user's decision")

    def test_salesperson_from_the_invoice_when_the_customer_has_none(self):
        self.debtor.user_id = False
        invoice = self.invoice(300.0, due_days_ago=2)
        invoice.user_id = self.salesman  # readonly in the form once open, as after a hand-over
        self.Warning.action_overdue_scan()
        self.assertEqual(self.overdue().user_id, self.salesman)
        self.assertEqual(self.activities(self.overdue()).user_id, self.salesman)


class TestClassification(WarningCase):

    def sell(self, customer, amount, days):
        order = self.env["jxc.sale.order"].create({
            "partner_id": customer.id, "warehouse_id": self.wh_a.id, "date_order": days_ago(days, self.company),
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.unit.id, "product_qty": 1,
                                 "price_unit": amount})]})
        order.button_confirm()

    def test_rfm_grades_on_known_sales(self):
        # only this test's customers bought in the period
        self.env.cr.execute("UPDATE jxc_sale_order SET state = 'cancel' WHERE state IN ('confirmed', 'done')")
        self.picking("receipt", [(self.shirt, 10, 1.0)])
        Partner = self.env["res.partner"]
        best, middle, lapsing, gone = (Partner.create({"name": n, "customer": True, "is_company": True})
                                       for n in ("Best", "Middle", "Lapsing", "Gone"))
        contact = Partner.create({"name": "Buyer of Best", "parent_id": best.id})
        for amount, days in ((1000.0, 3), (1000.0, 20), (1000.0, 60)):
            self.sell(contact, amount, days)           # recent, 3 orders, 3,000
        for amount, days in ((250.0, 40), (250.0, 90)):
            self.sell(middle, amount, days)            # 40 days, 2 orders, 500
        self.sell(lapsing, 100.0, 200)                 # 200 days, 1 order, 100
        self.sell(gone, 5000.0, 400)                   # outside the year
        gone.jxc_customer_grade = "a"
        self.assertTrue(Partner.action_classify_partners())
        self.assertEqual([p.jxc_customer_grade for p in (best, contact, middle, lapsing, gone)],
                         ["a", "a", "b", "c", "c"])

    def test_supplier_performance_refreshed(self):
        supplier = self.env["res.partner"].create({"name": "新布料厂", "supplier": True, "is_company": True})
        for qty, ordered, expected, received, rejected in (
                (10, days_ago(40, self.company), days_ago(36, self.company), days_ago(37, self.company), 0),   # on time, 3 days
                (20, days_ago(20, self.company), days_ago(16, self.company), days_ago(13, self.company), 4)):  # late, 7 days, 4 of 20 rejected
            order = self.env["jxc.purchase.order"].create({
                "partner_id": supplier.id, "warehouse_id": self.wh_a.id, "date_order": ordered, "date_expected": expected,
                "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.unit.id, "product_qty": qty,
                                     "price_unit": 5.0})]})
            order.button_confirm()
            receipt = self.env["jxc.stock.picking"].browse(order.action_receive()["res_id"])
            receipt.line_ids.write({"quantity": qty - rejected, "rejected_qty": rejected})
            receipt.date = received
            receipt.button_done()
        self.env["res.partner"].action_classify_partners()
        self.assertEqual((supplier.jxc_supplier_ontime_rate, supplier.jxc_supplier_lead_days), (50.0, 5.0))
        self.assertAlmostEqual(supplier.jxc_supplier_quality_rate, 100.0 * 26 / 30, places=2, msg="26 of 30 accepted")


class TestScansOneAtATime(WarningCase):

    def test_each_scan_steps_aside_while_another_worker_runs_it(self):
        self.picking("receipt", [(self.shirt, 10, 5.0)], date="2026-01-05")
        gone = self.env["res.partner"].create({"name": "Graded", "customer": True, "jxc_customer_grade": "a"})
        scans = [(7303002, self.Warning.action_slow_moving_scan, [("kind", "=", "slow")]),
                 (7303003, self.Warning.action_overdue_scan, [("kind", "=", "overdue")]),
                 (7303004, self.env["res.partner"].action_grade_customers, None),
                 (7303005, self.env["res.partner"].action_rate_suppliers, None)]
        for key, scan, domain in scans:
            before = self.Warning.search_count([])
            with self.registry.cursor() as other:
                other.execute("SELECT pg_try_advisory_xact_lock(%s)", (key,))
                self.assertTrue(other.fetchone()[0])
                self.assertFalse(scan(), "a second run of the same scan steps aside")
                self.assertEqual(self.Warning.search_count([]), before)
                other.rollback()
            self.assertTrue(scan(), "free again once the other worker is done")
        self.assertTrue(self.Warning.search([("kind", "=", "slow"), ("product_id", "=", self.shirt.id)]))
        self.assertEqual(gone.jxc_customer_grade, "c")


class TestDemoWarnings(WarningCase):

    def test_demo_board_shows_warnings_with_the_purchasers_todos(self):
        purchaser = self.env.ref("jxc_addon.res_users_purchaser_demo")
        tshirt = self.env.ref("jxc_addon.product_tshirt_white_demo").product_variant_id
        warning = self.Warning.search([("kind", "=", "reorder"), ("state", "=", "open"), ("product_id", "=", tshirt.id)])
        self.assertEqual(len(warning), 1)
        self.assertEqual(self.activities(warning).user_id, purchaser)
        cap = self.env.ref("jxc_addon.product_cap_demo").product_variant_id
        self.assertTrue(self.Warning.search([("kind", "=", "overstock"), ("state", "=", "open"), ("product_id", "=", cap.id)]),
                        "144 caps received against a maximum of 96")


class TestWarningRoles(WarningCase):

    def test_purchaser_replenishes_and_salesman_closes_his_todo(self):
        rule = self.env["jxc.reorder.rule"].sudo(self.purchaser).create({
            "product_id": self.shirt.id, "warehouse_id": self.wh_a.id, "min_qty": 10, "max_qty": 24,
            "supplier_id": self.supplier.id})
        self.assertEqual(rule.user_id, self.purchaser, "the purchaser who makes a rule is in charge of it")
        rule.action_reorder_scan()
        warning = self.Warning.sudo(self.purchaser).search([("rule_id", "=", rule.id), ("state", "=", "open")])
        action = warning.action_replenish()
        request = self.env["jxc.purchase.request"].search(action["domain"])
        self.assertEqual((request.line_ids.product_qty, request.line_ids.supplier_id), (24, self.supplier))

        self.env.user.groups_id |= self.env.ref("account.group_account_invoice")
        customer = self.env["res.partner"].create({"name": "Late Payer", "customer": True, "user_id": self.salesman.id})
        invoice = self.env["account.invoice"].create({
            "type": "out_invoice", "partner_id": customer.id, "date_invoice": days_ago(40, self.company),
            "date_due": days_ago(10, self.company),
            "invoice_line_ids": [(0, 0, {"name": "货款", "quantity": 1, "price_unit": 50.0,
                                         "account_id": self.company._jxc_find_account("5001").id})]})
        invoice.action_invoice_open()
        self.Warning.action_overdue_scan()
        overdue = self.Warning.sudo(self.salesman).search([("partner_id", "=", customer.id), ("kind", "=", "overdue")])
        self.assertEqual(overdue.amount_overdue, 50.0)
        activity = self.env["mail.activity"].sudo(self.salesman).search([("user_id", "=", self.salesman.id)])
        self.assertEqual(activity.res_id, overdue.id)
        activity.action_feedback(feedback="客户承诺周五付款")
        self.assertFalse(self.activities(overdue))
        self.assertIn("周五付款", overdue.message_ids[0].body, "the follow-up is kept in the warning's chatter")

    def test_accountant_runs_all_scans_including_holds(self):
        self.env.user.groups_id |= self.env.ref("account.group_account_invoice")
        customer = self.env["res.partner"].create({"name": "Very Late", "customer": True, "jxc_credit_days": 5})
        invoice = self.env["account.invoice"].create({
            "type": "out_invoice", "partner_id": customer.id, "date_invoice": days_ago(60, self.company),
            "date_due": days_ago(30, self.company),
            "invoice_line_ids": [(0, 0, {"name": "货款", "quantity": 1, "price_unit": 80.0,
                                         "account_id": self.company._jxc_find_account("5001").id})]})
        invoice.action_invoice_open()
        accountant = self.make_user("t_warn_accountant", "group_jxc_accountant")
        action = self.Warning.sudo(accountant).action_run_scans()
        self.assertEqual(action["res_model"], "jxc.reorder.warning")
        self.assertTrue(customer.jxc_on_hold, "30 days late with 5 credit days")

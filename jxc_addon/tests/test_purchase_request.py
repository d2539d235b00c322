from odoo.exceptions import AccessError, UserError

from .common import StockCase


class TestPurchaseRequest(StockCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.viewer = cls.make_user("t_req_viewer", "group_jxc_user")
        cls.salesman = cls.make_user("t_req_salesman", "group_jxc_salesman")
        cls.purchaser = cls.make_user("t_req_purchaser", "group_jxc_purchaser")
        cls.manager = cls.make_user("t_req_manager", "group_jxc_manager")
        cls.company.jxc_request_approval_amount = 1000.0
        cls.other_supplier = cls.env.ref("jxc_addon.res_partner_supplier_denim_demo")

    def request(self, user, lines):
        self.shirt.standard_price = 5.0  # the estimate when nobody gives a price
        request = self.env["jxc.purchase.request"].sudo(user).create({
            "line_ids": [(0, 0, dict({"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": q,
                                      "supplier_id": s.id, "reason": "补货"},
                                     **({"price_estimated": price} if user.has_group("jxc_addon.group_jxc_price") else {})))
                         for p, q, price, s in lines]})
        request.button_to_approve()
        return request

    def test_request_approval_rules(self):
        small = self.request(self.salesman, [(self.shirt, 10, 5.0, self.supplier)])
        self.assertTrue(small.name.startswith("SQ"))
        self.assertEqual(small.sudo().amount_estimated, 50.0, "estimated from the product cost")
        with self.assertRaises(UserError):
            small.sudo(self.salesman).button_approved()
        small.sudo(self.purchaser).button_approved()
        self.assertEqual((small.state, small.approved_by), ("approved", self.purchaser))

        large = self.request(self.purchaser, [(self.shirt, 300, 5.0, self.supplier)])
        with self.assertRaises(UserError) as caught:
            large.sudo(self.purchaser).button_approved()
        self.assertIn("estimated at ¥ 1,500.00: a purchaser approves requests below ¥ 1,000.00",
                      caught.exception.name)
        self.assertEqual(large.state, "to_approve")
        large.sudo(self.manager).button_rejected()
        self.assertEqual(large.state, "rejected")

    def test_viewer_cannot_request(self):
        with self.assertRaises(AccessError):
            self.env["jxc.purchase.request"].sudo(self.viewer).create({})

    def test_bad_requests_are_refused(self):
        empty = self.env["jxc.purchase.request"].create({})
        with self.assertRaises(UserError):
            empty.button_to_approve()
        zero = self.env["jxc.purchase.request"].create({"line_ids": [(0, 0, {
            "product_id": self.shirt.id, "uom_id": self.unit.id, "product_qty": 0})]})
        with self.assertRaises(UserError):
            zero.button_to_approve()
        self.assertEqual(zero.state, "draft")

    def test_approved_lines_become_orders_per_supplier(self):
        first = self.request(self.purchaser, [(self.shirt, 10, 5.0, self.supplier),
                                              (self.jeans, 4, 12.0, self.other_supplier)])
        second = self.request(self.purchaser, [(self.shirt, 5, 5.0, self.supplier)])
        (first | second).sudo(self.manager).button_approved()
        wizard = self.env["jxc.purchase.request.make.order"].sudo(self.purchaser).with_context(
            active_ids=(first | second).ids).create({"warehouse_id": self.wh_a.id})
        action = wizard.action_create_orders()
        orders = self.env["jxc.purchase.order"].search(action["domain"])
        self.assertEqual(len(orders), 2)
        by_supplier = {o.partner_id: o for o in orders}
        textile = by_supplier[self.supplier]
        self.assertEqual(sorted(textile.line_ids.mapped("product_qty")), [5, 10])
        self.assertEqual(textile.line_ids.mapped("request_line_id"),
                         (first | second).mapped("line_ids").filtered(lambda l: l.product_id == self.shirt))
        self.assertEqual(by_supplier[self.other_supplier].line_ids.product_id, self.jeans)
        self.assertEqual(textile.state, "draft")
        self.assertEqual((first.state, second.state), ("done", "done"))
        with self.assertRaises(UserError):
            self.env["jxc.purchase.request.make.order"].with_context(active_ids=first.ids).create(
                {"warehouse_id": self.wh_a.id}).action_create_orders()

    def test_only_approved_requests_become_orders(self):
        request = self.request(self.purchaser, [(self.shirt, 1, 5.0, self.supplier)])
        wizard = self.env["jxc.purchase.request.make.order"].with_context(active_ids=request.ids).create(
            {"warehouse_id": self.wh_a.id})
        with self.assertRaises(UserError):
            wizard.action_create_orders()

    def test_request_to_payment(self):
        """The whole purchasing day: request, approval, order, partial receipt with rejection,
        bill, payment; the ledger, the books and GRNI agree at each step."""
        request = self.request(self.purchaser, [(self.shirt, 12, 5.0, self.supplier)])
        request.sudo(self.manager).button_approved()
        action = self.env["jxc.purchase.request.make.order"].with_context(active_ids=request.ids).create(
            {"warehouse_id": self.wh_a.id}).action_create_orders()
        order = self.env["jxc.purchase.order"].search(action["domain"])
        order.button_confirm()
        receipt = self.env["jxc.stock.picking"].browse(order.action_receive()["res_id"])
        receipt.line_ids.write({"quantity": 8, "rejected_qty": 1})
        receipt.button_done()
        self.assertEqual([(r.quantity, r.unit_cost, r.value) for r in receipt.ledger_ids], [(8, 5.0, 40.0)])
        self.assertEqual(self.move_lines(receipt.move_id), {
            ("1405", self.shirt, self.supplier): 40.0, ("220201", self.shirt, self.supplier): -40.0})
        self.assertEqual((order.receipt_status, order.line_ids.qty_rejected), ("partial", 1))
        self.env.user.groups_id |= self.env.ref("account.group_account_invoice")
        invoice = self.env["account.invoice"].browse(order.action_create_bill()["res_id"])
        invoice.action_invoice_open()
        self.assertEqual(invoice.amount_untaxed, 40.0, "8 accepted shirts; the input VAT goes to its own account")
        self.pay(invoice, invoice.amount_total)
        self.assertEqual(invoice.state, "paid")
        grni = self.company.jxc_grni_account_id
        grni_lines = (receipt.move_id | invoice.move_id).mapped("line_ids").filtered(lambda l: l.account_id == grni)
        self.assertEqual(round(sum(grni_lines.mapped("balance")), 2), 0.0)
        self.assertTrue(all(grni_lines.mapped("reconciled")))

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError

from .common import StockCase


class SaleCase(StockCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("account.group_account_invoice")
        cls.customer.write({"credit_limit": 0.0, "jxc_on_hold": False, "jxc_credit_days": 30})
        cls.salesman_a = cls.make_user("t_sale_a", "group_jxc_salesman")
        cls.salesman_b = cls.make_user("t_sale_b", "group_jxc_salesman")
        cls.manager = cls.make_user("t_sale_boss", "group_jxc_manager")
        cls.keeper = cls.make_user("t_sale_keeper", "group_jxc_keeper")

    def order(self, lines, user=None, confirm=True):
        order = self.env["jxc.sale.order"].sudo(user or self.env.user).create({
            "partner_id": self.customer.id, "warehouse_id": self.wh_a.id,
            "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": q, "price_unit": price,
                                 "discount": disc}) for p, q, price, disc in lines]})
        if confirm:
            order.button_confirm()
        return order

    def deliver(self, order, quantities=None):
        picking = self.env["jxc.stock.picking"].browse(order.action_deliver()["res_id"])
        for line in picking.line_ids:
            if quantities and line.product_id in quantities:
                line.quantity = quantities[line.product_id]
        picking.sudo(self.keeper).button_done()
        return picking


class TestSaleFlow(SaleCase):

    def test_quotation_to_payment(self):
        self.picking("receipt", [(self.shirt, 10, 5.0), (self.jeans, 5, 20.0)])
        order = self.order([(self.shirt, 6, 10.0, 0.0), (self.jeans, 2, 50.0, 10.0)])
        self.assertTrue(order.name.startswith("XS"))
        self.assertEqual(order.amount_untaxed, 60.0 + 90.0)
        quant = self.quant(self.shirt)
        self.assertEqual((quant.quantity, quant.reserved_quantity, quant.available_quantity), (10, 6, 4))
        first = self.deliver(order, {self.shirt: 4})
        self.assertEqual((first.picking_type, first.sale_id, first.origin), ("delivery", order, order.name))
        self.assertEqual([(r.product_id, r.quantity, r.value) for r in first.ledger_ids.sorted("id")],
                         [(self.shirt, -4, -20.0), (self.jeans, -2, -40.0)])
        self.assertEqual(self.move_lines(first.move_id), {
            ("5401", self.shirt, self.customer): 20.0, ("1405", self.shirt, self.customer): -20.0,
            ("5401", self.jeans, self.customer): 40.0, ("1405", self.jeans, self.customer): -40.0})
        quant = self.quant(self.shirt)
        self.assertEqual((quant.quantity, quant.reserved_quantity, quant.available_quantity), (6, 2, 4))
        self.assertEqual(order.delivery_status, "partial")
        self.assertEqual(order.line_ids.mapped("qty_delivered"), [4, 2])
        invoice = self.env["account.invoice"].browse(order.action_create_invoice()["res_id"])
        self.assertEqual([(l.product_id, l.quantity) for l in invoice.invoice_line_ids], [(self.shirt, 4), (self.jeans, 2)])
        invoice.action_invoice_open()
        self.assertEqual(invoice.amount_untaxed, 40.0 + 90.0)
        self.assertEqual(invoice.move_id.line_ids.filtered(lambda l: l.account_id.code == "1122").debit,
                         invoice.amount_total)
        self.pay(invoice, invoice.amount_total)
        self.assertEqual(invoice.state, "paid")
        self.assertEqual(order.line_ids.mapped("qty_invoiced"), [4, 2])
        self.deliver(order)
        self.assertEqual(order.delivery_status, "full")
        self.assertEqual(self.quant(self.shirt).reserved_quantity, 0)
        self.assertEqual(order.sudo(self.manager).margin, 150.0 - 30.0 - 40.0)

    def test_short_stock_refused_unless_backorder(self):
        self.picking("receipt", [(self.shirt, 3, 5.0)])
        order = self.order([(self.shirt, 5, 10.0, 0.0)], confirm=False)
        with self.assertRaises(UserError) as caught:
            order.button_confirm()
        self.assertIn("3 Unit(s) available, 5 Unit(s) needed", caught.exception.name)
        self.assertEqual((order.state, self.quant(self.shirt).reserved_quantity), ("quotation", 0))
        order.button_confirm_backorder()
        self.assertEqual((order.state, order.line_ids.qty_reserved), ("confirmed", 3))
        order.button_cancel()
        self.assertEqual(self.quant(self.shirt).reserved_quantity, 0, "cancelling releases the reservation")

    def test_reserved_stock_cannot_be_sold_twice(self):
        self.picking("receipt", [(self.shirt, 5, 5.0)])
        self.order([(self.shirt, 4, 10.0, 0.0)])
        with self.assertRaises(UserError):
            self.order([(self.shirt, 2, 10.0, 0.0)])
        with self.assertRaises(UserError):
            self.picking("delivery", [(self.shirt, 2)])

    def test_credit_control_at_confirmation_and_delivery(self):
        self.picking("receipt", [(self.shirt, 50, 5.0)])
        self.customer.credit_limit = 100.0
        order = self.order([(self.shirt, 20, 10.0, 0.0)], confirm=False)
        with self.assertRaises(UserError) as caught:
            order.button_confirm()
        self.assertIn("credit limit", caught.exception.name)
        with self.assertRaises(AccessError):
            order.sudo(self.salesman_a).action_credit_override("VIP")
        order.sudo(self.manager).action_credit_override("老客户，月底回款")
        order.button_confirm()
        self.assertIn("月底回款", order.message_ids[0].body)
        # On hold after confirmation: the delivery is blocked too.
        second = self.order([(self.shirt, 1, 10.0, 0.0)], confirm=False)
        self.customer.credit_limit = 0.0
        second.button_confirm()
        self.customer.jxc_on_hold = True
        picking = self.env["jxc.stock.picking"].browse(second.action_deliver()["res_id"])
        with self.assertRaises(UserError) as caught:
            picking.button_done()
        self.assertIn("on hold", caught.exception.name)
        self.assertEqual(picking.state, "draft")

    def test_customer_return_at_delivered_cost(self):
        self.picking("receipt", [(self.shirt, 10, 6.0)])
        order = self.order([(self.shirt, 3, 10.0, 0.0)])
        delivery = self.deliver(order)
        self.picking("receipt", [(self.shirt, 10, 9.0)])
        ret = self.env["jxc.stock.picking"].browse(delivery.action_create_return()["res_id"])
        self.assertEqual((ret.picking_type, ret.sale_id, ret.line_ids.quantity), ("customer_return", order, 3))
        ret.line_ids.quantity = 1
        ret.button_done()
        self.assertEqual(ret.ledger_ids.value, 6.0)
        self.assertEqual((order.line_ids.qty_delivered, order.line_ids.qty_returned), (2, 1))

    def test_salesman_sees_own_orders_only(self):
        a_order = self.order([(self.shirt, 1, 10.0, 0.0)], user=self.salesman_a, confirm=False)
        b_order = self.order([(self.shirt, 1, 10.0, 0.0)], user=self.salesman_b, confirm=False)
        self.assertEqual(self.env["jxc.sale.order"].sudo(self.salesman_a).search([("id", "in", (a_order | b_order).ids)]),
                         a_order.sudo(self.salesman_a))
        with self.assertRaises(AccessError):
            b_order.sudo(self.salesman_a).read(["name"])
        self.assertEqual(len(self.env["jxc.sale.order"].sudo(self.manager).search([("id", "in", (a_order | b_order).ids)])), 2)
        with self.assertRaises(AccessError):
            a_order.sudo(self.salesman_a).read(["margin"])

    def test_bad_input(self):
        order = self.order([(self.shirt, 0, 10.0, 0.0)], confirm=False)
        with self.assertRaises(UserError):
            order.button_confirm()
        order.line_ids.write({"product_qty": 1, "discount": 120})
        with self.assertRaises(UserError):
            order.button_confirm()
        self.assertEqual(order.state, "quotation")


class TestSaleInBoxes(SaleCase):
    """Orders in a bigger unit than the product's: reservations and deliveries are kept exactly,
    never rounded up to whole boxes."""

    def test_backorder_in_boxes_reserves_and_delivers_what_there_is(self):
        self.picking("receipt", [(self.shirt, 8, 5.0)])
        order = self.env["jxc.sale.order"].create({
            "partner_id": self.customer.id, "warehouse_id": self.wh_a.id,
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.box.id, "product_qty": 1,
                                 "price_unit": 120.0})]})
        order.button_confirm_backorder()
        line = order.line_ids
        self.assertAlmostEqual(line.qty_reserved * 12, 8, places=6, msg="8 of the box's 12 pieces, not a box")
        quant = self.quant(self.shirt)
        self.assertEqual((quant.quantity, quant.reserved_quantity), (8, 8))
        self.assertEqual(self.env["jxc.stock.check"].new({"company_id": self.company.id})._find_issues(), [])
        delivery = self.deliver(order, {self.shirt: 0.5})  # half a box: 6 pieces
        self.assertEqual([(r.quantity, r.value) for r in delivery.ledger_ids], [(-6, -30.0)])
        self.assertAlmostEqual(line.qty_delivered, 0.5, places=6, msg="half a box, not a whole one")
        self.assertAlmostEqual(line.qty_reserved * 12, 2, places=6)
        quant = self.quant(self.shirt)
        self.assertEqual((quant.quantity, quant.reserved_quantity), (2, 2))


class TestSaleInvoicing(SaleCase):

    def test_paid_status_and_credit_note_for_returns(self):
        self.picking("receipt", [(self.shirt, 10, 6.0)])
        order = self.order([(self.shirt, 3, 10.0, 0.0)])
        delivery = self.deliver(order)
        invoice = self.env["account.invoice"].browse(order.action_create_invoice()["res_id"])
        invoice.action_invoice_open()
        self.assertEqual((order.invoice_status, order.payment_status), ("full", "none"))
        ret = self.env["jxc.stock.picking"].browse(delivery.action_create_return()["res_id"])
        ret.line_ids.quantity = 1
        ret.button_done()
        refund = self.env["account.invoice"].browse(order.action_create_refund()["res_id"])
        self.assertEqual((refund.type, refund.invoice_line_ids.quantity), ("out_refund", 1))
        refund.action_invoice_open()
        self.assertEqual(order.line_ids.qty_invoiced, 2)
        with self.assertRaises(UserError):
            order.action_create_refund()

    def test_invoice_ordered_quantities_by_setting(self):
        self.picking("receipt", [(self.shirt, 10, 6.0)])
        self.company.jxc_invoice_policy = "ordered"
        order = self.order([(self.shirt, 5, 10.0, 0.0)])
        invoice = self.env["account.invoice"].browse(order.action_create_invoice()["res_id"])
        self.assertEqual(invoice.invoice_line_ids.quantity, 5, "billed before any delivery")

    def test_delivery_logistics(self):
        self.picking("receipt", [(self.shirt, 10, 6.0)])
        order = self.order([(self.shirt, 1, 10.0, 0.0)])
        delivery = self.deliver(order)
        delivery.write({"carrier": "顺丰速运", "tracking_ref": "SF1234567890", "shipped_date": "2026-11-20",
                        "expected_arrival": "2026-11-22", "shipping_status": "shipped"})
        found = self.env["jxc.stock.picking"].search([("tracking_ref", "=", "SF1234567890"),
                                                      ("shipping_status", "=", "shipped")])
        self.assertEqual(found, delivery)


class TestCustomerHistory(SaleCase):

    def test_partner_figures(self):
        self.picking("receipt", [(self.shirt, 10, 6.0)])
        before = (self.customer.jxc_sale_count, self.customer.jxc_sale_amount)
        today = fields.Date.from_string(fields.Date.context_today(self.customer))
        # The order date is the quotation's: a confirmed order keeps it (jxc.guarded.mixin).
        first = self.order([(self.shirt, 1, 10.0, 0.0)], confirm=False)
        first.date_order = fields.Date.to_string(today - timedelta(days=58))
        first.button_confirm()
        second = self.order([(self.shirt, 2, 10.0, 0.0)], confirm=False)
        second.date_order = fields.Date.to_string(today - timedelta(days=27))
        second.button_confirm()
        self.order([(self.shirt, 1, 99.0, 0.0)], confirm=False)  # quotations do not count
        self.deliver(second)
        self.customer.invalidate_cache()
        self.assertEqual(self.customer.jxc_sale_count, before[0] + 2)
        self.assertAlmostEqual(self.customer.jxc_sale_amount, before[1] + first.amount_total + second.amount_total)
        self.assertEqual(self.customer.jxc_last_sale_date, second.date_order)
        self.assertGreaterEqual(self.customer.jxc_delivery_count, 1)
        action = self.customer.action_view_jxc_sales()
        self.assertIn(second, self.env["jxc.sale.order"].search(action["domain"]))


class TestQuotationReport(SaleCase):

    def test_printable_quotation(self):
        order = self.order([(self.shirt, 2, 10.0, 0.0)], confirm=False)
        html = self.env.ref("jxc_addon.jxc_sale_order_report").render_qweb_html(order.ids)[0].decode()
        self.assertIn(order.name, html)
        self.assertIn("Test Shirt", html)
        self.assertIn("报价单", html)  # in the customer's language


class TestOverdueBlock(SaleCase):

    def test_invoice_overdue_beyond_credit_days_blocks_confirmation(self):
        self.picking("receipt", [(self.shirt, 10, 6.0)])
        self.customer.jxc_credit_days = 10
        account = self.shirt.categ_id.property_account_income_categ_id or self.company._jxc_find_account("5001")
        old = self.env["account.invoice"].create({
            "type": "out_invoice", "partner_id": self.customer.id, "date_invoice": "2026-01-01",
            "date_due": "2026-01-01",
            "invoice_line_ids": [(0, 0, {"name": "旧账", "quantity": 1, "price_unit": 100.0, "account_id": account.id})]})
        old.action_invoice_open()
        order = self.order([(self.shirt, 1, 10.0, 0.0)], confirm=False)
        with self.assertRaises(UserError) as caught:
            order.button_confirm()
        self.assertIn("overdue", caught.exception.name)
        self.assertEqual((order.state, self.quant(self.shirt).reserved_quantity), ("quotation", 0))

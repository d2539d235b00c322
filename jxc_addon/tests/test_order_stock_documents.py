"""Stock documents of sales and purchase orders as their users expect them: prepared at
confirmation for the keeper, made by the person who pressed the button, cancelled with the
order by its owner, showing what the warehouse has and no value before anything is posted."""
from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tools.safe_eval import safe_eval

from .test_purchase import PurchaseCase
from .test_sale import SaleCase


def todo(case, xmlid, user):
    """The documents a user finds under a 'to do' menu entry."""
    action = case.env.ref(xmlid)
    return case.env["jxc.stock.picking"].sudo(user).search(safe_eval(action.domain))


class TestSaleDeliveries(SaleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.jxc_stock_docs_at_confirm = True

    def test_confirmation_prepares_the_delivery_for_the_keeper(self):
        self.picking("receipt", [(self.shirt, 10, 5.0), (self.jeans, 5, 20.0)])
        order = self.order([(self.shirt, 6, 10.0, 0.0), (self.jeans, 2, 50.0, 0.0)], user=self.salesman_a,
                           confirm=False)
        order.sudo(self.salesman_a).button_confirm()
        delivery = order.picking_ids
        self.assertEqual(len(delivery), 1)
        self.assertEqual((delivery.picking_type, delivery.state, delivery.warehouse_id, delivery.partner_id,
                          delivery.origin), ("delivery", "draft", self.wh_a, self.customer, order.name))
        self.assertEqual([(l.product_id, l.quantity) for l in delivery.line_ids], [(self.shirt, 6), (self.jeans, 2)])
        self.assertEqual(delivery.user_id, self.salesman_a, "the salesman who confirmed, not the administrator")
        self.assertIn(delivery, todo(self, "jxc_addon.jxc_stock_picking_action_delivery_todo", self.keeper))
        # Deliver opens the prepared delivery: no second one.
        self.assertEqual(order.sudo(self.salesman_a).action_deliver()["res_id"], delivery.id)
        self.assertEqual(len(order.picking_ids), 1)
        delivery.line_ids[0].sudo(self.keeper).quantity = 4
        delivery.sudo(self.keeper).button_done()
        self.assertNotIn(delivery, todo(self, "jxc_addon.jxc_stock_picking_action_delivery_todo", self.keeper))
        # What remains goes on a new delivery, made when none is open.
        rest = self.env["jxc.stock.picking"].browse(order.sudo(self.salesman_a).action_deliver()["res_id"])
        self.assertNotEqual(rest, delivery)
        self.assertEqual([(l.product_id, l.quantity) for l in rest.line_ids], [(self.shirt, 2)])
        self.assertEqual(rest.user_id, self.salesman_a)
        rest.sudo(self.keeper).button_done()
        self.assertEqual(order.delivery_status, "full")
        self.assertEqual(self.quant(self.shirt).reserved_quantity, 0)
        with self.assertRaises(UserError):
            order.sudo(self.salesman_a).action_deliver()

    def test_without_the_setting_deliver_makes_it_for_the_salesman(self):
        self.company.jxc_stock_docs_at_confirm = False
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        order = self.order([(self.shirt, 3, 10.0, 0.0)], user=self.salesman_a, confirm=False)
        order.sudo(self.salesman_a).button_confirm()
        self.assertFalse(order.picking_ids)
        delivery = self.env["jxc.stock.picking"].browse(order.sudo(self.salesman_a).action_deliver()["res_id"])
        self.assertEqual((delivery.user_id, delivery.line_ids.quantity), (self.salesman_a, 3))
        with self.assertRaises(AccessError):
            order.sudo(self.salesman_b).action_deliver()

    def test_order_of_services_prepares_no_delivery(self):
        service = self.env["product.product"].create({"name": "Test Installation", "type": "service"})
        order = self.order([(service, 1, 100.0, 0.0)])
        self.assertEqual(order.state, "confirmed")
        self.assertFalse(order.picking_ids)

    def test_salesman_cancels_his_quotation_and_his_order(self):
        quotation = self.order([(self.shirt, 1, 10.0, 0.0)], user=self.salesman_a, confirm=False)
        quotation.sudo(self.salesman_a).button_cancel()
        self.assertEqual(quotation.state, "cancel")
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        order = self.order([(self.shirt, 4, 10.0, 0.0)], user=self.salesman_a, confirm=False)
        order.sudo(self.salesman_a).button_confirm()
        delivery = order.picking_ids
        self.assertEqual(self.quant(self.shirt).reserved_quantity, 4)
        order.sudo(self.salesman_a).button_cancel()
        self.assertEqual((order.state, delivery.state), ("cancel", "cancel"))
        self.assertEqual(self.quant(self.shirt).reserved_quantity, 0, "the reservation is released")

    def test_cancel_still_refuses_what_it_must(self):
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        order = self.order([(self.shirt, 4, 10.0, 0.0)], user=self.salesman_a, confirm=False)
        order.sudo(self.salesman_a).button_confirm()
        with self.assertRaises(AccessError):
            order.sudo(self.salesman_b).button_cancel()
        with self.assertRaises(AccessError):
            order.sudo(self.keeper).button_cancel()
        self.assertEqual((order.state, order.picking_ids.state), ("confirmed", "draft"))
        self.assertEqual(self.quant(self.shirt).reserved_quantity, 4, "a refused cancel releases nothing")
        self.deliver(order, {self.shirt: 1})
        with self.assertRaises(UserError):
            order.sudo(self.salesman_a).button_cancel()
        self.assertEqual(order.state, "confirmed")
        order.button_done()
        with self.assertRaises(UserError):
            order.button_cancel()

    def test_to_do_menus_for_those_who_handle_stock(self):
        Menu = self.env["ir.ui.menu"]
        for xmlid in ("jxc_addon.jxc_stock_picking_menu_delivery_todo", "jxc_addon.jxc_stock_picking_menu_receipt_todo"):
            menu = self.env.ref(xmlid)
            self.assertEqual(Menu.sudo(self.keeper).search([("id", "=", menu.id)]), menu)
            self.assertEqual(Menu.sudo(self.manager).search([("id", "=", menu.id)]), menu)
            self.assertFalse(Menu.sudo(self.salesman_a).search([("id", "=", menu.id)]))

    def test_setting_on_the_settings_page(self):
        self.assertTrue(self.env["res.company"].create({"name": "Test New Co"}).jxc_stock_docs_at_confirm,
                        "on by default")
        Settings = self.env["res.config.settings"]
        self.assertIn('name="jxc_stock_docs_at_confirm"', Settings.fields_view_get(view_type="form")["arch"])
        Settings.create({"jxc_stock_docs_at_confirm": False}).set_values()
        self.assertFalse(self.company.jxc_stock_docs_at_confirm)


class TestPurchaseReceipts(PurchaseCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.jxc_stock_docs_at_confirm = True
        cls.purchaser = cls.make_user("t_doc_purchaser", "group_jxc_purchaser")
        cls.purchaser_b = cls.make_user("t_doc_purchaser_b", "group_jxc_purchaser")
        cls.keeper = cls.make_user("t_doc_keeper", "group_jxc_keeper")

    def purchase(self, lines, user=None):
        return self.env["jxc.purchase.order"].sudo(user or self.purchaser).create({
            "partner_id": self.supplier.id, "warehouse_id": self.wh_a.id,
            "line_ids": [(0, 0, {"product_id": p.id, "uom_id": p.uom_id.id, "product_qty": q, "price_unit": price})
                         for p, q, price in lines]})

    def test_purchaser_cancels_his_draft_order(self):
        order = self.purchase([(self.shirt, 5, 5.0)])
        order.button_cancel()
        self.assertEqual(order.state, "cancel")

    def test_confirmation_prepares_the_receipt_for_the_keeper(self):
        order = self.purchase([(self.shirt, 10, 5.0), (self.jeans, 4, 12.5)])
        order.button_confirm()
        receipt = order.picking_ids
        self.assertEqual((len(receipt), receipt.picking_type, receipt.state), (1, "receipt", "draft"))
        self.assertEqual(receipt.user_id, self.purchaser, "the purchaser who confirmed, not the administrator")
        self.assertEqual([(l.product_id, l.quantity, l.unit_cost) for l in receipt.line_ids],
                         [(self.shirt, 10, 5.0), (self.jeans, 4, 12.5)])
        self.assertIn(receipt, todo(self, "jxc_addon.jxc_stock_picking_action_receipt_todo", self.keeper))
        self.assertEqual(order.action_receive()["res_id"], receipt.id, "Receive opens the prepared receipt")
        receipt.line_ids[0].sudo(self.keeper).write({"quantity": 6, "rejected_qty": 1})
        receipt.sudo(self.keeper).button_done()
        rest = self.env["jxc.stock.picking"].browse(order.sudo(self.purchaser_b).action_receive()["res_id"])
        self.assertEqual([(l.product_id, l.quantity) for l in rest.line_ids], [(self.shirt, 3)])
        self.assertEqual(rest.user_id, self.purchaser_b, "who pressed Receive")
        with self.assertRaises(UserError):
            order.button_cancel()
        self.assertEqual((order.state, rest.state), ("confirmed", "draft"))

    def test_cancelling_the_order_cancels_its_draft_receipt(self):
        order = self.purchase([(self.shirt, 2, 5.0)])
        order.button_confirm()
        receipt = order.picking_ids
        with self.assertRaises(AccessError):
            order.sudo(self.keeper).button_cancel()
        order.button_cancel()
        self.assertEqual((order.state, receipt.state), ("cancel", "cancel"))

    def test_without_the_setting_receive_makes_it_for_the_purchaser(self):
        self.company.jxc_stock_docs_at_confirm = False
        order = self.purchase([(self.shirt, 2, 5.0)])
        order.button_confirm()
        self.assertFalse(order.picking_ids)
        receipt = self.env["jxc.stock.picking"].browse(order.action_receive()["res_id"])
        self.assertEqual((receipt.user_id, receipt.line_ids.quantity), (self.purchaser, 2))

    def test_draft_receipt_shows_its_estimate_not_a_posted_value(self):
        order = self.purchase([(self.shirt, 10, 5.0), (self.jeans, 4, 12.5)])
        order.button_confirm()
        receipt = order.picking_ids.sudo(self.keeper)
        self.assertEqual((receipt.amount_total, receipt.amount_estimated), (0.0, 100.0),
                         "nothing posted yet; the order price x quantity is what validating will post")
        receipt.button_done()
        self.assertEqual((receipt.amount_total, receipt.amount_estimated), (100.0, 0.0))
        self.assertEqual(sum(receipt.ledger_ids.mapped("value")), 100.0)


class TestStockOnLines(SaleCase):

    def test_quotation_lines_show_what_the_warehouse_has(self):
        self.picking("receipt", [(self.shirt, 30, 5.0), (self.jeans, 2, 20.0)])
        self.picking("receipt", [(self.shirt, 7, 5.0)], warehouse=self.wh_b)
        self.order([(self.shirt, 6, 10.0, 0.0)])  # reserves 6 in warehouse A
        quotation = self.order([(self.shirt, 1, 10.0, 0.0), (self.jeans, 1, 50.0, 0.0)],
                               user=self.salesman_a, confirm=False)
        quotation.line_ids.create({"order_id": quotation.id, "product_id": self.shirt.id, "uom_id": self.box.id,
                                   "product_qty": 1, "price_unit": 120.0})
        lines = quotation.sudo(self.salesman_a).line_ids
        self.assertEqual(lines.mapped("qty_available"), [24, 2, 2], "30 - 6 reserved; in boxes of 12: 2")

    def test_available_quantities_cost_one_query_for_all_lines(self):
        Product = self.env["product.product"]
        products = Product.browse([Product.create({"name": "Test Item %s" % i, "type": "consu"}).id for i in range(6)])
        self.picking("receipt", [(p, 5, 1.0) for p in products])
        small = self.order([(p, 1, 2.0, 0.0) for p in products[:1]], confirm=False)
        large = self.order([(p, 1, 2.0, 0.0) for p in products], confirm=False)
        counts = []
        for order in (small, large):
            lines = order.line_ids
            lines.mapped("product_id.uom_id.category_id")
            lines.mapped("uom_id.category_id")
            lines.mapped("order_id.warehouse_id")
            before = self.env.cr.sql_log_count
            lines._compute_qty_available()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(lines.mapped("qty_available"), [5.0] * len(lines))
        self.assertEqual(counts[0], counts[1], "no query per line")
        self.assertLessEqual(counts[1], 1)

    def test_draft_delivery_lines_show_what_they_may_take(self):
        self.picking("receipt", [(self.shirt, 10, 5.0)])
        first = self.order([(self.shirt, 4, 10.0, 0.0)])
        self.order([(self.shirt, 3, 10.0, 0.0)])
        delivery = first.picking_ids.sudo(self.keeper)
        self.assertEqual(delivery.line_ids.qty_available, 7, "10 on hand - 3 reserved by the other order")
        self.assertEqual(delivery.amount_estimated, 0.0, "a delivery's value is only known when posted")

    def test_draft_documents_hide_the_value_columns(self):
        arch = self.env["jxc.stock.picking"].sudo(self.keeper).fields_view_get(view_type="form")
        lines = etree.fromstring(arch["fields"]["line_ids"]["views"]["tree"]["arch"])
        for name in ("value", "posted_unit_cost"):
            modifiers = lines.xpath("//field[@name='%s']" % name)[0].get("modifiers")
            self.assertIn('"column_invisible": [["parent.state", "=", "draft"]]', modifiers)
        tree = etree.fromstring(self.env["jxc.stock.picking"].sudo(self.keeper).fields_view_get(
            view_type="tree")["arch"])
        self.assertIn('"invisible": [["state", "=", "draft"]]',
                      tree.xpath("//field[@name='amount_total']")[0].get("modifiers"))

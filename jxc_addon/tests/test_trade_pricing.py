"""价格等级, 上次售价, 最低售价 and 最后进价: price levels by customer grade with quantity breaks, the
customer's last price and the product's minimum on each sales line (below it only a Manager's
approval lets the order through), the supplier's last price on purchase lines for those who see prices."""
from odoo.exceptions import AccessError, UserError

from .test_sale import SaleCase


class TestPriceLevels(SaleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shirt.list_price = 39.0
        Pricelist = cls.env["product.pricelist"]
        cls.wholesale = Pricelist.create({
            "name": "Test 批发价", "sequence": 1, "jxc_customer_grade": "b",
            "currency_id": cls.company.currency_id.id,
            "item_ids": [(0, 0, {"applied_on": "3_global", "compute_price": "formula", "base": "list_price",
                                 "price_discount": 20, "min_quantity": 0}),
                         (0, 0, {"applied_on": "3_global", "compute_price": "formula", "base": "list_price",
                                 "price_discount": 25, "min_quantity": 60})]})
        cls.special = Pricelist.create({"name": "Test 特价", "currency_id": cls.company.currency_id.id,
                                        "item_ids": [(0, 0, {"applied_on": "3_global", "compute_price": "fixed",
                                                             "fixed_price": 30.0})]})
        cls.graded = cls.env["res.partner"].create({"name": "Test 批发客户", "customer": True, "is_company": True,
                                                    "jxc_customer_grade": "b"})

    def quote_line(self, partner, qty, uom=None):
        order = self.env["jxc.sale.order"].new({"partner_id": partner.id, "warehouse_id": self.wh_a.id,
                                                "company_id": self.company.id})
        order._onchange_partner_id()
        line = self.env["jxc.sale.order.line"].new({"order_id": order, "product_id": self.shirt.id})
        line._onchange_product_id()
        line.update({"product_qty": qty, "uom_id": (uom or self.unit).id})
        line._onchange_pricelist()
        return order, line

    def test_grade_gives_the_price_level_with_quantity_breaks(self):
        order, line = self.quote_line(self.graded, 10)
        self.assertEqual((order.pricelist_id, line.price_unit), (self.wholesale, 31.2))  # 39.00 less 20%
        order, line = self.quote_line(self.graded, 60)
        self.assertEqual(line.price_unit, 29.25)  # from 60 pieces: less 25%
        # the break counts pieces: 5 boxes of 12 are 60 pieces, priced per box
        order, line = self.quote_line(self.graded, 5, self.box)
        self.assertEqual(line.price_unit, 351.0)

    def test_a_pricelist_chosen_on_the_customer_wins(self):
        self.graded.property_product_pricelist = self.special
        order, line = self.quote_line(self.graded, 10)
        self.assertEqual((order.pricelist_id, line.price_unit), (self.special, 30.0))

    def test_orders_made_over_rpc_take_the_level(self):
        order = self.env["jxc.sale.order"].create({"partner_id": self.graded.id, "warehouse_id": self.wh_a.id})
        self.assertEqual(order.pricelist_id, self.wholesale)
        given = self.env["jxc.sale.order"].create({"partner_id": self.graded.id, "warehouse_id": self.wh_a.id,
                                                   "pricelist_id": self.special.id})
        self.assertEqual(given.pricelist_id, self.special)


class TestLastAndMinimumPrice(SaleCase):

    def setUp(self):
        super().setUp()
        self.picking("receipt", [(self.shirt, 200, 5.0)])
        self.shirt.jxc_min_sale_price = 25.0

    def dated_order(self, date, price, user=None, partner=None, discount=0.0):
        order = self.env["jxc.sale.order"].sudo(user or self.env.user).create({
            "partner_id": (partner or self.customer).id, "warehouse_id": self.wh_a.id, "date_order": date,
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.unit.id, "product_qty": 10,
                                 "price_unit": price, "discount": discount})]})
        order.button_confirm()
        return order

    def test_last_price_date_and_order_of_the_customer(self):
        first = self.dated_order("2026-10-01", 32.0, user=self.salesman_a, discount=10.0)
        quote = self.order([(self.shirt, 1, 39.0, 0.0)], user=self.salesman_b, confirm=False)
        line = quote.line_ids.sudo(self.salesman_b)
        # another salesman's order counts: the customer's last price, net of its discount
        self.assertEqual((line.last_price, line.last_price_date, line.last_price_order),
                         (28.8, "2026-10-01", first.name))
        second = self.dated_order("2026-11-02", 30.0)
        other_customer = self.env["res.partner"].create({"name": "Test Other", "customer": True})
        self.dated_order("2026-11-20", 26.0, partner=other_customer)
        self.order([(self.shirt, 1, 20.0, 0.0)], confirm=False)  # quotations do not count
        quote.invalidate_cache()
        self.assertEqual((line.last_price, line.last_price_date, line.last_price_order),
                         (30.0, "2026-11-02", second.name))
        # in the line's unit: a box of 12
        line.write({"uom_id": self.box.id, "price_unit": 468.0})
        self.assertEqual(line.last_price, 360.0)
        # the order itself is left out once confirmed: its line shows the order before it
        self.assertEqual(second.line_ids.last_price_order, first.name)

    def test_below_the_minimum_needs_a_managers_approval(self):
        order = self.order([(self.shirt, 10, 24.0, 0.0)], user=self.salesman_a, confirm=False)
        line = order.line_ids.sudo(self.salesman_a)
        self.assertEqual((line.min_price, line.below_min_price), (25.0, True))
        self.assertTrue(order.sudo(self.salesman_a).price_blocked)
        with self.assertRaises(UserError) as caught:
            order.sudo(self.salesman_a).button_confirm()
        self.assertIn("minimum", caught.exception.name)
        self.assertIn("24.00", caught.exception.name)
        self.assertEqual(order.state, "quotation")
        # nobody but a Manager gets around it
        with self.assertRaises(AccessError):
            order.sudo(self.salesman_a).action_price_override("老客户")
        with self.assertRaises(AccessError):
            order.sudo(self.salesman_a).action_open_price_override()
        with self.assertRaises(AccessError):
            order.sudo(self.salesman_a).write({"price_override_reason": "my own decision"})
        with self.assertRaises(AccessError):
            self.env["jxc.sale.order"].sudo(self.salesman_a).create({
                "partner_id": self.customer.id, "warehouse_id": self.wh_a.id, "price_override_reason": "x"})
        with self.assertRaises(AccessError):
            self.env["jxc.credit.override.wizard"].sudo(self.salesman_a).create(
                {"sale_id": order.id, "reason": "x"})
        # the Manager himself goes through the approval
        with self.assertRaises(UserError):
            order.sudo(self.manager).button_confirm()
        action = order.sudo(self.manager).action_open_price_override()
        wizard = self.env["jxc.credit.override.wizard"].sudo(self.manager).with_context(
            **action["context"]).create({"reason": "清仓处理"})
        self.assertIn("25.00", wizard.problem)
        wizard.action_override()
        self.assertEqual((order.state, order.price_override_reason, order.credit_override_reason),
                         ("confirmed", "清仓处理", False))
        self.assertIn("清仓处理", order.message_ids[0].body)
        self.assertEqual(self.quant(self.shirt).reserved_quantity, 10)

    def test_the_order_discount_counts_and_a_change_withdraws_the_approval(self):
        # 26.00 is above the minimum, 10% off the order makes it 23.40
        order = self.order([(self.shirt, 10, 26.0, 0.0)], user=self.salesman_a, confirm=False)
        self.assertFalse(order.price_blocked)
        order.sudo(self.salesman_a).write({"discount_percent": 10.0})
        self.assertEqual((order.line_ids.price_net, order.price_blocked), (23.4, True))
        order.sudo(self.manager).action_price_override("年底促销")
        self.assertFalse(order.price_blocked)
        order.line_ids.sudo(self.salesman_a).write({"price_unit": 10.0})
        self.assertFalse(order.price_override_reason)
        with self.assertRaises(UserError):
            order.sudo(self.salesman_a).button_confirm()
        order.line_ids.sudo(self.salesman_a).write({"price_unit": 30.0})
        order.sudo(self.salesman_a).button_confirm()
        self.assertEqual(order.state, "confirmed")

    def test_minimum_in_the_line_unit(self):
        order = self.order([(self.shirt, 1, 290.0, 0.0)], confirm=False)
        order.line_ids.uom_id = self.box
        self.assertEqual((order.line_ids.min_price, order.line_ids.below_min_price), (300.0, True))
        order.line_ids.price_unit = 300.0
        self.assertFalse(order.line_ids.below_min_price)
        order.button_confirm()


class TestLastPurchasePrice(SaleCase):

    def test_supplier_last_price_for_those_who_see_prices(self):
        purchaser = self.make_user("t_trade_purchaser", "group_jxc_purchaser")
        Order = self.env["jxc.purchase.order"]

        def purchase(date, price, uom, supplier=None):
            order = Order.create({"partner_id": (supplier or self.supplier).id, "warehouse_id": self.wh_a.id,
                                  "date_order": date,
                                  "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": uom.id,
                                                       "product_qty": 2, "price_unit": price})]})
            order.button_confirm()
            return order
        purchase("2026-09-01", 20.0, self.unit)
        last = purchase("2026-10-01", 222.0, self.box)
        # another supplier's later price is not this supplier's
        purchase("2026-10-15", 17.0, self.unit, self.env.ref("jxc_addon.res_partner_supplier_denim_demo"))
        draft = Order.create({"partner_id": self.supplier.id, "warehouse_id": self.wh_a.id,
                              "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.unit.id,
                                                   "product_qty": 1, "price_unit": 19.0})]})
        line = draft.line_ids.sudo(purchaser)
        # 222.00 a box of 12: 18.50 a piece
        self.assertEqual((line.last_purchase_price, line.last_purchase_date, line.last_purchase_order),
                         (18.5, "2026-10-01", last.name))
        for user in (self.salesman_a, self.make_user("t_trade_viewer", "group_jxc_user")):
            with self.assertRaises(AccessError):
                draft.line_ids.sudo(user).read(["last_purchase_price"])

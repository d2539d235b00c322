"""Warehouse access: a user limited to some warehouses sees and posts the stock documents,
stocktakings, stock on hand and ledger rows of those warehouses only, and sells from them only;
an empty list means all warehouses, and 进销存 Managers always see all."""
from odoo.exceptions import AccessError

from .test_sale import SaleCase


class TestWarehouseAccess(SaleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.keeper_a = cls.make_user("t_wh_keeper_a", "group_jxc_keeper")
        cls.keeper_a.jxc_warehouse_ids = cls.wh_a
        cls.keeper_b = cls.make_user("t_wh_keeper_b", "group_jxc_keeper")
        cls.keeper_b.jxc_warehouse_ids = cls.wh_b
        cls.salesman_a.jxc_warehouse_ids = cls.wh_a
        cls.manager.jxc_warehouse_ids = cls.wh_a  # a Manager sees all whatever his list

    def setUp(self):
        super().setUp()
        self.receipt_a = self.picking("receipt", [(self.shirt, 10, 5.0)], self.wh_a)
        self.receipt_b = self.picking("receipt", [(self.shirt, 8, 6.0)], self.wh_b)
        self.transfer_ba = self.picking("transfer", [(self.shirt, 2)], self.wh_b, dest_warehouse_id=self.wh_a.id)
        self.draft_b = self.picking("delivery", [(self.shirt, 1)], self.wh_b, validate=False)
        self.mine = self.receipt_a | self.receipt_b | self.transfer_ba | self.draft_b

    def visible(self, model, user, domain):
        return self.env[model].sudo(user).search(domain)

    def test_keeper_sees_and_posts_his_warehouse_only(self):
        pickings = self.visible("jxc.stock.picking", self.keeper_a, [("id", "in", self.mine.ids)])
        # the transfer comes into his warehouse: he sees it, its sender posts it
        self.assertEqual(pickings, self.receipt_a | self.transfer_ba)
        with self.assertRaises(AccessError):
            self.receipt_b.sudo(self.keeper_a).read(["name"])
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.draft_b.sudo(self.keeper_a).button_done()
        self.assertEqual((self.draft_b.state, self.draft_b.ledger_ids), ("draft", self.env["jxc.stock.ledger"]))
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.draft_b.line_ids.sudo(self.keeper_a).write({"quantity": 2})
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.env["jxc.stock.picking"].sudo(self.keeper_a).create({
                "picking_type": "delivery", "warehouse_id": self.wh_b.id, "partner_id": self.customer.id})
        # his own warehouse's draft he posts; the other keeper posts his
        draft_a = self.picking("delivery", [(self.shirt, 1)], self.wh_a, validate=False)
        draft_a.sudo(self.keeper_a).button_done()
        self.draft_b.sudo(self.keeper_b).button_done()
        self.assertEqual((draft_a.state, self.draft_b.state), ("done", "done"))
        lines = self.visible("jxc.stock.picking.line", self.keeper_a, [("picking_id", "in", self.mine.ids)])
        self.assertEqual(lines, (self.receipt_a | self.transfer_ba).mapped("line_ids"))

    def test_quants_ledger_and_stocktaking_of_his_warehouse(self):
        quants = self.visible("jxc.stock.quant", self.keeper_a, [("product_id", "=", self.shirt.id)])
        self.assertEqual(quants, self.quant(self.shirt, self.wh_a))
        self.assertEqual(quants.quantity, 12)
        ledger = self.visible("jxc.stock.ledger", self.keeper_a, [("product_id", "=", self.shirt.id)])
        # the receipt in A and the incoming side of the transfer
        self.assertEqual(sorted((r.reference, r.quantity) for r in ledger),
                         sorted([(self.receipt_a.name, 10.0), (self.transfer_ba.name, 2.0)]))
        self.assertEqual(len(self.visible("jxc.stock.ledger", self.keeper_b, [("product_id", "=", self.shirt.id)])),
                         2)
        count_b = self.env["jxc.stock.count"].create({"warehouse_id": self.wh_b.id})
        self.assertFalse(self.visible("jxc.stock.count", self.keeper_a, [("id", "=", count_b.id)]))
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            count_b.sudo(self.keeper_a).button_start()
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.env["jxc.stock.count"].sudo(self.keeper_a).create({"warehouse_id": self.wh_b.id})
        count_a = self.env["jxc.stock.count"].sudo(self.keeper_a).create({"warehouse_id": self.wh_a.id})
        count_a.button_start()
        self.assertEqual([(l.product_id, l.system_qty) for l in count_a.line_ids], [(self.shirt, 12.0)])

    def test_choices_and_defaults_follow_the_list(self):
        Picking = self.env["jxc.stock.picking"]
        self.assertEqual(Picking.sudo(self.keeper_b).default_get(["warehouse_id"])["warehouse_id"], self.wh_b.id)
        domain = Picking.sudo(self.keeper_b).fields_get(["warehouse_id"])["warehouse_id"]["domain"]
        self.assertEqual(domain, [("id", "in", [self.wh_b.id])])
        sale_domain = self.env["jxc.sale.order"].sudo(self.salesman_a).fields_get(["warehouse_id"])
        self.assertEqual(sale_domain["warehouse_id"]["domain"], [("id", "in", [self.wh_a.id])])
        # not limited, or a Manager: every warehouse
        self.assertEqual(Picking.sudo(self.keeper).fields_get(["warehouse_id"])["warehouse_id"]["domain"],
                         [(1, "=", 1)])
        self.assertEqual(Picking.sudo(self.manager).fields_get(["warehouse_id"])["warehouse_id"]["domain"],
                         [(1, "=", 1)])

    def test_unlimited_keeper_and_manager_see_all(self):
        for user in (self.keeper, self.manager):
            self.assertEqual(self.visible("jxc.stock.picking", user, [("id", "in", self.mine.ids)]), self.mine)
            self.assertEqual(len(self.visible("jxc.stock.quant", user, [("product_id", "=", self.shirt.id)])), 2)
        self.draft_b.sudo(self.manager).button_done()

    def test_a_change_of_the_list_applies_at_once(self):
        self.assertFalse(self.visible("jxc.stock.picking", self.keeper_a, [("id", "=", self.receipt_b.id)]))
        # the list is the administrator's: neither the keeper himself nor a 进销存 Manager changes it
        for user in (self.keeper_a, self.manager):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                self.keeper_a.sudo(user).write({"jxc_warehouse_ids": [(6, 0, [])]})
        self.assertEqual(self.keeper_a.jxc_warehouse_ids, self.wh_a)
        self.keeper_a.jxc_warehouse_ids |= self.wh_b
        self.assertTrue(self.visible("jxc.stock.picking", self.keeper_a, [("id", "=", self.receipt_b.id)]))
        self.keeper_a.jxc_warehouse_ids = False
        self.assertTrue(self.visible("jxc.stock.picking", self.keeper_a, [("id", "=", self.receipt_b.id)]))

    def test_salesman_sells_from_his_warehouses_only(self):
        Order = self.env["jxc.sale.order"].sudo(self.salesman_a)
        lines = [(0, 0, {"product_id": self.shirt.id, "uom_id": self.unit.id, "product_qty": 1, "price_unit": 10.0})]
        self.assertEqual(Order.default_get(["warehouse_id"])["warehouse_id"], self.wh_a.id)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            Order.create({"partner_id": self.customer.id, "warehouse_id": self.wh_b.id, "line_ids": lines})
        order = Order.create({"partner_id": self.customer.id, "warehouse_id": self.wh_a.id, "line_ids": lines})
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            order.write({"warehouse_id": self.wh_b.id})
        # his own order from B, made by someone else, he no longer reaches
        theirs = self.env["jxc.sale.order"].create({"partner_id": self.customer.id, "warehouse_id": self.wh_b.id,
                                                    "user_id": self.salesman_a.id, "line_ids": lines})
        self.assertEqual(Order.search([("id", "in", (order | theirs).ids)]), order)
        order.button_confirm()
        self.assertEqual(order.state, "confirmed")

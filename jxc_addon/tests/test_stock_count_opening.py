import base64

from odoo.exceptions import UserError

from .common import StockCase


class TestStockCount(StockCase):

    def test_count_posts_gains_and_losses_at_average_cost(self):
        self.picking("receipt", [(self.shirt, 10, 5.0), (self.jeans, 4, 20.0)])
        count = self.env["jxc.stock.count"].create({"warehouse_id": self.wh_a.id})
        self.assertTrue(count.name.startswith("PD"))
        count.button_start()
        self.assertEqual(count.state, "counting")
        lines = {l.product_id: l for l in count.line_ids}
        self.assertEqual((lines[self.shirt].system_qty, lines[self.jeans].system_qty), (10, 4))
        lines[self.shirt].counted_qty = 12
        lines[self.jeans].counted_qty = 3
        count.button_done()
        self.assertEqual(count.state, "done")
        self.assertEqual((lines[self.shirt].difference_value, lines[self.jeans].difference_value), (10.0, -20.0))
        self.assertQuant(self.shirt, 12, 60.0)
        self.assertQuant(self.jeans, 3, 60.0)
        picking = count.picking_id
        self.assertEqual((picking.picking_type, picking.origin), ("count", count.name))
        nobody = self.env["res.partner"]
        self.assertEqual(self.move_lines(picking.move_id), {
            ("1405", self.shirt, nobody): 10.0, ("1901", self.shirt, nobody): -10.0,
            ("1405", self.jeans, nobody): -20.0, ("1901", self.jeans, nobody): 20.0})

    def test_count_snapshot_filters_by_category(self):
        category = self.env["product.category"].create({"name": "Counted"})
        self.jeans.categ_id = category
        self.picking("receipt", [(self.shirt, 1, 5.0), (self.jeans, 1, 5.0)])
        count = self.env["jxc.stock.count"].create({"warehouse_id": self.wh_a.id, "categ_id": category.id})
        count.button_start()
        self.assertEqual(count.line_ids.mapped("product_id"), self.jeans)

    def test_large_difference_needs_the_manager(self):
        self.company.jxc_count_approval_threshold = 100.0
        self.picking("receipt", [(self.shirt, 10, 50.0)])
        keeper = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "K", "login": "t_keeper_count", "email": "k@example.com",
            "groups_id": [(6, 0, [self.env.ref("jxc_addon.group_jxc_keeper").id])]})
        count = self.env["jxc.stock.count"].sudo(keeper).create({"warehouse_id": self.wh_a.id})
        count.button_start()
        count.line_ids.counted_qty = 7  # 3 x 50 = 150 missing
        self.assertTrue(count.needs_approval)
        with self.assertRaises(UserError) as caught:
            count.button_done()
        self.assertIn("Manager", caught.exception.name)
        self.assertEqual(count.state, "counting")
        self.assertQuant(self.shirt, 10, 500.0)
        count.sudo(self.env.ref("base.user_root")).button_done()
        self.assertQuant(self.shirt, 7, 350.0)

    def test_count_without_difference_posts_nothing(self):
        self.picking("receipt", [(self.shirt, 2, 5.0)])
        count = self.env["jxc.stock.count"].create({"warehouse_id": self.wh_a.id})
        count.button_start()
        count.button_done()
        self.assertEqual(count.state, "done")
        self.assertFalse(count.picking_id)

    def test_barcode_counts(self):
        self.picking("receipt", [(self.shirt, 2, 5.0)])
        count = self.env["jxc.stock.count"].create({"warehouse_id": self.wh_a.id})
        count.button_start()
        draft = self.env["jxc.stock.count"].new({"state": "counting", "warehouse_id": self.wh_a.id,
                                                 "line_ids": [(0, 0, {"product_id": self.shirt.id,
                                                                      "system_qty": 2, "counted_qty": 0})]})
        draft.on_barcode_scanned(self.shirt.barcode)
        draft.on_barcode_scanned(self.jeans.barcode)
        self.assertEqual({l.product_id: l.counted_qty for l in draft.line_ids}, {self.shirt: 1, self.jeans: 1})


class TestOpeningBalance(StockCase):

    def test_opening_wizard_posts_one_document_per_warehouse(self):
        capital = self.account["3001"]
        wizard = self.env["jxc.stock.opening.wizard"].create({
            "warehouse_id": self.wh_a.id, "account_id": capital.id,
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "quantity": 100, "unit_cost": 4.5}),
                         (0, 0, {"product_id": self.jeans.id, "quantity": 10, "unit_cost": 30.0,
                                 "warehouse_id": self.wh_b.id})]})
        action = wizard.action_confirm()
        pickings = self.env["jxc.stock.picking"].search(action["domain"])
        self.assertEqual(len(pickings), 2)
        self.assertEqual(set(pickings.mapped("picking_type")), {"opening"})
        self.assertEqual(set(pickings.mapped("state")), {"done"})
        self.assertQuant(self.shirt, 100, 450.0)
        self.assertQuant(self.jeans, 10, 300.0, self.wh_b)
        opening_a = pickings.filtered(lambda p: p.warehouse_id == self.wh_a)
        nobody = self.env["res.partner"]
        self.assertEqual(self.move_lines(opening_a.move_id), {
            ("1405", self.shirt, nobody): 450.0, ("3001", self.shirt, nobody): -450.0})

    def test_opening_csv_import(self):
        data = "product,warehouse,quantity,unit cost\n%s,TA,5,2.5\n6999000000028,TB,3,10\n" % self.shirt.barcode
        wizard = self.env["jxc.stock.opening.wizard"].create({
            "account_id": self.account["3001"].id, "data_file": base64.b64encode(data.encode())})
        wizard.action_import()
        self.assertEqual([(l.product_id, l.warehouse_id, l.quantity, l.unit_cost) for l in wizard.line_ids],
                         [(self.shirt, self.wh_a, 5, 2.5), (self.jeans, self.wh_b, 3, 10.0)])
        wizard.action_confirm()
        self.assertQuant(self.jeans, 3, 30.0, self.wh_b)

    def test_opening_csv_errors_name_the_line(self):
        data = "SHIRT-NOPE,TA,5,2.5\n"
        wizard = self.env["jxc.stock.opening.wizard"].create({
            "account_id": self.account["3001"].id, "data_file": base64.b64encode(data.encode())})
        with self.assertRaises(UserError) as caught:
            wizard.action_import()
        self.assertIn("SHIRT-NOPE", caught.exception.name)
        self.assertFalse(wizard.line_ids)

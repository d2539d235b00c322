"""Packaging units (件, 盒(6), 箱(12), 箱(24)) with their own barcodes: scanning a box adds its quantity in
the product unit; orders use any unit of the category; stock and costs stay in the product unit.
Negative stock needs both the warehouse's and the product's consent."""
import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from .test_sale import SaleCase


class PackagingCase(SaleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Uom = cls.env["product.uom"]
        category = cls.env.ref("product.product_uom_categ_unit")
        cls.box6 = Uom.create({"name": "Test 盒(6)", "category_id": category.id, "uom_type": "bigger",
                               "factor_inv": 6, "rounding": 1})
        cls.box24 = Uom.create({"name": "Test 箱(24)", "category_id": category.id, "uom_type": "bigger",
                                "factor_inv": 24, "rounding": 1})
        Packaging = cls.env["jxc.product.packaging"]
        for uom, barcode in ((cls.box6, "16999000000018"), (cls.box, "26999000000015"),
                             (cls.box24, "36999000000012")):
            Packaging.create({"product_tmpl_id": cls.shirt.product_tmpl_id.id, "uom_id": uom.id, "barcode": barcode})


class TestPackagingUnits(PackagingCase):

    def test_the_shirt_has_its_packaging_units(self):
        self.assertEqual([(p.uom_id, p.quantity) for p in self.shirt.jxc_packaging_ids],
                         [(self.box6, 6.0), (self.box, 12.0), (self.box24, 24.0)])
        self.assertEqual(self.env["product.product"]._jxc_find_by_barcode("26999000000015"),
                         (self.shirt, self.box, 12.0))
        self.assertEqual(self.env["product.product"]._jxc_find_by_barcode(self.shirt.barcode),
                         (self.shirt, self.unit, 1.0))

    def test_units_and_barcodes_are_checked(self):
        Packaging = self.env["jxc.product.packaging"]
        kg = self.env.ref("product.product_uom_kgm")
        with self.assertRaises(ValidationError):
            Packaging.create({"product_tmpl_id": self.shirt.product_tmpl_id.id, "uom_id": kg.id, "barcode": "X1"})
        with self.assertRaises(ValidationError):
            Packaging.create({"product_tmpl_id": self.jeans.product_tmpl_id.id, "uom_id": self.box.id,
                              "barcode": self.shirt.barcode})
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            Packaging.create({"product_tmpl_id": self.jeans.product_tmpl_id.id, "uom_id": self.box.id,
                              "barcode": "26999000000015"})

    def test_scanning_boxes_on_a_receipt_adds_pieces(self):
        picking = self.env["jxc.stock.picking"].new({"picking_type": "receipt", "warehouse_id": self.wh_a.id,
                                                     "state": "draft"})
        picking.on_barcode_scanned("26999000000015")    # 箱(12)
        picking.on_barcode_scanned("16999000000018")    # 盒(6)
        picking.on_barcode_scanned(self.shirt.barcode)  # one piece
        picking.on_barcode_scanned("36999000000012")    # 箱(24)
        self.assertEqual([(l.product_id, l.uom_id, l.quantity) for l in picking.line_ids],
                         [(self.shirt, self.unit, 43.0)])
        # a line in boxes takes the box as one more box (24 pieces = 2 boxes of 12)
        boxed = self.env["jxc.stock.picking"].new({
            "picking_type": "receipt", "warehouse_id": self.wh_a.id, "state": "draft",
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.box.id, "quantity": 1})]})
        boxed.on_barcode_scanned("36999000000012")
        self.assertEqual([(l.uom_id, l.quantity) for l in boxed.line_ids], [(self.box, 3.0)])

    def test_scanning_a_box_when_counting(self):
        self.picking("receipt", [(self.shirt, 30, 5.0)])
        draft = self.env["jxc.stock.count"].new({"state": "counting", "warehouse_id": self.wh_a.id,
                                                 "line_ids": [(0, 0, {"product_id": self.shirt.id,
                                                                      "system_qty": 30, "counted_qty": 0})]})
        draft.on_barcode_scanned("36999000000012")
        draft.on_barcode_scanned("16999000000018")
        self.assertEqual([(l.product_id, l.counted_qty) for l in draft.line_ids], [(self.shirt, 30.0)])

    def test_stock_and_costs_stay_in_pieces(self):
        # bought 2 箱(12) at 222.00 a box: 24 pieces at 18.50
        order = self.env["jxc.purchase.order"].create({
            "partner_id": self.supplier.id, "warehouse_id": self.wh_a.id,
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.box.id, "product_qty": 2,
                                 "price_unit": 222.0})]})
        order.button_confirm()
        receipt = self.env["jxc.stock.picking"].browse(order.action_receive()["res_id"])
        receipt.button_done()
        self.assertQuant(self.shirt, 24, 444.0)
        self.assertEqual([(r.quantity, r.unit_cost, r.value) for r in receipt.ledger_ids], [(24.0, 18.5, 444.0)])
        self.assertEqual(self.move_lines(receipt.move_id), {
            ("1405", self.shirt, self.supplier): 444.0, ("220201", self.shirt, self.supplier): -444.0})
        # sold in 盒(6): 3 boxes leave 18 pieces at the average
        sale = self.order([(self.shirt, 3, 150.0, 0.0)], confirm=False)
        sale.line_ids.uom_id = self.box6
        sale.button_confirm()
        self.assertEqual(self.quant(self.shirt).reserved_quantity, 18)
        delivery = self.deliver(sale)
        self.assertEqual([(r.quantity, r.value) for r in delivery.ledger_ids], [(-18.0, -333.0)])
        self.assertQuant(self.shirt, 6, 111.0)
        self.assertEqual(sale.line_ids.qty_delivered, 3)


class TestNegativeStockPerProduct(PackagingCase):

    def test_warehouse_and_product_must_both_allow_it(self):
        self.wh_a.allow_negative = True
        self.jeans.jxc_allow_negative = False
        self.picking("receipt", [(self.shirt, 2, 5.0), (self.jeans, 2, 8.0)])
        # the shirt may go below zero here, the jeans may not
        self.picking("other_out", [(self.shirt, 5)], reason_id=self.reason_out.id)
        self.assertQuant(self.shirt, -3, -15.0)
        with self.assertRaises(UserError) as caught:
            self.picking("other_out", [(self.jeans, 5)], reason_id=self.reason_out.id)
        self.assertIn("Not enough stock", caught.exception.name)
        self.assertQuant(self.jeans, 2, 16.0)
        # nor is a reservation beyond the stock
        order = self.order([(self.jeans, 3, 20.0, 0.0)], confirm=False)
        with self.assertRaises(UserError):
            order.button_confirm()
        # a warehouse that refuses negative stock refuses it whatever the product
        self.picking("receipt", [(self.shirt, 3, 5.0)])
        self.wh_a.allow_negative = False
        with self.assertRaises(UserError):
            self.picking("other_out", [(self.shirt, 1)], reason_id=self.reason_out.id)
        self.assertQuant(self.shirt, 0, 0.0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason_out = cls.env["jxc.stock.reason"].search(
            [("direction", "=", "out"), ("company_id", "=", cls.company.id)], limit=1)

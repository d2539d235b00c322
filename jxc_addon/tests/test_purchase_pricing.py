from odoo.exceptions import UserError

from .common import StockCase


class TestPurchasePricing(StockCase):
    """Supplier prices on purchase order lines, in whatever unit the purchaser orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.purchaser = cls.make_user("t_price_purchaser", "group_jxc_purchaser")
        Template = cls.env["product.template"]
        # Bought by the box of 12 pieces: 222.00 a box (18.50 a piece) from 1 box, 216.00 from 10 boxes.
        cls.boxed = Template.create({"name": "Boxed Tee", "type": "consu", "uom_id": cls.unit.id,
                                     "uom_po_id": cls.box.id}).product_variant_id
        # Bought by the piece: 18.50 a piece from 12 pieces.
        cls.loose = Template.create({"name": "Loose Tee", "type": "consu", "uom_id": cls.unit.id,
                                     "uom_po_id": cls.unit.id}).product_variant_id
        Supplierinfo = cls.env["product.supplierinfo"]
        for product, price, minimum in ((cls.boxed, 222.0, 1), (cls.boxed, 216.0, 10), (cls.loose, 18.5, 12)):
            Supplierinfo.create({"name": cls.supplier.id, "product_tmpl_id": product.product_tmpl_id.id,
                                 "price": price, "min_qty": minimum})
        cls.draft = cls.env["jxc.purchase.order"].sudo(cls.purchaser).create(
            {"partner_id": cls.supplier.id, "warehouse_id": cls.wh_a.id})

    def edit_line(self, values, field):
        """What the order form does when the purchaser changes `field` of a line: the onchange."""
        Line = self.env["jxc.purchase.order.line"].sudo(self.purchaser)
        spec = Line._onchange_spec()
        # The web client sends every field of the line: onchange reports the ones that changed.
        values = dict({name: [] if Line._fields[name].type in ("one2many", "many2many") else False
                       for name in spec}, **dict(values, order_id=self.draft.id))
        result = Line.onchange(dict(values), field, spec)
        for name, value in result.get("value", {}).items():
            values[name] = value[0] if isinstance(value, tuple) else value
        return values, result.get("warning")

    def test_line_in_boxes_gets_the_box_price_and_reprices_with_quantity(self):
        line, warning = self.edit_line({"product_id": self.boxed.id, "product_qty": 1}, "product_id")
        self.assertEqual(line["uom_id"], self.box.id, "the purchase unit is proposed")
        self.assertAlmostEqual(line["price_unit"], 222.0)
        self.assertFalse(warning)
        line, _w = self.edit_line(dict(line, product_qty=10), "product_qty")
        self.assertAlmostEqual(line["price_unit"], 216.0, msg="10 boxes reach the second tier")
        line, _w = self.edit_line(dict(line, product_qty=3), "product_qty")
        self.assertAlmostEqual(line["price_unit"], 222.0, msg="back below 10 boxes")
        line, _w = self.edit_line(dict(line, uom_id=self.unit.id, product_qty=120), "uom_id")
        self.assertAlmostEqual(line["price_unit"], 18.0, msg="120 pieces are 10 boxes: 216.00 / 12")
        line, warning = self.edit_line(dict(line, product_qty=6), "product_qty")
        self.assertAlmostEqual(line["price_unit"], 18.5, msg="6 pieces: the one-box price, per piece")
        self.assertIn("Boxed Tee", warning["message"], "half a box is below the supplier's minimum of 1 box")

    def test_supplier_selling_by_piece_priced_for_a_box(self):
        line, _w = self.edit_line({"product_id": self.loose.id, "product_qty": 1}, "product_id")
        self.assertEqual(line["uom_id"], self.unit.id)
        line, _w = self.edit_line(dict(line, uom_id=self.box.id), "uom_id")
        self.assertAlmostEqual(line["price_unit"], 222.0, msg="1 box = 12 pieces at 18.50")
        line, warning = self.edit_line(dict(line, uom_id=self.unit.id, product_qty=6), "uom_id")
        self.assertAlmostEqual(line["price_unit"], 18.5)
        self.assertIn("12", warning["message"], "6 pieces are below the minimum of 12")

    def test_demo_tshirt_in_boxes(self):
        tshirt = self.env.ref("jxc_addon.product_tshirt_white_demo").product_variant_id
        line, _w = self.edit_line({"product_id": tshirt.id, "product_qty": 1}, "product_id")
        self.assertEqual(line["uom_id"], self.box.id)
        self.assertAlmostEqual(line["price_unit"], 222.0, msg="18.50 a piece, by the box of 12")
        line, _w = self.edit_line(dict(line, product_qty=10), "product_qty")
        self.assertAlmostEqual(line["price_unit"], 216.0)
        # The demo history was bought by the piece: compared per piece, around 18-19.
        for row in self.env["jxc.supplier.comparison"].search([("product_id", "=", tshirt.id)]):
            self.assertTrue(18.0 <= row.avg_price <= 19.2, row.avg_price)

    def test_request_estimate_and_replenishment_use_the_box_price(self):
        values = self.env["jxc.purchase.order.line"]._prepare_supplier_line(
            self.boxed, 24, self.unit, self.supplier, self.company)
        self.assertAlmostEqual(values["price_unit"], 18.5)
        request = self.env["jxc.purchase.request"].sudo(self.purchaser).create({"line_ids": [(0, 0, {
            "product_id": self.boxed.id, "uom_id": self.box.id, "product_qty": 2, "supplier_id": self.supplier.id})]})
        self.assertAlmostEqual(request.line_ids.sudo().price_estimated, 222.0)

    def test_zero_price_line_is_refused_at_confirmation(self):
        order = self.env["jxc.purchase.order"].sudo(self.purchaser).create({
            "partner_id": self.supplier.id, "warehouse_id": self.wh_a.id,
            "line_ids": [(0, 0, {"product_id": self.boxed.id, "uom_id": self.box.id, "product_qty": 1,
                                 "price_unit": 222.0}),
                         (0, 0, {"product_id": self.jeans.id, "uom_id": self.unit.id, "product_qty": 5,
                                 "price_unit": 0.0})]})
        with self.assertRaises(UserError) as caught:
            order.with_context(lang="en_US").button_confirm()
        self.assertIn("Test Jeans", caught.exception.name)
        self.assertEqual(order.state, "draft")
        order.line_ids.filtered(lambda l: l.product_id == self.jeans).price_unit = 40.0
        order.button_confirm()
        self.assertEqual(order.state, "confirmed")

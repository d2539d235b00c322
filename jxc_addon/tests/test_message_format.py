"""Messages name amounts with their currency and quantities with their unit, as people write them."""
from odoo.exceptions import UserError

from ..lib.formatting import format_amount, format_qty
from .test_sale import SaleCase


class TestMessageFormat(SaleCase):

    def test_helpers(self):
        unit, kg, cny = self.unit, self.env.ref("product.product_uom_kgm"), self.company.currency_id
        self.assertEqual(format_qty(self.env, 7.0, unit), "7 Unit(s)")
        self.assertEqual(format_qty(self.env, 2.5, kg), "2.5 kg")
        self.assertEqual(format_qty(self.env, 1200.125, kg), "1,200.125 kg")
        self.assertEqual(format_amount(self.env, 500.0, cny), "¥ 500.00")
        zh = self.env(context=dict(self.env.context, lang="zh_CN"))
        self.assertEqual(format_qty(zh, 7.0, unit.with_env(zh)), "7 件")

    def test_short_stock_names_the_unit(self):
        kg = self.env.ref("product.product_uom_kgm")
        rice = self.env["product.product"].create({"name": "Test Rice", "type": "consu", "uom_id": kg.id,
                                                   "uom_po_id": kg.id})
        self.picking("receipt", [(rice, 2.5, 4.0)])
        order = self.order([(rice, 4, 10.0, 0.0)], confirm=False)
        with self.assertRaises(UserError) as caught:
            order.button_confirm()
        self.assertIn("2.5 kg available, 4 kg needed", caught.exception.name)
        self.assertNotIn("4.0", caught.exception.name)

    def test_credit_limit_names_the_currency(self):
        self.picking("receipt", [(self.shirt, 50, 5.0)])
        customer = self.env["res.partner"].create({"name": "Test New Customer", "customer": True,
                                                   "credit_limit": 100.0})
        order = self.env["jxc.sale.order"].create({
            "partner_id": customer.id, "warehouse_id": self.wh_a.id,
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.unit.id, "product_qty": 50,
                                 "price_unit": 10.0})]})
        with self.assertRaises(UserError) as caught:
            order.button_confirm()
        self.assertEqual(caught.exception.name,
                         "Test New Customer would owe ¥ 500.00, above its credit limit of ¥ 100.00.")

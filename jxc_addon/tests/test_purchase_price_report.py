from lxml import etree

from .common import StockCase


class TestPurchasePriceReport(StockCase):
    """Reports › Purchase Prices: average prices weighted by the quantities bought, per product unit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.purchaser = cls.make_user("t_report_purchaser", "group_jxc_purchaser")
        lines = [(cls.shirt, 10, cls.unit, 5.0), (cls.shirt, 30, cls.unit, 6.0),
                 (cls.shirt, 1, cls.box, 84.0),  # 12 shirts at 7.00
                 (cls.jeans, 2, cls.unit, 100.0)]
        cls.order = cls.env["jxc.purchase.order"].create({
            "partner_id": cls.supplier.id, "warehouse_id": cls.wh_a.id,
            "line_ids": [(0, 0, {"product_id": p.id, "uom_id": u.id, "product_qty": q, "price_unit": price})
                         for p, q, u, price in lines]})
        cls.order.button_confirm()
        cls.Report = cls.env["jxc.purchase.price.report"].sudo(cls.purchaser)
        cls.domain = [("order_id", "=", cls.order.id)]

    def test_average_price_is_amount_over_quantity_per_product(self):
        groups = {g["product_id"][0]: g for g in self.Report.read_group(
            self.domain, ["product_id", "price_average"], ["product_id"])}
        shirt = groups[self.shirt.id]
        self.assertAlmostEqual(shirt["price_average"], (50.0 + 180.0 + 84.0) / 52,
                               msg="6.04 a shirt: not 5 + 6 + 84 nor their mean")
        self.assertNotIn("amount", shirt, "only the asked measures come back")
        self.assertAlmostEqual(groups[self.jeans.id]["price_average"], 100.0)
        pivot = self.Report.read_group(self.domain, ["quantity", "amount", "price_average"], [], lazy=False)
        self.assertAlmostEqual(pivot[0]["quantity"], 54.0, msg="the box counts as 12 shirts")
        self.assertAlmostEqual(pivot[0]["amount"], 514.0)
        self.assertAlmostEqual(pivot[0]["price_average"], 514.0 / 54)

    def test_graph_is_a_line_of_average_prices_per_product_over_time(self):
        arch = etree.XML(self.Report.fields_view_get(view_type="graph")["arch"])
        self.assertEqual(arch.get("type"), "line")
        self.assertEqual([(f.get("name"), f.get("type")) for f in arch.iter("field")],
                         [("date_order", "row"), ("product_id", "row"), ("price_average", "measure")])
        groups = self.Report.read_group(self.domain, ["date_order", "product_id", "price_average"],
                                        ["date_order:month", "product_id"], lazy=False)
        self.assertEqual(len(groups), 2, "one point per product and month")
        pivot = etree.XML(self.Report.fields_view_get(view_type="pivot")["arch"])
        self.assertIn("price_average", [f.get("name") for f in pivot.iter("field") if f.get("type") == "measure"])

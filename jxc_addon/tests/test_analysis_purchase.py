"""Reports › Purchase Analysis: ordered, received, rejected, returned and billed quantities, weighted
average prices, lead days and timing of a known scenario; who may read it."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError

from .common import StockCase


class TestPurchaseAnalysis(StockCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("account.group_account_invoice")
        Partner = cls.env["res.partner"]
        cls.s1 = Partner.create({"name": "分析供应商一", "is_company": True, "supplier": True, "customer": False})
        cls.s2 = Partner.create({"name": "分析供应商二", "is_company": True, "supplier": True, "customer": False})
        cls.purchaser = cls.make_user("t_pa_purchaser", "group_jxc_purchaser")
        cls.accountant = cls.make_user("t_pa_accountant", "group_jxc_accountant")
        cls.salesman = cls.make_user("t_pa_salesman", "group_jxc_salesman")
        cls.keeper = cls.make_user("t_pa_keeper", "group_jxc_keeper")
        cls.today = fields.Date.from_string(fields.Date.context_today(cls.env.user))

    def day(self, offset):
        return fields.Date.to_string(self.today + timedelta(days=offset))

    def purchase(self, supplier, lines, ordered, expected):
        """lines: (product, qty, price[, uom])"""
        order = self.env["jxc.purchase.order"].create({
            "partner_id": supplier.id, "warehouse_id": self.wh_a.id, "date_order": self.day(ordered),
            "date_expected": self.day(expected),
            "line_ids": [(0, 0, {"product_id": line[0].id, "uom_id": (line[3] if len(line) > 3 else line[0].uom_id).id,
                                 "product_qty": line[1], "price_unit": line[2]}) for line in lines]})
        order.button_confirm()
        return order

    def receive(self, order, product, qty, rejected, on):
        receipt = self.env["jxc.stock.picking"].browse(order.action_receive()["res_id"])
        receipt.line_ids.filtered(lambda l: l.product_id != product).unlink()
        receipt.line_ids.write({"quantity": qty, "rejected_qty": rejected})
        receipt.date = self.day(on)
        receipt.button_done()

    def setUp(self):
        super().setUp()
        # S1, ordered 20 days ago for 10 days ago: 100 shirts at 5.00, 5 refused, the 95 others came on
        # time, 10 of them were sent back after the bill; 2 boxes of 12 jeans at 240.00 came 5 days late.
        self.po1 = self.purchase(self.s1, [(self.shirt, 100, 5.0), (self.jeans, 2, 240.0, self.box)], -20, -10)
        self.receive(self.po1, self.shirt, 95, 5, -12)
        self.receive(self.po1, self.jeans, 2, 0, -5)
        self.env["account.invoice"].browse(self.po1.action_create_bill()["res_id"]).action_invoice_open()
        ret = self.env["jxc.stock.picking"].browse(self.po1.action_create_return()["res_id"])
        ret.line_ids.filtered(lambda l: l.product_id != self.shirt).unlink()
        ret.line_ids.quantity = 10
        ret.button_done()
        # S2: 50 shirts at 6.00 not yet due; 10 at 5.50 due 20 days ago, not received; one cancelled.
        self.po2 = self.purchase(self.s2, [(self.shirt, 50, 6.0)], -3, 4)
        self.po3 = self.purchase(self.s2, [(self.shirt, 10, 5.5)], -30, -20)
        self.po4 = self.purchase(self.s2, [(self.shirt, 7, 9.0)], -3, 4)
        self.po4.button_cancel()
        self.orders = self.po1 | self.po2 | self.po3 | self.po4
        self.Report = self.env["jxc.purchase.report"].sudo(self.purchaser)
        self.domain = [("order_id", "in", self.orders.ids)]

    def test_rows(self):
        rows = self.Report.search(self.domain, order="id")
        self.assertEqual([(r.order_id, r.partner_id, r.product_id, r.uom_id, r.warehouse_id) for r in rows], [
            (self.po1, self.s1, self.shirt, self.unit, self.wh_a),
            (self.po1, self.s1, self.jeans, self.unit, self.wh_a),
            (self.po2, self.s2, self.shirt, self.unit, self.wh_a),
            (self.po3, self.s2, self.shirt, self.unit, self.wh_a),
        ], "the cancelled order is left out")
        # ordered, received (net of returns), rejected, returned, billed, amount, price, lead days, timing
        self.assertEqual([(r.qty_ordered, r.qty_received, r.qty_rejected, r.qty_returned, r.qty_billed,
                           r.amount, r.price_average, r.lead_days, r.timing) for r in rows], [
            (100, 85, 5, 10, 95, 500.0, 5.0, 8, "on_time"),
            (24, 24, 0, 0, 24, 480.0, 20.0, 15, "late"),
            (50, 0, 0, 0, 0, 300.0, 6.0, 0, "waiting"),
            (10, 0, 0, 0, 0, 55.0, 5.5, 0, "late"),
        ])
        self.assertEqual(rows.mapped("receipt_date"), [self.day(-12), self.day(-5), False, False])

    def test_groups_average_price_weighted_and_lead_days_averaged(self):
        def totals(groupby):
            groups = self.Report.read_group(self.domain, [groupby, "qty_ordered", "amount", "price_average",
                                                          "lead_days"], [groupby], lazy=False)
            return {(g[groupby][0] if isinstance(g[groupby], tuple) else g[groupby]):
                    (g["__count"], g["qty_ordered"], g["amount"], round(g["price_average"], 4), g["lead_days"])
                    for g in groups}

        self.assertEqual(totals("partner_id"), {
            self.s1.id: (2, 124.0, 980.0, round(980.0 / 124, 4), 11.5),  # not 5.00 + 20.00
            self.s2.id: (2, 60.0, 355.0, round(355.0 / 60, 4), False)})
        self.assertEqual(totals("product_id"), {
            self.shirt.id: (3, 160.0, 855.0, round(855.0 / 160, 4), 8.0),
            self.jeans.id: (1, 24.0, 480.0, 20.0, 15.0)})
        self.assertEqual(totals("timing"), {"on_time": (1, 100.0, 500.0, 5.0, 8.0),
                                            "late": (2, 34.0, 535.0, round(535.0 / 34, 4), 15.0),
                                            "waiting": (1, 50.0, 300.0, 6.0, False)})
        received = self.Report.read_group(self.domain, ["qty_received", "qty_rejected", "qty_returned", "qty_billed",
                                                        "warehouse_id"], ["warehouse_id"], lazy=False)
        self.assertEqual([(g["qty_received"], g["qty_rejected"], g["qty_returned"], g["qty_billed"])
                          for g in received], [(109.0, 5.0, 10.0, 119.0)])

    def test_who_reads_it(self):
        for user in (self.purchaser, self.accountant):
            Report = self.env["jxc.purchase.report"].sudo(user)
            self.assertEqual(len(Report.search(self.domain)), 4)
            self.assertEqual(Report.read_group(self.domain, ["amount"], [], lazy=False)[0]["amount"], 1335.0)
        for user in (self.salesman, self.keeper):
            with self.assertRaises(AccessError):
                self.env["jxc.purchase.report"].sudo(user).search(self.domain)

"""Reports › Sales Analysis: exact figures of a known scenario, the period filters, and what a
salesman may see (his own rows, never cost or margin)."""
from datetime import date

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tools.safe_eval import safe_eval

from .test_sale import SaleCase


class SaleAnalysisCase(SaleCase):
    """Two salesmen selling to two customers of two provinces:

    salesman A, customer 甲 (grade A), today:  10 shirts at 12.00, 1 box of 12 jeans at 300.00; all
        delivered and invoiced, then 2 shirts returned.
    salesman B, customer 乙 (grade B), today:  5 shirts at 10.00 less 10%; 3 delivered.
    salesman A, customer 甲, a year ago today: 1 shirt at 12.00, confirmed only.
    salesman A, a quotation of 4 jeans today (not a sale).
    Stock: shirts at 5.00, jeans at 20.00.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        provinces = cls.env["res.country.state"].search([("country_id.code", "=", "CN")], order="code", limit=2)
        cls.province_a, cls.province_b = provinces
        Partner = cls.env["res.partner"]
        cls.cust_a = Partner.create({
            "name": "分析客户甲", "is_company": True, "customer": True, "state_id": cls.province_a.id,
            "city": "甲市", "jxc_customer_grade": "a", "user_id": cls.salesman_a.id, "email": "jia@example.com",
            "jxc_credit_days": 30})
        cls.cust_b = Partner.create({
            "name": "分析客户乙", "is_company": True, "customer": True, "state_id": cls.province_b.id,
            "city": "乙市", "jxc_customer_grade": "b", "user_id": cls.salesman_b.id, "jxc_credit_days": 30})
        cls.accountant = cls.make_user("t_ana_accountant", "group_jxc_accountant")
        cls.today = fields.Date.context_today(cls.env.user)

    def sale(self, user, partner, lines, date_order=None, confirm=True):
        """lines: (product, qty, price, discount[, uom])"""
        order = self.env["jxc.sale.order"].create({
            "partner_id": partner.id, "warehouse_id": self.wh_a.id, "user_id": user.id,
            "date_order": date_order or self.today,
            "line_ids": [(0, 0, {"product_id": line[0].id, "uom_id": (line[4] if len(line) > 4 else line[0].uom_id).id,
                                 "product_qty": line[1], "price_unit": line[2], "discount": line[3]})
                         for line in lines]})
        if confirm:
            order.button_confirm()
        return order

    def give_back(self, delivery, product, qty):
        ret = self.env["jxc.stock.picking"].browse(delivery.action_create_return()["res_id"])
        ret.line_ids.filtered(lambda l: l.product_id != product).unlink()
        ret.line_ids.quantity = qty
        ret.sudo(self.keeper).button_done()
        return ret

    def make_sales(self):
        self.picking("receipt", [(self.shirt, 100, 5.0), (self.jeans, 20, 20.0)])
        self.order_a = self.sale(self.salesman_a, self.cust_a,
                                 [(self.shirt, 10, 12.0, 0.0), (self.jeans, 1, 300.0, 0.0, self.box)])
        delivery = self.deliver(self.order_a)
        self.env["account.invoice"].browse(self.order_a.action_create_invoice()["res_id"]).action_invoice_open()
        self.give_back(delivery, self.shirt, 2)
        self.order_b = self.sale(self.salesman_b, self.cust_b, [(self.shirt, 5, 10.0, 10.0)])
        self.deliver(self.order_b, {self.shirt: 3})
        last_year = fields.Date.to_string(fields.Date.from_string(self.today) - relativedelta(years=1))
        self.order_old = self.sale(self.salesman_a, self.cust_a, [(self.shirt, 1, 12.0, 0.0)], date_order=last_year)
        self.quotation = self.sale(self.salesman_a, self.cust_a, [(self.jeans, 4, 25.0, 0.0)], confirm=False)
        self.orders = self.order_a | self.order_b | self.order_old | self.quotation


class TestSaleAnalysis(SaleAnalysisCase):

    def setUp(self):
        super().setUp()
        self.make_sales()
        self.Report = self.env["jxc.sale.report"].sudo(self.manager)
        self.domain = [("order_id", "in", self.orders.ids), ("state", "in", ("confirmed", "done"))]

    def test_rows_hold_quantities_in_product_unit_amounts_cost_and_margin(self):
        rows = self.Report.search(self.domain + [("date", "=", self.today)], order="id")
        a = (self.cust_a, self.salesman_a, self.province_a, "甲市", "a", self.wh_a, self.unit)
        b = (self.cust_b, self.salesman_b, self.province_b, "乙市", "b", self.wh_a, self.unit)
        self.assertEqual([(r.order_id, r.product_id, r.partner_id, r.user_id, r.country_state_id, r.city,
                           r.customer_grade, r.warehouse_id, r.uom_id) for r in rows], [
            (self.order_a, self.shirt) + a, (self.order_a, self.jeans) + a, (self.order_b, self.shirt) + b])
        # ordered, delivered (net of returns), returned, invoiced; untaxed amount, cost, margin
        self.assertEqual([(r.qty_ordered, r.qty_delivered, r.qty_returned, r.qty_invoiced,
                           r.amount_untaxed, r.cost, r.margin) for r in rows], [
            (10, 8, 2, 10, 120.0, 40.0, 56.0),    # 96.00 kept at 12.00 - 8 x 5.00
            (12, 12, 0, 12, 300.0, 240.0, 60.0),  # one box = 12 jeans at 20.00
            (5, 3, 0, 0, 45.0, 15.0, 12.0),       # 45.00 x 3 / 5 = 27.00 - 3 x 5.00
        ])
        self.assertEqual(self.order_a.sudo(self.manager).margin, 116.0, "the same margin as the order")

    def test_grouped_by_salesperson_province_grade_and_month(self):
        def totals(groupby, domain=None):
            groups = self.Report.read_group(domain or self.domain,
                                            [groupby, "qty_ordered", "amount_untaxed", "cost", "margin"],
                                            [groupby], lazy=False)
            return {(g[groupby][0] if isinstance(g[groupby], tuple) else g[groupby]):
                    (g["__count"], g["qty_ordered"], g["amount_untaxed"], g["cost"], g["margin"]) for g in groups}

        self.assertEqual(totals("user_id"), {
            self.salesman_a.id: (3, 23.0, 432.0, 280.0, 116.0),
            self.salesman_b.id: (1, 5.0, 45.0, 15.0, 12.0)})
        self.assertEqual(totals("country_state_id"), {
            self.province_a.id: (3, 23.0, 432.0, 280.0, 116.0),
            self.province_b.id: (1, 5.0, 45.0, 15.0, 12.0)})
        self.assertEqual(totals("customer_grade"), {"a": (3, 23.0, 432.0, 280.0, 116.0),
                                                    "b": (1, 5.0, 45.0, 15.0, 12.0)})
        self.assertEqual(totals("product_id"), {self.shirt.id: (3, 16.0, 177.0, 55.0, 68.0),
                                                self.jeans.id: (1, 12.0, 300.0, 240.0, 60.0)})
        months = self.Report.read_group(self.domain, ["amount_untaxed", "date"], ["date:month"], lazy=False)
        self.assertEqual(sorted(g["amount_untaxed"] for g in months), [12.0, 465.0])
        all_states = self.Report.read_group([("order_id", "in", self.orders.ids)], ["amount_untaxed", "state"],
                                            ["state"], lazy=False)
        self.assertEqual({g["state"]: g["amount_untaxed"] for g in all_states},
                         {"confirmed": 477.0, "quotation": 100.0})

    def test_period_filters(self):
        arch = etree.XML(self.Report.fields_view_get(view_type="search")["arch"])
        filters = {f.get("name"): f.get("domain") for f in arch.iter("filter") if f.get("domain")}

        def period(name, today):
            domain = safe_eval(filters[name], {"context_today": lambda: today, "relativedelta": relativedelta})
            return tuple(leaf[1:] for leaf in domain)

        november, february = date(2026, 11, 15), date(2026, 2, 10)
        self.assertEqual(period("this_month", november), ((">=", "2026-11-01"), ("<", "2026-12-01")))
        self.assertEqual(period("this_quarter", november), ((">=", "2026-10-01"), ("<", "2027-01-01")))
        self.assertEqual(period("this_quarter", february), ((">=", "2026-01-01"), ("<", "2026-04-01")))
        self.assertEqual(period("this_year", november), ((">=", "2026-01-01"), ("<=", "2026-12-31")))
        self.assertEqual(period("last_year_month", november), ((">=", "2025-11-01"), ("<", "2025-12-01")))
        self.assertEqual(period("last_year_quarter", november), ((">=", "2025-10-01"), ("<", "2026-01-01")))
        self.assertEqual(period("last_year_quarter", february), ((">=", "2025-01-01"), ("<", "2025-04-01")))
        self.assertEqual(period("last_year", february), ((">=", "2025-01-01"), ("<=", "2025-12-31")))
        # on the scenario: this month's sales and the same month last year
        today = fields.Date.from_string(self.today)
        this_month = safe_eval(filters["this_month"], {"context_today": lambda: today, "relativedelta": relativedelta})
        last_year = safe_eval(filters["last_year_month"], {"context_today": lambda: today,
                                                           "relativedelta": relativedelta})
        self.assertEqual(self.Report.search(self.domain + this_month).mapped("order_id"), self.order_a | self.order_b)
        self.assertEqual(self.Report.search(self.domain + last_year).mapped("order_id"), self.order_old)

    def test_salesman_sees_his_own_rows_without_cost_or_margin(self):
        Report = self.env["jxc.sale.report"].sudo(self.salesman_a)
        rows = Report.search([("order_id", "in", self.orders.ids)])
        self.assertEqual(rows.mapped("order_id"), self.order_a | self.order_old | self.quotation)
        groups = Report.read_group([], ["qty_ordered", "amount_untaxed", "user_id"], ["user_id"], lazy=False)
        self.assertEqual([(g["user_id"][0], g["qty_ordered"], g["amount_untaxed"]) for g in groups],
                         [(self.salesman_a.id, 27.0, 532.0)], "his rows only, the quotation included")
        self.assertNotIn("margin", Report.fields_get())
        self.assertNotIn("cost", Report.fields_get())
        for field in ("cost", "margin"):
            with self.assertRaises(AccessError):
                rows[:1].read([field])
            with self.assertRaises(AccessError):
                Report.read_group([], [field, "user_id"], ["user_id"])
            with self.assertRaises(AccessError):
                Report.read_group([], ["amount_untaxed"], [field])
            with self.assertRaises(AccessError):
                Report.search([(field, ">", 0)])
            with self.assertRaises(AccessError):
                Report.search([], order="%s desc" % field)
            with self.assertRaises(AccessError):
                rows.export_data(["order_id", field])
        # his pivot and list come without them
        for view_type in ("pivot", "tree"):
            arch = Report.fields_view_get(view_type=view_type)["arch"]
            self.assertNotIn('name="margin"', arch)
            self.assertNotIn('name="cost"', arch)
        self.assertIn('name="margin"', self.Report.fields_view_get(view_type="pivot")["arch"])
        # the other salesman and the accountant
        self.assertEqual(self.env["jxc.sale.report"].sudo(self.salesman_b).search(
            [("order_id", "in", self.orders.ids)]).mapped("order_id"), self.order_b)
        self.assertEqual(self.env["jxc.sale.report"].sudo(self.accountant).search(
            [("order_id", "in", self.orders.ids)]).mapped("order_id"), self.orders)
        with self.assertRaises(AccessError):
            self.env["jxc.sale.report"].sudo(self.accountant).read_group([], ["margin"], [])
        with self.assertRaises(AccessError):
            self.env["jxc.sale.report"].sudo(self.keeper).search([])

    def test_an_order_in_another_currency_in_the_company_currency(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        day = fields.Date.to_string(fields.Date.from_string(self.today) - relativedelta(days=1))
        for currency, rate in ((self.company.currency_id, 1.0), (usd, 0.125)):  # 1 USD = 8 CNY
            self.env["res.currency.rate"].create({"currency_id": currency.id, "rate": rate, "name": day,
                                                  "company_id": self.company.id})
        order = self.env["jxc.sale.order"].create({
            "partner_id": self.cust_a.id, "warehouse_id": self.wh_a.id, "user_id": self.salesman_a.id,
            "currency_id": usd.id,
            "line_ids": [(0, 0, {"product_id": self.shirt.id, "uom_id": self.unit.id, "product_qty": 2,
                                 "price_unit": 50.0})]})
        order.button_confirm()
        row = self.Report.search([("order_id", "=", order.id)])
        self.assertEqual((row.qty_ordered, row.amount_untaxed), (2.0, 800.0), "100.00 USD at 8.00")

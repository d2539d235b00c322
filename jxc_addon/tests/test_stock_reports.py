"""Stock reports (issue 13) on a known two-month scenario: the 进销存汇总表, the valuation at a date,
turnover and holding cost, the reconciliation with the books, ABC classes and slow movers.

The scenario (company cost scope, products of their own category, so that the figures are exact):

  month 1 (M1)  day 5   receipt      Tee   100 @ 10.00 into A         A: Tee 100 / 1,000.00
                day 10  receipt      Denim  50 @ 40.00 into A         A: Denim 50 / 2,000.00
                day 15  delivery     Tee    30 from A  (avg 10)       A: Tee 70 / 700.00
                day 20  cust. return Tee     5 into A  (at 10.00)     A: Tee 75 / 750.00
                day 25  suppl. return Denim 10 from A  (at 40.00)     A: Denim 40 / 1,600.00
  month 2 (M2)  day 3   transfer     Tee    20 A -> B (at 10.00)      A: 55 / 550.00  B: 20 / 200.00
                day 8   receipt      Tee    25 @ 12.00 into A         A: 80 / 850.00  (pool 100 / 1,050: avg 10.50)
                day 12  delivery     Tee    40 from A (10.50)         A: 40 / 430.00
                day 18  stocktaking  Tee    -2 in B (10.50)           B: 18 / 179.00
                day 20  other out    Tee     3 from A (10.50)         A: 37 / 398.50
                day 22  stocktaking  Denim  +1 in A (40.00)           A: Denim 41 / 1,640.00
                day 25  receipt      Denim  10 @ 40.00 into A         A: Denim 51 / 2,040.00
  this month    today   the day-25 receipt is cancelled: a reversal   A: Denim 41 / 1,640.00
"""
import re
import tempfile
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tools import config

from .common import StockCase
from .test_report import pdf_text, poppler


class ReportCase(StockCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.from_string(fields.Date.context_today(cls.env.user))
        first_this = cls.today.replace(day=1)
        m2_last = first_this - timedelta(days=1)
        m1_last = m2_last.replace(day=1) - timedelta(days=1)
        cls.first_this = fields.Date.to_string(first_this)
        cls.m1_first, cls.m1_last = fields.Date.to_string(m1_last.replace(day=1)), fields.Date.to_string(m1_last)
        cls.m2_first, cls.m2_last = fields.Date.to_string(m2_last.replace(day=1)), fields.Date.to_string(m2_last)
        cls.categ = cls.env["product.category"].create({"name": "Report Goods"})
        Product = cls.env["product.product"]
        cls.tee = Product.create({"name": "Report Tee", "type": "consu", "categ_id": cls.categ.id})
        cls.denim = Product.create({"name": "Report Denim", "type": "consu", "categ_id": cls.categ.id})
        cls.company.jxc_holding_rate = 20.0
        cls.reconciliation_before = cls.reconcile(cls.today)

    @classmethod
    def m1(cls, day):
        return cls.m1_first[:8] + "%02d" % day

    @classmethod
    def m2(cls, day):
        return cls.m2_first[:8] + "%02d" % day

    @classmethod
    def reconcile(cls, date):
        reconciliation = cls.env["jxc.stock.reconciliation"].create({"date": fields.Date.to_string(date)})
        reconciliation.action_reconcile()
        return reconciliation

    def make_scenario(self):
        scrap = self.env["jxc.stock.reason"].search([("name", "=", "报损"), ("company_id", "=", self.company.id)])
        r1 = self.picking("receipt", [(self.tee, 100, 10.0)], date=self.m1(5))
        r2 = self.picking("receipt", [(self.denim, 50, 40.0)], date=self.m1(10))
        d1 = self.picking("delivery", [(self.tee, 30)], date=self.m1(15))
        self.picking("customer_return", [(self.tee, 5, 0.0, None, d1.line_ids)], date=self.m1(20))
        self.picking("supplier_return", [(self.denim, 10, 0.0, None, r2.line_ids)], date=self.m1(25))
        self.picking("transfer", [(self.tee, 20)], date=self.m2(3), dest_warehouse_id=self.wh_b.id)
        self.picking("receipt", [(self.tee, 25, 12.0)], date=self.m2(8))
        self.picking("delivery", [(self.tee, 40)], date=self.m2(12))
        self.picking("count", [(self.tee, -2)], warehouse=self.wh_b, date=self.m2(18))
        self.picking("other_out", [(self.tee, 3)], date=self.m2(20), reason_id=scrap.id)
        self.picking("count", [(self.denim, 1)], date=self.m2(22))
        r4 = self.picking("receipt", [(self.denim, 10, 40.0)], date=self.m2(25))
        r4.button_cancel()
        self.assertEqual(r1.state, "done")
        self.assertQuant(self.tee, 37, 398.5)
        self.assertQuant(self.tee, 18, 179.0, self.wh_b)
        self.assertQuant(self.denim, 41, 1640.0)

    def report(self, report, date_from, date_to, user=None, **vals):
        Wizard = self.env["jxc.stock.report.wizard"]
        if user:
            Wizard = Wizard.sudo(user)
        wizard = Wizard.create(dict(vals, report=report, date_from=date_from, date_to=date_to,
                                    categ_ids=[(6, 0, self.categ.ids)]))
        action = wizard.action_open()
        self.assertEqual(action["res_model"], "jxc.stock.summary")
        self.assertEqual(action["domain"], [("wizard_id", "=", wizard.id)])
        return wizard, wizard.line_ids

    def rows(self, lines, *names):
        """{(product, warehouse): (figures...)} of report rows, rounded as shown."""
        return {(line.product_id, line.warehouse_id): tuple(round(line[name], 4) for name in names) for line in lines}


class TestStockSummary(ReportCase):

    FIGURES = ("opening_qty", "opening_value",
               "in_receipt_qty", "in_receipt_value", "in_customer_return_qty", "in_customer_return_value",
               "in_transfer_qty", "in_transfer_value", "in_other_qty", "in_other_value",
               "in_count_qty", "in_count_value", "in_opening_qty", "in_opening_value",
               "out_delivery_qty", "out_delivery_value", "out_supplier_return_qty", "out_supplier_return_value",
               "out_transfer_qty", "out_transfer_value", "out_other_qty", "out_other_value",
               "out_count_qty", "out_count_value",
               "in_qty", "in_value", "out_qty", "out_value", "closing_qty", "closing_value")

    def setUp(self):
        super().setUp()
        self.make_scenario()

    def figures(self, opening=(0, 0), receipt=(0, 0), customer_return=(0, 0), transfer_in=(0, 0), other_in=(0, 0),
                gain=(0, 0), opening_doc=(0, 0), delivery=(0, 0), supplier_return=(0, 0), transfer_out=(0, 0),
                other_out=(0, 0), loss=(0, 0)):
        ins = (receipt, customer_return, transfer_in, other_in, gain, opening_doc)
        outs = (delivery, supplier_return, transfer_out, other_out, loss)
        total_in = (sum(q for q, _v in ins), sum(v for _q, v in ins))
        total_out = (sum(q for q, _v in outs), sum(v for _q, v in outs))
        closing = (opening[0] + total_in[0] - total_out[0], opening[1] + total_in[1] - total_out[1])
        return tuple(float(x) for pair in (opening,) + ins + outs + (total_in, total_out, closing) for x in pair)

    def test_month_one(self):
        _wizard, lines = self.report("summary", self.m1_first, self.m1_last)
        self.assertEqual(self.rows(lines, *self.FIGURES), {
            (self.tee, self.wh_a): self.figures(receipt=(100, 1000), customer_return=(5, 50), delivery=(30, 300)),
            (self.denim, self.wh_a): self.figures(receipt=(50, 2000), supplier_return=(10, 400)),
        })
        self.assertEqual(self.rows(lines, "closing_qty", "closing_value"), {
            (self.tee, self.wh_a): (75, 750), (self.denim, self.wh_a): (40, 1600)})

    def test_month_two_by_kind_and_totals(self):
        wizard, lines = self.report("summary", self.m2_first, self.m2_last)
        self.assertEqual(self.rows(lines, *self.FIGURES), {
            (self.tee, self.wh_a): self.figures(opening=(75, 750), receipt=(25, 300), delivery=(40, 420),
                                                transfer_out=(20, 200), other_out=(3, 31.5)),
            (self.tee, self.wh_b): self.figures(transfer_in=(20, 200), loss=(2, 21)),
            (self.denim, self.wh_a): self.figures(opening=(40, 1600), gain=(1, 40), receipt=(10, 400)),
        })
        self.assertEqual(self.rows(lines, "closing_qty", "closing_value"), {
            (self.tee, self.wh_a): (37, 398.5), (self.tee, self.wh_b): (18, 179), (self.denim, self.wh_a): (51, 2040)})
        for line in lines:  # opening + in - out = closing, in quantity and in value
            self.assertAlmostEqual(line.opening_qty + line.in_qty - line.out_qty, line.closing_qty, places=6)
            self.assertAlmostEqual(line.opening_value + line.in_value - line.out_value, line.closing_value, places=6)
        # totals of the pivot / list: grouped by category, then by warehouse
        Summary = self.env["jxc.stock.summary"]
        fields_ = ["opening_value", "in_value", "out_value", "closing_value", "closing_qty"]
        (total,) = Summary.read_group([("wizard_id", "=", wizard.id)], fields_ + ["categ_id"], ["categ_id"])
        self.assertEqual(total["categ_id"][0], self.categ.id)
        self.assertEqual([round(total[name], 2) for name in fields_], [2350.0, 940.0, 672.5, 2617.5, 106.0])
        by_warehouse = Summary.read_group([("wizard_id", "=", wizard.id)], fields_ + ["warehouse_id"], ["warehouse_id"])
        self.assertEqual(sorted((g["warehouse_id"][0], [round(g[n], 2) for n in fields_]) for g in by_warehouse),
                         sorted([(self.wh_a.id, [2350.0, 740.0, 651.5, 2438.5, 88.0]),
                                 (self.wh_b.id, [0.0, 200.0, 21.0, 179.0, 18.0])]))
        # filtered to one warehouse
        _wizard, lines = self.report("summary", self.m2_first, self.m2_last, warehouse_ids=[(6, 0, self.wh_b.ids)])
        self.assertEqual(self.rows(lines, "in_transfer_qty", "out_count_value", "closing_value"),
                         {(self.tee, self.wh_b): (20, 21, 179)})

    def test_reversal_is_a_negative_receipt_and_closing_equals_quants(self):
        _wizard, lines = self.report("summary", self.first_this, fields.Date.to_string(self.today))
        self.assertEqual(self.rows(lines, "opening_qty", "opening_value", "in_receipt_qty", "in_receipt_value",
                                   "closing_qty", "closing_value"), {
            (self.tee, self.wh_a): (37, 398.5, 0, 0, 37, 398.5),
            (self.tee, self.wh_b): (18, 179, 0, 0, 18, 179),
            (self.denim, self.wh_a): (51, 2040, -10, -400, 41, 1640),
        })
        for line in lines:
            quant = self.quant(line.product_id, line.warehouse_id)
            self.assertEqual((line.closing_qty, line.closing_value), (quant.quantity, quant.value))

    def test_whole_company_closing_today_equals_quants(self):
        """No filter, from the first month to today: every row closes at its quant, and every quant
        holding something has its row (the demo company's stock included)."""
        wizard = self.env["jxc.stock.report.wizard"].create({
            "report": "summary", "date_from": self.m1_first, "date_to": fields.Date.to_string(self.today)})
        wizard.action_open()
        rows = {(l.product_id.id, l.warehouse_id.id): (round(l.closing_qty, 4), round(l.closing_value, 2))
                for l in wizard.line_ids}
        quants = self.env["jxc.stock.quant"].search([("company_id", "=", self.company.id)])
        expected = {(q.product_id.id, q.warehouse_id.id): (round(q.quantity, 4), round(q.value, 2))
                    for q in quants if q.quantity or q.value}
        self.assertTrue(expected)
        self.assertEqual({key: rows.get(key) for key in expected}, expected)
        self.assertFalse({key: value for key, value in rows.items() if key not in expected and any(value)})

    def test_backward_and_forward_reading_agree(self):
        """The opening is read forward from the start of the ledger or back from the stock on hand,
        whichever reads fewer rows: both give the same report."""
        Summary = type(self.env["jxc.stock.summary"])
        results = []
        for backward in (False, True):
            with patch.object(Summary, "_scan_backward", return_value=backward):
                for date_from, date_to in ((self.m1_first, self.m1_last), (self.m2_first, self.m2_last),
                                           (self.m2(10), fields.Date.to_string(self.today))):
                    _wizard, lines = self.report("summary", date_from, date_to)
                    results.append(self.rows(lines, *self.FIGURES))
        self.assertEqual(results[:3], results[3:])
        self.assertEqual(results[2][(self.tee, self.wh_a)][:2], (80.0, 850.0), "opening on day 10 of M2")

    def test_valuation_at_a_date(self):
        wizard, lines = self.report("valuation", self.m1_first, self.m1_last)
        self.assertEqual(wizard.date_from, self.m1_last, "a valuation is the end of one day")
        self.assertEqual(self.rows(lines, "closing_qty", "closing_value", "unit_cost"), {
            (self.tee, self.wh_a): (75, 750, 10), (self.denim, self.wh_a): (40, 1600, 40)})
        _wizard, lines = self.report("valuation", self.m2(12), self.m2(12))
        self.assertEqual(self.rows(lines, "closing_qty", "closing_value", "unit_cost"), {
            (self.tee, self.wh_a): (40, 430, 10.75), (self.tee, self.wh_b): (20, 200, 10),
            (self.denim, self.wh_a): (40, 1600, 40)})
        (total,) = self.env["jxc.stock.summary"].read_group(
            [("id", "in", lines.ids)], ["closing_qty", "closing_value", "unit_cost"], [])
        self.assertEqual((total["closing_qty"], total["closing_value"]), (100, 2230))
        self.assertAlmostEqual(total["unit_cost"], 22.30, places=6, msg="value / quantity, not a mean of costs")

    def test_turnover_and_holding_cost(self):
        # 28 days of M2 (every month has them): the movements of the scenario all fall in them
        wizard, lines = self.report("turnover", self.m2_first, self.m2(28))
        self.assertEqual(self.rows(lines, "days", "sold_qty", "cogs", "average_value", "holding_cost"), {
            # 750 + (-200×26 + 300×21 - 420×17 - 31.5×9) / 28; holding 524.1607 × 20% × 28 / 365
            (self.tee, self.wh_a): (28, 40, 420, 524.16, 8.04),
            # (200×26 - 21×11) / 28
            (self.tee, self.wh_b): (28, 0, 0, 177.46, 2.72),
            # 1600 + (40×7 + 400×4) / 28
            (self.denim, self.wh_a): (28, 0, 0, 1667.14, 25.58),
        })
        line = lines.filtered(lambda l: l.product_id == self.tee and l.warehouse_id == self.wh_a)
        # shown rounded: quantities to 3 decimals, turnover and sell-through to 2, days to 1
        self.assertAlmostEqual(line.average_qty, 75 + (-20 * 26 + 25 * 21 - 40 * 17 - 3 * 9) / 28.0, places=3)
        self.assertAlmostEqual(line.turnover, 420 / (750 - 6323.5 / 28), places=2)  # 0.80
        self.assertAlmostEqual(line.days_of_inventory, (750 - 6323.5 / 28) * 28 / 420, places=1)  # 34.9
        self.assertAlmostEqual(line.sell_through, 40.0, places=2, msg="40 sold of 75 + 25 available")
        others = lines - line
        self.assertEqual(others.mapped("turnover"), [0.0, 0.0])
        self.assertEqual(others.mapped("days_of_inventory"), [0.0, 0.0])
        # the category's ratios come from its sums
        (total,) = self.env["jxc.stock.summary"].read_group(
            [("wizard_id", "=", wizard.id)],
            ["categ_id", "cogs", "average_value", "turnover", "days_of_inventory", "sell_through", "holding_cost"],
            ["categ_id"])
        self.assertEqual((total["cogs"], round(total["average_value"], 2), round(total["holding_cost"], 2)),
                         (420.0, 2368.76, 36.34))
        self.assertAlmostEqual(total["turnover"], 420 / 2368.76, places=6)
        self.assertAlmostEqual(total["days_of_inventory"], 2368.76 * 28 / 420, places=6)
        # sold 40 of (Tee A 75 + 25) + (Tee B 0 + 20) + (Denim 40 + 11)
        self.assertAlmostEqual(total["sell_through"], 100.0 * 40 / 171, places=6)

    def test_pdf_holds_the_figures(self):
        wizard = self.env["jxc.stock.report.wizard"].create({
            "report": "summary", "date_from": self.m2_first, "date_to": self.m2_last,
            "categ_ids": [(6, 0, self.categ.ids)]})
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "jxc_addon.jxc_stock_summary_report_main")
        report = self.env.ref("jxc_addon.jxc_stock_summary_report")
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        with tempfile.TemporaryDirectory() as directory, \
                patch.dict(config.options, {"test_report_directory": directory}):
            pdf, report_format = report.render_qweb_pdf(wizard.line_ids.ids)
        self.assertEqual(report_format, "pdf")
        text = pdf_text(pdf)
        self.assertIn("Stock Summary", text)
        self.assertIn("Report Goods", text)
        unit = self.tee.uom_id.name
        self.assertRegex(text, r"Report Tee\s+\[TA\] Test WH A\s+%s\s+75\.000\s+750\.00\s+25\.000\s+300\.00\s+"
                               r"63\.000\s+651\.50\s+37\.000\s+398\.50" % re.escape(unit))
        self.assertRegex(text, r"Report Tee\s+\[TB\] Test WH B\s+%s\s+0\.000\s+0\.00\s+20\.000\s+200\.00\s+"
                               r"2\.000\s+21\.00\s+18\.000\s+179\.00" % re.escape(unit))
        self.assertRegex(text, r"Report Denim\s+\[TA\] Test WH A\s+%s\s+40\.000\s+1,600\.00\s+11\.000\s+440\.00\s+"
                               r"0\.000\s+0\.00\s+51\.000\s+2,040\.00" % re.escape(unit))
        self.assertRegex(text, r"Total\s+115\.000\s+2,350\.00\s+56\.000\s+940\.00\s+65\.000\s+672\.50\s+"
                               r"106\.000\s+2,617\.50")
        self.assertRegex(text, r"Out: sales deliveries\s+40\.000\s+420\.00")
        self.assertRegex(text, r"In: stocktaking gains\s+1\.000\s+40\.00")
        self.assertRegex(poppler(pdf, "pdfinfo", "PDF"), r"Page size:\s+84[12](\.\d+)? x 595(\.\d+)? pts \(A4\)")

    def test_rows_are_their_creators_and_values_need_the_price_right(self):
        salesman = self.make_user("t_rep_salesman", "group_jxc_salesman")
        keeper = self.make_user("t_rep_keeper", "group_jxc_keeper")
        wizard, lines = self.report("summary", self.m2_first, self.m2_last, user=salesman)
        lines = lines.sudo(salesman)
        self.assertEqual(self.rows(lines, "opening_qty", "in_qty", "out_qty", "closing_qty"), {
            (self.tee, self.wh_a): (75, 25, 63, 37), (self.tee, self.wh_b): (0, 20, 2, 18),
            (self.denim, self.wh_a): (40, 11, 0, 51)})
        with self.assertRaises(AccessError):
            lines.read(["closing_value"])
        with self.assertRaises(AccessError):
            lines.read_group([("wizard_id", "=", wizard.id)], ["categ_id", "closing_value"], ["categ_id"])
        with self.assertRaises(AccessError):
            lines.export_data(["product_id", "closing_value"])
        # another user finds none of them, and may not read them
        Summary = self.env["jxc.stock.summary"].sudo(keeper)
        self.assertFalse(Summary.search([("wizard_id", "=", wizard.id)]))
        with self.assertRaises(AccessError):
            Summary.browse(lines.ids).read(["closing_qty"])
        # the valuation and turnover are for those who see costs
        for report in ("valuation", "turnover"):
            with self.assertRaises(AccessError):
                self.report(report, self.m2_first, self.m2_last, user=salesman)
        _wizard, lines = self.report("valuation", self.m2_last, self.m2_last, user=keeper)
        self.assertEqual(sum(lines.sudo(keeper).mapped("closing_value")), 2617.5)
        # a user limited to some warehouses (record rules on the stock on hand) gets their rows only
        limited = self.make_user("t_rep_limited", "group_jxc_keeper")
        group = self.env["res.groups"].create({"name": "Report test: warehouse B", "users": [(4, limited.id)]})
        self.env["ir.rule"].create({
            "name": "Stock on hand of warehouse B", "model_id": self.env.ref("jxc_addon.model_jxc_stock_quant").id,
            "groups": [(4, group.id)], "domain_force": "[('warehouse_id', '=', %d)]" % self.wh_b.id})
        _wizard, rows = self.report("summary", self.m2_first, self.m2_last, user=limited)
        self.assertEqual(rows.mapped("warehouse_id"), self.wh_b)
        _wizard, rows = self.report("summary", self.m2_first, self.m2_last, user=limited,
                                    warehouse_ids=[(6, 0, (self.wh_a | self.wh_b).ids)])
        self.assertEqual(rows.mapped("warehouse_id"), self.wh_b)
        # nor may a report be made for a company the user does not work for
        other = self.env["res.company"].create({"name": "Report Test Other Company"})
        with self.assertRaises(AccessError):
            self.report("summary", self.m2_first, self.m2_last, user=keeper, company_id=other.id)
        # what the list's export to Excel gives
        exported = lines.sudo(keeper).sorted(lambda l: (l.product_id.name, l.warehouse_id.code)).export_data(
            ["product_id", "warehouse_id", "closing_qty", "closing_value"])["datas"]
        self.assertEqual(exported, [["Report Denim", "[TA] Test WH A", "51.0", "2040.0"],
                                    ["Report Tee", "[TA] Test WH A", "37.0", "398.5"],
                                    ["Report Tee", "[TB] Test WH B", "18.0", "179.0"]])


class TestReconciliation(ReportCase):

    @staticmethod
    def money(amount):
        return "¥ {:,.2f}".format(amount)

    def test_reconciled_then_a_manual_entry_shows(self):
        self.make_scenario()
        before = self.reconciliation_before
        self.assertEqual((before.stock_difference, before.grni_difference), (0.0, 0.0))
        recon = self.reconcile(self.today)
        self.assertEqual(recon.stock_account_id.code, "1405")
        self.assertEqual(recon.grni_account_id.code, "220201")
        self.assertEqual((recon.stock_difference, recon.grni_difference), (0.0, 0.0))
        self.assertFalse(recon.line_ids)
        self.assertEqual(recon.stock_ledger_value, recon.stock_account_balance)
        # the scenario's stock is worth 398.50 + 179.00 + 1,640.00; received not billed: 1,000 + 2,000
        # - 400 (returned) + 300 + 400 - 400 (reversed)
        self.assertAlmostEqual(recon.stock_ledger_value - before.stock_ledger_value, 2217.5, places=2)
        self.assertAlmostEqual(recon.grni_document_value - before.grni_document_value, 2900.0, places=2)
        self.assertAlmostEqual(recon.grni_account_balance - before.grni_account_balance, 2900.0, places=2)
        # at the end of month 1, by the ledger and in the books: Tee 750 + Denim 1,600
        at_m1 = self.reconcile(fields.Date.from_string(self.m1_last))
        self.assertEqual((at_m1.stock_difference, at_m1.grni_difference), (0.0, 0.0))

        journal = self.env["account.journal"].search([("type", "=", "general"), ("company_id", "=", self.company.id)],
                                                     limit=1)
        manual = self.env["account.move"].create({
            "journal_id": journal.id, "date": fields.Date.to_string(self.today), "ref": "Manual stock adjustment",
            "line_ids": [(0, 0, {"name": "stock", "account_id": self.account["1405"].id, "debit": 123.45}),
                         (0, 0, {"name": "grni", "account_id": self.account["grni"].id, "credit": 123.45})]})
        manual.post()
        recon = self.reconcile(self.today)
        self.assertEqual((recon.stock_difference, recon.grni_difference), (123.45, 123.45))
        self.assertEqual([(l.kind, l.move_id, l.document_amount, l.account_amount, l.difference)
                          for l in recon.line_ids.sorted(lambda l: l.kind, reverse=True)],
                         [("stock", manual, 0.0, 123.45, 123.45), ("grni", manual, 0.0, 123.45, 123.45)])
        self.assertIn("not made by a stock document", recon.line_ids.filtered(lambda l: l.kind == "stock").note)
        # the day before the entry, the books still agree
        yesterday = self.reconcile(self.today - timedelta(days=1))
        self.assertEqual((yesterday.stock_difference, yesterday.grni_difference), (0.0, 0.0))
        # reverse it, so that the books agree again (the integrity check after each test)
        manual.reverse_moves(fields.Date.to_string(self.today))
        # printed for the file (in the user's language): both totals, the entry that makes the
        # difference, who signs
        report = self.env.ref("jxc_addon.jxc_stock_reconciliation_report")
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        with tempfile.TemporaryDirectory() as directory, \
                patch.dict(config.options, {"test_report_directory": directory}):
            pdf, report_format = report.render_qweb_pdf(recon.ids)
        self.assertEqual(report_format, "pdf")
        text = pdf_text(pdf)
        self.assertRegex(text, "Stock Reconciliation with the Books|库存与总账核对")
        self.assertRegex(text, r"1405 \S+\s+%s\s+%s\s+¥ 123\.45" % (
            re.escape(self.money(recon.stock_ledger_value)), re.escape(self.money(recon.stock_account_balance))))
        self.assertIn(manual.name, text)
        self.assertRegex(text, r"\n\s*1405\s+(\S+\s+){0,4}¥ 0\.00\s+¥ 123\.45\s+¥ 123\.45")
        self.assertRegex(text, "Reviewed by:|复核：")

    def test_for_accountants(self):
        keeper = self.make_user("t_rep_keeper2", "group_jxc_keeper")
        accountant = self.make_user("t_rep_accountant", "group_jxc_accountant")
        with self.assertRaises(AccessError):
            self.env["jxc.stock.reconciliation"].sudo(keeper).create({}).action_reconcile()
        recon = self.env["jxc.stock.reconciliation"].sudo(accountant).create({})
        action = recon.action_reconcile()
        self.assertEqual((action["res_model"], action["res_id"]), ("jxc.stock.reconciliation", recon.id))
        self.assertEqual(recon.stock_difference, 0.0)


class TestAbcClassification(ReportCase):

    def setUp(self):
        super().setUp()
        Product = self.env["product.product"]
        self.abc = [Product.create({"name": "ABC %d" % i, "type": "consu", "categ_id": self.categ.id})
                    for i in range(6)]
        customer = self.env["res.partner"].create({"name": "ABC Customer", "customer": True})
        # untaxed sales 7,000 / 2,000 / 600 / 300 / 100 and nothing: shares before each 0 / 70 / 90 / 96 / 99 %
        for product, amount in zip(self.abc, (7000, 2000, 600, 300, 100)):
            order = self.env["jxc.sale.order"].create({
                "partner_id": customer.id, "warehouse_id": self.wh_a.id, "date_order": self.m2(5),
                "line_ids": [(0, 0, {"product_id": product.id, "uom_id": product.uom_id.id, "product_qty": 10,
                                     "price_unit": amount / 10.0})]})
            order.button_confirm_backorder()
        # a quotation does not count
        self.env["jxc.sale.order"].create({
            "partner_id": customer.id, "warehouse_id": self.wh_a.id, "date_order": self.m2(5),
            "line_ids": [(0, 0, {"product_id": self.abc[5].id, "uom_id": self.abc[5].uom_id.id, "product_qty": 1,
                                 "price_unit": 99999.0})]})

    def test_monthly_classification(self):
        cron = self.env.ref("jxc_addon.ir_cron_jxc_classify_abc")
        self.assertEqual((cron.interval_number, cron.interval_type, cron.code),
                         (1, "months", "model._cron_jxc_classify_abc()"))
        self.assertTrue(self.env["res.company"]._cron_jxc_classify_abc())
        self.assertEqual([(p.jxc_abc_class, p.jxc_abc_sales) for p in self.abc],
                         [("a", 7000), ("a", 2000), ("b", 600), ("c", 300), ("c", 100), ("c", 0)])
        self.assertEqual(self.abc[0].jxc_abc_date, fields.Date.context_today(self.env.user))
        self.assertEqual(self.tee.jxc_abc_class, "c", "not sold")
        # thresholds from the Settings: A up to 60%, B the next 37% (shares before: 0, 70, 90, 96, 99)
        self.company.write({"jxc_abc_a_share": 60.0, "jxc_abc_b_share": 37.0})
        self.company.action_jxc_classify_abc()
        self.assertEqual([p.jxc_abc_class for p in self.abc], ["a", "b", "b", "b", "c", "c"])
        # a period that ends before the sales: nothing sold, all C
        self.company.jxc_abc_days = 1
        self.company.action_jxc_classify_abc()
        self.assertEqual({p.jxc_abc_class for p in self.abc}, {"c"})

    def test_class_filters_rules_warnings_and_reports(self):
        self.company.action_jxc_classify_abc()
        rules = self.env["jxc.reorder.rule"]
        for product in self.abc[:3]:
            rules |= rules.create({"product_id": product.id, "warehouse_id": self.wh_a.id, "min_qty": 5,
                                   "max_qty": 10})
        self.assertEqual(rules.search([("product_id.jxc_abc_class", "=", "a"), ("id", "in", rules.ids)]),
                         rules[:2])
        rules.action_reorder_scan()
        warnings = self.env["jxc.reorder.warning"].search([("rule_id", "in", rules.ids)])
        self.assertEqual(len(warnings), 3)
        class_b = warnings.search([("product_id.jxc_abc_class", "=", "b"), ("id", "in", warnings.ids)])
        self.assertEqual(class_b.product_id, self.abc[2])
        # the filters of the views
        for view in ("jxc_addon.jxc_reorder_rule_view_search", "jxc_addon.jxc_reorder_warning_view_search"):
            arch = self.env.ref(view).arch_db
            self.assertIn("('product_id.jxc_abc_class', '=', 'a')", arch)
        # the class as it was when a report was made
        self.picking("receipt", [(self.abc[0], 3, 1.0), (self.abc[3], 2, 1.0)])
        _wizard, lines = self.report("turnover", self.first_this, fields.Date.to_string(self.today))
        self.assertEqual({line.product_id: line.abc_class for line in lines}, {self.abc[0]: "a", self.abc[3]: "c"})

    def test_who_may_classify(self):
        salesman = self.make_user("t_rep_abc_salesman", "group_jxc_salesman")
        with self.assertRaises(AccessError):
            self.company.sudo(salesman).action_jxc_classify_abc()
        purchaser = self.make_user("t_rep_abc_purchaser", "group_jxc_purchaser")
        self.assertTrue(self.company.sudo(purchaser).action_jxc_classify_abc())
        self.assertEqual(self.abc[0].jxc_abc_class, "a")


class TestSlowMovers(ReportCase):

    def days_ago(self, days):
        return fields.Date.to_string(self.today - timedelta(days=days))

    def test_slow_movers_enriched(self):
        Product = self.env["product.product"]
        slow_tee = Product.create({"name": "Slow Tee", "type": "consu"})
        dusty_cap = Product.create({"name": "Dusty Cap", "type": "consu"})
        old_scarf = Product.create({"name": "Old Scarf", "type": "consu"})
        # Slow Tee: sold in A 100 days ago, sells in B now
        self.picking("receipt", [(slow_tee, 10, 5.0)], date=self.days_ago(120))
        self.picking("delivery", [(slow_tee, 2)], date=self.days_ago(100))
        self.picking("receipt", [(slow_tee, 10, 5.0)], warehouse=self.wh_b, date=self.days_ago(20))
        self.picking("delivery", [(slow_tee, 6)], warehouse=self.wh_b, date=self.days_ago(10))
        # Dusty Cap: never sold, still replenished by a reorder rule in A
        self.picking("receipt", [(dusty_cap, 12, 10.0)], date=self.days_ago(200))
        self.env["jxc.reorder.rule"].create({"product_id": dusty_cap.id, "warehouse_id": self.wh_a.id,
                                             "min_qty": 6, "max_qty": 12})
        # Old Scarf: never sold, not replenished
        self.picking("receipt", [(old_scarf, 5, 30.0)], date=self.days_ago(150))
        Warning = self.env["jxc.reorder.warning"]
        Warning.action_slow_moving_scan()
        warnings = Warning.search([("kind", "=", "slow"), ("state", "=", "open"),
                                   ("product_id", "in", (slow_tee | dusty_cap | old_scarf).ids)])
        self.assertEqual(sorted((w.product_id.name, w.warehouse_id.code, w.projected_qty, w.value, w.last_sale_date,
                                 w.days_since_sale, w.holding_cost, w.suggested_action, w.suggested_warehouse_id.code)
                                for w in warnings), [
            # 12 × 10.00 tied up 200 days at 20% a year: 120 × 0.2 × 200 / 365
            ("Dusty Cap", "TA", 12, 120.0, False, 200, 13.15, "stop_reorder", False),
            ("Old Scarf", "TA", 5, 150.0, False, 150, 12.33, "promotion", False),
            ("Slow Tee", "TA", 8, 40.0, self.days_ago(100), 100, 2.19, "transfer", "TB"),
        ])
        # the Slow Movers report lists them
        action = self.env.ref("jxc_addon.jxc_reorder_warning_action_slow")
        self.assertEqual(Warning.search(eval(action.domain) + [("id", "in", warnings.ids)]), warnings)
        # once the Tee sells in A again, its warning closes
        self.picking("delivery", [(slow_tee, 1)])
        Warning.action_slow_moving_scan()
        self.assertEqual(warnings.filtered(lambda w: w.state == "open").mapped("product_id"), dusty_cap | old_scarf)


class TestReportMenus(ReportCase):

    def test_reports_under_the_reports_menu(self):
        menu = self.env.ref("jxc_addon.jxc_menu_report")
        actions = {m.action for m in self.env["ir.ui.menu"].search([("parent_id", "=", menu.id)])}
        for xmlid in ("jxc_stock_report_wizard_action_summary", "jxc_stock_report_wizard_action_valuation",
                      "jxc_stock_report_wizard_action_turnover", "jxc_stock_reconciliation_action",
                      "jxc_reorder_warning_action_slow", "product_product_action_jxc_abc"):
            self.assertIn(self.env.ref("jxc_addon." + xmlid), actions, xmlid)
        wizard = self.env["jxc.stock.report.wizard"].with_context(default_report="summary").create({})
        self.assertEqual((wizard.date_from, wizard.date_to), (self.first_this, fields.Date.to_string(self.today)),
                         "this month by default")
        views = [mode for _view, mode in wizard.action_open()["views"]]
        self.assertEqual(views, ["tree", "pivot", "graph"])

"""The 进销存 dashboard: the figures of the sales and aging scenarios, for a manager (everything of
the company) and a salesman (his own sales and customers, no margin, no stock value); each figure
opens the list it sums."""
import json

from odoo.exceptions import AccessError

from .test_analysis_aging import AgingCase
from .test_analysis_sale import SaleAnalysisCase


class TestDashboard(SaleAnalysisCase, AgingCase):

    def board(self, user):
        return self.env["jxc.dashboard"].sudo(user).search([("company_id", "=", self.company.id)])

    def manager_figures(self):
        board = self.board(self.manager)
        return {name: board[name] for name in ("sale_today", "sale_today_count", "sale_month", "sale_month_count",
                                               "margin_month", "stock_value", "overdue_amount", "overdue_count")}

    def setUp(self):
        super().setUp()
        self.before = self.manager_figures()
        self.make_sales()
        self.debtor.user_id = self.salesman_a
        self.make_books()

    def opened(self, board, figure, record_id=None):
        """The records of the list the figure opens, read as the board's user."""
        action = board.with_context(jxc_figure=figure, jxc_id=record_id).action_open_figure()
        self.assertEqual(action["views"][0][1], "tree" if figure != "trend" else "graph")
        return self.env[action["res_model"]].sudo(board.env.user).search(action["domain"])

    def test_salesman_sees_his_own_figures(self):
        board = self.board(self.salesman_a)
        self.assertEqual(len(board), 1)
        # today and this month: order A (420.00); the order of a year ago and the quotation are not sales
        self.assertEqual((board.sale_today, board.sale_today_count, board.sale_month, board.sale_month_count),
                         (420.0, 1, 420.0, 1))
        # his customers' receivables: 1,050.00 overdue at 账龄客户; order A's invoice is due today
        self.assertEqual((board.overdue_amount, board.overdue_count), (1050.0, 1))
        products = json.loads(board.top_products)
        unit = self.unit.name
        self.assertEqual([(p["id"], p["amount"], p["qty_text"]) for p in products],
                         [(self.jeans.id, 300.0, "12 " + unit), (self.shirt.id, 120.0, "10 " + unit)])
        self.assertEqual([(c["id"], c["amount"]) for c in json.loads(board.top_customers)], [(self.cust_a.id, 420.0)])
        graph = json.loads(board.sales_graph)[0]["values"]
        self.assertEqual(len(graph), 12)
        self.assertEqual((graph[-1]["label"], graph[-1]["value"]), (self.today[:7], 420.0))
        self.assertEqual(sum(point["value"] for point in graph), 420.0, "a year ago is outside the 12 months")
        for field in ("margin_month", "margin_month_rate", "stock_value"):
            with self.assertRaises(AccessError):
                board.read([field])
            with self.assertRaises(AccessError):
                board.export_data([field])
        view = board.fields_view_get(view_type="kanban")
        self.assertNotIn("margin_month", view["fields"])
        self.assertNotIn("stock_value", view["fields"])
        self.assertIn("sale_today", view["fields"])
        # each figure opens its list
        self.assertEqual(sum(self.opened(board, "sale_today").mapped("amount_untaxed")), 420.0)
        self.assertEqual(sum(self.opened(board, "sale_month").mapped("amount_untaxed")), 420.0)
        self.assertEqual(self.opened(board, "top_product", self.jeans.id).mapped("amount_untaxed"), [300.0])
        self.assertEqual(sum(self.opened(board, "top_customer", self.cust_a.id).mapped("amount_untaxed")), 420.0)
        self.assertEqual(sum(self.opened(board, "trend").mapped("amount_untaxed")), 420.0)
        overdue = self.opened(board, "overdue")
        self.assertEqual((overdue.mapped("partner_id"), sum(overdue.mapped("overdue"))), (self.debtor, 1050.0))
        # the other salesman: nothing of A's
        other = self.board(self.salesman_b)
        self.assertEqual((other.sale_today, other.sale_today_count, other.overdue_amount), (45.0, 1, 0.0))

    def test_manager_sees_the_company(self):
        board = self.board(self.manager)
        after = self.manager_figures()
        delta = {name: round(after[name] - self.before[name], 2) for name in after}
        # today: orders A and B (420.00 + 45.00); margin 116.00 + 12.00; stock in 900.00, out 305.00,
        # 10.00 back; overdue: 1,050.00 at 账龄客户
        self.assertEqual(delta, {"sale_today": 465.0, "sale_today_count": 2, "sale_month": 465.0,
                                 "sale_month_count": 2, "margin_month": 128.0, "stock_value": 605.0,
                                 "overdue_amount": 1050.0, "overdue_count": 1})
        for figure, field, measure in (("sale_today", "sale_today", "amount_untaxed"),
                                       ("margin_month", "margin_month", "margin"),
                                       ("stock_value", "stock_value", "value"),
                                       ("overdue", "overdue_amount", "overdue")):
            self.assertAlmostEqual(sum(self.opened(board, figure).mapped(measure)), board[field], places=2,
                                   msg=figure)
        view = board.fields_view_get(view_type="kanban")
        self.assertIn("margin_month", view["fields"])
        self.assertIn("stock_value", view["fields"])

    def test_open_warnings_by_type(self):
        Warning = self.env["jxc.reorder.warning"]
        rule = self.env["jxc.reorder.rule"].create({"product_id": self.shirt.id, "warehouse_id": self.wh_b.id,
                                                    "min_qty": 5, "max_qty": 20})
        before = self.board(self.manager).warning_reorder
        rule.action_reorder_scan()
        for user in (self.manager, self.salesman_a):
            board = self.board(user)
            self.assertEqual(board.warning_reorder, before + 1)
            for kind in ("reorder", "slow", "overstock", "overdue", "backup"):
                opened = self.opened(board, "warning_" + kind)
                self.assertEqual(len(opened), board["warning_" + kind], kind)
                self.assertEqual(set(opened.mapped("kind")) - {kind}, set(), kind)
        self.assertIn(Warning.search([("rule_id", "=", rule.id), ("state", "=", "open")]),
                      self.opened(self.board(self.manager), "warning_reorder"))

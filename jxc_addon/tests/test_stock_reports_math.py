"""Stock analysis arithmetic (turnover, holding cost, ABC, slow movers), without Odoo."""
import unittest

from odoo.addons.jxc_addon.lib.stock_analysis import (
    abc_classes, average_balance, best_class, days_of_inventory, holding_cost, sell_through_rate,
    slow_mover_action, turnover_ratio)


class TestTurnover(unittest.TestCase):

    def test_turnover_and_days(self):
        self.assertEqual(turnover_ratio(1200.0, 400.0), 3.0)
        self.assertEqual(days_of_inventory(1200.0, 400.0, 30), 10.0)

    def test_no_stock_or_no_sales(self):
        self.assertEqual(turnover_ratio(500.0, 0.0), 0.0)
        self.assertEqual(turnover_ratio(500.0, -10.0), 0.0)
        self.assertEqual(days_of_inventory(0.0, 400.0, 30), 0.0, "nothing sold: no turnover to measure")

    def test_sell_through(self):
        self.assertEqual(sell_through_rate(40, 75, 25), 40.0)
        self.assertEqual(sell_through_rate(5, 0, 0), 0.0)

    def test_holding_cost(self):
        self.assertEqual(holding_cost(3650.0, 20.0, 365), 730.0)
        self.assertAlmostEqual(holding_cost(120.0, 20.0, 200), 13.150685, places=6)
        self.assertEqual(holding_cost(1000.0, 0.0, 30), 0.0)

    def test_average_balance_of_end_of_day_balances(self):
        # 10 days from 100: +50 on day 0 (held 10 days), -30 on day 7 (3 days): 100 + (500 - 90) / 10
        self.assertEqual(average_balance(100.0, [(0, 50.0), (7, -30.0)], 10), 141.0)
        balances = [150.0] * 7 + [120.0] * 3
        self.assertEqual(average_balance(100.0, [(0, 50.0), (7, -30.0)], 10), sum(balances) / 10)


class TestAbc(unittest.TestCase):

    def test_eighty_fifteen_five(self):
        values = [("p1", 7000), ("p2", 2000), ("p3", 600), ("p4", 300), ("p5", 100), ("p6", 0)]
        self.assertEqual(abc_classes(values), {"p1": "a", "p2": "a", "p3": "b", "p4": "c", "p5": "c", "p6": "c"})

    def test_the_product_crossing_a_threshold_keeps_the_better_class(self):
        # shares before each: 0, 50, 79.9, 94.9
        values = [("a", 500), ("b", 299), ("c", 150), ("d", 51)]
        self.assertEqual(abc_classes(values), {"a": "a", "b": "a", "c": "a", "d": "b"})
        # exactly 80% before: B
        self.assertEqual(abc_classes([("x", 80), ("y", 15), ("z", 5)]), {"x": "a", "y": "b", "z": "c"})

    def test_custom_shares_ties_and_nothing(self):
        self.assertEqual(abc_classes([("p", 50), ("q", 50)], 50.0, 50.0), {"p": "a", "q": "b"})
        self.assertEqual(abc_classes([]), {})
        self.assertEqual(abc_classes([("p", 0), ("q", -5)]), {"p": "c", "q": "c"})

    def test_best_class(self):
        self.assertEqual(best_class("c", "a", None), "a")
        self.assertEqual(best_class(None), "c")


class TestSlowMoverAction(unittest.TestCase):

    def test_rules_in_order(self):
        self.assertEqual(slow_mover_action(12.0, True), "transfer", "it sells elsewhere: move it there")
        self.assertEqual(slow_mover_action(0.0, True), "stop_reorder")
        self.assertEqual(slow_mover_action(0.0, False), "promotion")
        self.assertEqual(slow_mover_action(None, False), "promotion")

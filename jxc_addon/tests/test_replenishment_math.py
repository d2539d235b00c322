"""Replenishment and RFM arithmetic, without Odoo."""
import unittest

from odoo.addons.jxc_addon.lib.replenishment import (
    average_daily_demand, reorder_quantity, rfm_grades, suggested_minimum, tercile_scores)


class TestReorderQuantity(unittest.TestCase):

    def test_up_to_the_maximum(self):
        self.assertEqual(reorder_quantity(100, 30), 70)

    def test_nothing_when_projected_reaches_the_maximum(self):
        self.assertEqual(reorder_quantity(100, 100), 0)
        self.assertEqual(reorder_quantity(100, 130, multiple=12), 0)

    def test_rounded_up_to_the_multiple(self):
        self.assertEqual(reorder_quantity(100, 30, multiple=12), 72)
        self.assertEqual(reorder_quantity(96, 0, multiple=12), 96, "an exact number of boxes stays")

    def test_supplier_minimum_then_multiple(self):
        self.assertEqual(reorder_quantity(100, 95, supplier_minimum=20), 20)
        self.assertEqual(reorder_quantity(100, 95, multiple=12, supplier_minimum=20), 24)

    def test_negative_projection(self):
        self.assertEqual(reorder_quantity(50, -10, multiple=10), 60)


class TestDemand(unittest.TestCase):

    def test_minimum_from_sales(self):
        daily = average_daily_demand(90, 30)
        self.assertEqual(daily, 3)
        self.assertEqual(suggested_minimum(daily, lead_days=7, safety_days=3), 30)
        self.assertEqual(average_daily_demand(10, 0), 0)


class TestRfm(unittest.TestCase):

    def test_terciles(self):
        self.assertEqual(tercile_scores([10, 30, 20]), [1, 3, 2])
        self.assertEqual(tercile_scores([10, 30, 20], higher_is_better=False), [3, 1, 2])

    def test_grades_on_known_customers(self):
        grades = rfm_grades([
            ("loyal", 3, 20, 50000.0),      # recent, often, much
            ("regular", 20, 8, 12000.0),
            ("lapsed", 200, 1, 300.0),       # long ago, once, little
        ])
        self.assertEqual(grades, {"loyal": "a", "regular": "b", "lapsed": "c"})
        self.assertEqual(rfm_grades([]), {})

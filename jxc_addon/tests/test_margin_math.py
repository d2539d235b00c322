"""Sales margin arithmetic, without Odoo: revenue of the goods kept minus their net cost."""
import unittest

from odoo.addons.jxc_addon.lib.margin import kept_revenue, line_margin

CNY = 0.01


class TestMarginMath(unittest.TestCase):

    def test_full_delivery_earns_the_untaxed_amount(self):
        # 10 @ 12.99 less 7% = 120.81 untaxed; everything delivered at a cost of 52.80
        self.assertEqual(line_margin(120.81, 10, 10, 0, 52.80, 0.0, CNY), (120.81, 52.80, 68.01))

    def test_return_takes_back_revenue_and_cost(self):
        # 3 of the 10 come back at the 5.28 they left with: 7 kept
        # revenue 120.81 * 7 / 10 = 84.567 -> 84.57; cost 52.80 - 15.84 = 36.96
        self.assertEqual(line_margin(120.81, 10, 10, 3, 52.80, 15.84, CNY), (84.57, 36.96, 47.61))
        # the ordered quantity times the price, minus the net cost, would say 83.85
        self.assertNotEqual(line_margin(120.81, 10, 10, 3, 52.80, 15.84, CNY)[2], round(120.81 - 36.96, 2))

    def test_revenue_rounds_half_up(self):
        self.assertEqual(kept_revenue(0.05, 2, 1, 0, CNY), 0.03)
        self.assertEqual(kept_revenue(100.0, 3, 1, 0, CNY), 33.33)
        self.assertEqual(kept_revenue(100.0, 3, 2, 0, CNY), 66.67)

    def test_nothing_delivered_or_everything_returned(self):
        self.assertEqual(line_margin(120.81, 10, 0, 0, 0.0, 0.0, CNY), (0.0, 0.0, 0.0))
        self.assertEqual(line_margin(120.81, 10, 10, 10, 52.80, 52.80, CNY), (0.0, 0.0, 0.0))
        self.assertEqual(kept_revenue(50.0, 0, 0, 0, CNY), 0.0)

    def test_partial_delivery_in_another_unit_ratio(self):
        # 2 boxes ordered (24 pieces) for 444.00; 18 pieces delivered, expressed in boxes: 1.5
        self.assertEqual(line_margin(444.0, 2, 1.5, 0, 277.50, 0.0, CNY), (333.0, 277.5, 55.5))

"""整单折扣 and 抹零 arithmetic, without Odoo: the order's total after its discount, and the reduction
spread over the lines so that their totals (taxes rounded per line) add up to it exactly."""
import unittest
from decimal import ROUND_HALF_UP, Decimal

from odoo.addons.jxc_addon.lib.order_discount import order_target, spread, spread_reduction

CNY = 0.01


def vat13(index, base):
    """A line's total with 13% VAT added and rounded half up per line, as Odoo computes it."""
    tax = float((Decimal(repr(base)) * Decimal("0.13")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return round(base + tax, 2)


def no_tax(index, base):
    return base


class TestOrderTarget(unittest.TestCase):

    def test_percent_then_amount_then_rounding_down(self):
        self.assertEqual(order_target(1234.56, 0, 0, "none", CNY), 1234.56)
        self.assertEqual(order_target(1234.56, 0, 0, "yuan", CNY), 1234.0)
        self.assertEqual(order_target(1234.56, 0, 0, "ten", CNY), 1230.0)
        # 5% of 1,234.56 = 61.728: 1,172.832 rounds half up to 1,172.83
        self.assertEqual(order_target(1234.56, 5, 0, "none", CNY), 1172.83)
        self.assertEqual(order_target(1234.56, 5, 2.83, "none", CNY), 1170.0)
        self.assertEqual(order_target(1234.56, 5, 0, "ten", CNY), 1170.0)
        # a whole amount is not rounded further
        self.assertEqual(order_target(1230.0, 0, 0, "ten", CNY), 1230.0)

    def test_never_below_zero(self):
        self.assertEqual(order_target(10.0, 0, 15.0, "none", CNY), 0.0)
        self.assertEqual(order_target(8.99, 0, 0, "ten", CNY), 0.0)
        self.assertEqual(order_target(10.0, 100, 0, "yuan", CNY), 0.0)


class TestSpread(unittest.TestCase):

    def test_largest_remainders_add_up(self):
        self.assertEqual(spread([1, 1, 1], 10), [4, 3, 3])
        self.assertEqual(spread([3, 1], 2), [2, 0])
        self.assertEqual(spread([500, 300, 200], 7), [4, 2, 1])
        self.assertEqual(spread([0, 5], 3), [0, 3])
        self.assertEqual(spread([0, 0], 3), [0, 0])

    def test_untaxed_lines_in_proportion(self):
        # 100 / 50 / 50 = 200, 抹零 to 187: 13 taken off, 6.50 / 3.25 / 3.25
        bases, reached = spread_reduction([100.0, 50.0, 50.0], no_tax, 187.0, CNY)
        self.assertEqual((bases, reached), ([93.5, 46.75, 46.75], 187.0))
        # amounts that do not divide evenly: 10 taken off three equal lines
        bases, reached = spread_reduction([33.33, 33.33, 33.34], no_tax, 90.0, CNY)
        self.assertEqual(reached, 90.0)
        self.assertEqual(bases, [30.0, 30.0, 30.0])

    def test_taxed_lines_reach_the_rounded_total(self):
        # 7 @ 39.00 = 273.00, 3 @ 12.99 = 38.97, 10 @ 12.99 less 7% = 120.81 (untaxed); with 13% VAT
        # 308.49 + 44.04 + 136.52 = 489.05; less 5% = 464.60 (464.5975), 抹零 to the yuan: 464.00
        bases = [273.0, 38.97, 120.81]
        self.assertEqual(round(sum(vat13(i, b) for i, b in enumerate(bases)), 2), 489.05)
        target = order_target(489.05, 5, 0, "yuan", CNY)
        self.assertEqual(target, 464.0)
        new, reached = spread_reduction(bases, vat13, target, CNY)
        self.assertEqual(reached, 464.0)
        self.assertEqual(round(sum(vat13(i, b) for i, b in enumerate(new)), 2), 464.0)
        self.assertEqual(new, [259.02, 36.97, 114.63])
        self.assertEqual([vat13(i, b) for i, b in enumerate(new)], [292.69, 41.78, 129.53])

    def test_a_total_taxes_cannot_make_ends_a_cent_below(self):
        # one line with 13% VAT: 88.49 untaxed makes 99.99, 88.50 makes 100.01; 100.00 cannot be had
        self.assertEqual(spread_reduction([100.0], vat13, 100.0, CNY), ([88.49], 99.99))
        # two lines can: a cent moves from one to the other
        bases, reached = spread_reduction([50.0, 40.0], vat13, 100.0, CNY)
        self.assertEqual(reached, 100.0)
        self.assertEqual(round(vat13(0, bases[0]) + vat13(1, bases[1]), 2), 100.0)

    def test_no_reduction_keeps_the_bases(self):
        self.assertEqual(spread_reduction([10.0, 20.0], vat13, 33.9, CNY), ([10.0, 20.0], 33.9))
        self.assertEqual(spread_reduction([10.0, 0.0], no_tax, 5.0, CNY), ([5.0, 0.0], 5.0))

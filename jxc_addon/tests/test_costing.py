"""Moving weighted average arithmetic, without Odoo: the cases accountants and bug reports name."""
import unittest

from odoo.addons.jxc_addon.lib.costing import average_cost, in_value_after, out_value, round_to

CNY = 0.01
QTY = 0.001


class Pool:
    """A cost pool driven through the pure functions, as the posting service does."""

    def __init__(self):
        self.qty = 0.0
        self.value = 0.0
        self.last_cost = 0.0
        self.revaluations = []

    def receive(self, qty, unit_cost):
        value, reval = in_value_after(self.qty, self.value, qty, round_to(qty * unit_cost, CNY), CNY, QTY)
        self.revaluations.append(reval)
        self.qty = round_to(self.qty + qty, QTY)
        self.value = value
        self.last_cost = average_cost(self.qty, self.value, unit_cost)

    def issue(self, qty):
        value = out_value(self.qty, self.value, qty, CNY, QTY, self.last_cost)
        self.qty = round_to(self.qty - qty, QTY)
        self.value = round_to(self.value - value, CNY)
        return value


class TestCosting(unittest.TestCase):

    def test_round_half_up_to_the_cent(self):
        self.assertEqual(round_to(2.675, CNY), 2.68)
        self.assertEqual(round_to(0.125, CNY), 0.13)
        self.assertEqual(round_to(-0.125, CNY), -0.13)

    def test_average_after_two_receipts(self):
        pool = Pool()
        pool.receive(10, 5.0)
        pool.receive(30, 7.0)
        self.assertEqual((pool.qty, pool.value), (40, 260.0))
        self.assertAlmostEqual(average_cost(pool.qty, pool.value), 6.5)
        self.assertEqual(pool.issue(4), 26.0)
        self.assertEqual(pool.value, 234.0)

    def test_last_out_takes_the_residual(self):
        pool = Pool()
        pool.receive(2, 1.00)
        pool.receive(1, 1.01)
        self.assertEqual(pool.issue(3), 3.01)
        self.assertEqual((pool.qty, pool.value), (0, 0.0))

    def test_residual_after_many_small_outs(self):
        pool = Pool()
        pool.receive(2, 4.63)
        pool.receive(5, 3.04)
        self.assertEqual(pool.value, 24.46)
        issued = [pool.issue(0.1) for _ in range(70)]
        self.assertEqual(pool.qty, 0)
        self.assertEqual(pool.value, 0.0)
        self.assertEqual(round_to(sum(issued), CNY), 24.46)
        self.assertTrue(all(v > 0 for v in issued))

    def test_partial_outs_keep_the_average(self):
        pool = Pool()
        pool.receive(3, 10.0)
        self.assertEqual(pool.issue(1), 10.0)
        self.assertEqual(pool.issue(1), 10.0)
        self.assertEqual(pool.issue(1), 10.0)
        self.assertEqual(pool.value, 0.0)

    def test_negative_stock_refilled_at_the_incoming_cost(self):
        pool = Pool()
        self.assertEqual(pool.issue(2), 0.0, "no cost known yet")
        pool.receive(20, 3.3)
        self.assertEqual(pool.qty, 18)
        self.assertAlmostEqual(average_cost(pool.qty, pool.value), 3.30)
        self.assertEqual(pool.value, 59.4)
        # The two units sold early cost 6.60 more than provisionally booked.
        self.assertEqual(pool.revaluations[-1], -6.6)

    def test_negative_stock_with_a_known_cost(self):
        pool = Pool()
        pool.receive(1, 3.0)
        self.assertEqual(pool.issue(3), 3.0 + 6.0, "below zero at the last average")
        self.assertEqual((pool.qty, pool.value), (-2, -6.0))
        pool.receive(2, 3.5)
        self.assertEqual((pool.qty, pool.value), (0, 0.0))
        self.assertEqual(pool.revaluations[-1], -1.0)

    def test_receipt_that_leaves_the_pool_still_negative(self):
        pool = Pool()
        pool.receive(1, 2.0)
        pool.issue(5)
        self.assertEqual((pool.qty, pool.value), (-4, -8.0))
        pool.receive(1, 2.5)
        self.assertEqual((pool.qty, pool.value), (-3, -7.5))
        self.assertEqual(pool.revaluations[-1], -2.0)

    def test_zero_cost_receipt_lowers_the_average(self):
        pool = Pool()
        pool.receive(2, 6.0)
        pool.receive(2, 0.0)
        self.assertEqual(pool.issue(1), 3.0)

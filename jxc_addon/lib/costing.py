"""Moving weighted average cost (移动加权平均), without the ORM.

A balance is the (quantity, value) of a cost pool: a product in the whole company or in one
warehouse, depending on the company's cost scope. Values are rounded to the currency; quantities
are compared at the product unit's precision. Callers pass both roundings.
"""
from decimal import ROUND_HALF_UP, Decimal


def units_of(amount, rounding):
    """`amount` as a whole number of `rounding` (0.01 -> cents), rounded half up."""
    return int((Decimal(repr(amount)) / Decimal(repr(rounding))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_to(amount, rounding):
    """Round half up to a multiple of `rounding` (0.01 for CNY), as accountants do."""
    if not rounding:
        return amount
    return float(Decimal(units_of(amount, rounding)) * Decimal(repr(rounding)))


def is_zero(quantity, rounding):
    return abs(round_to(quantity, rounding)) < rounding / 2.0 if rounding else quantity == 0


def average_cost(qty, value, fallback_cost=0.0):
    """Current average unit cost; the last known cost when the pool holds nothing."""
    if qty > 0:
        return value / qty
    return fallback_cost


def empties_pool(qty, out_qty, qty_rounding):
    """Whether taking `out_qty` out of a pool holding `qty` leaves exactly nothing."""
    return qty > 0 and is_zero(qty - out_qty, qty_rounding)


def out_value(qty, value, out_qty, money_rounding, qty_rounding, fallback_cost=0.0):
    """Value (positive) of `out_qty` leaving a pool holding `qty` worth `value`.

    The out that empties the pool takes its whole remaining value, so the pool ends at
    exactly 0.00 whatever rounding happened before. Going below zero (negative stock allowed)
    uses the average before the pool emptied.
    """
    if empties_pool(qty, out_qty, qty_rounding):
        return round_to(value, money_rounding)
    return round_to(out_qty * average_cost(qty, value, fallback_cost), money_rounding)


def in_value_after(qty, value, in_qty, in_value, money_rounding, qty_rounding):
    """New pool value after `in_qty` worth `in_value` arrives, and the revaluation it implies.

    Normally the pool value is value + in_value. When the pool was negative (goods sold before
    they arrived, at a provisional cost), the units that refill it are valued at the incoming
    cost: the pool ends at new_qty * in_unit_cost and the difference is returned as
    `revaluation` (to be posted against cost of goods sold). Returns (new_value, revaluation).
    """
    new_qty = qty + in_qty
    plain = round_to(value + in_value, money_rounding)
    if qty < 0 and not is_zero(qty, qty_rounding) and in_qty > 0:
        # refilled (or still short: the shortfall is carried) at the incoming cost
        unit = in_value / in_qty
        target = 0.0 if is_zero(new_qty, qty_rounding) else round_to(new_qty * unit, money_rounding)
        return target, round_to(target - plain, money_rounding)
    if is_zero(new_qty, qty_rounding):
        # Back to nothing: no value may remain.
        return 0.0, round_to(-plain, money_rounding)
    return plain, 0.0

"""整单折扣 and 抹零: the reduction of an order's total, spread over its lines, without the ORM.

An order's total (taxes included) is first reduced by the order discount (a percentage, then an
amount), then rounded down to the yuan or to ten yuan (抹零). The reduction is not a line of its
own: it is spread over the lines, so that each line carries its share and everything computed
from the lines (invoices, taxes, margins, analyses) adds up to the order's total.

Each line is described by its *base*: price × quantity after the line's own discount, in the
price's tax convention (untaxed for taxes excluded from the price), which is what Odoo's
``account.tax.compute_all`` starts from. A line's share lowers its base. ``total_of(i, base)``
gives line i's total with taxes for a base (the caller computes the taxes as Odoo does, rounded
per line), so the spread works whatever the taxes.

Amounts are handled as integer numbers of the currency's smallest unit (cents for CNY).
"""
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from .costing import units_of

ROUNDING_STEPS = {"none": 0, "yuan": 1, "ten": 10}


def _amount(units, rounding):
    return float(Decimal(units) * Decimal(repr(rounding)))


def order_target(total, discount_percent, discount_amount, rounding_mode, rounding):
    """The order's total after its discount and 抹零.

    `total` (taxes included) less `discount_percent` % (rounded half up to the currency), less
    `discount_amount`, then rounded down to a multiple of the `rounding_mode`'s step ("yuan": 1,
    "ten": 10, "none": no rounding). Never below zero.
    """
    units = units_of(total, rounding)
    if discount_percent:
        kept = Decimal(units) * (Decimal(100) - Decimal(repr(discount_percent))) / Decimal(100)
        units = int(kept.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    units -= units_of(discount_amount or 0.0, rounding)
    step = ROUNDING_STEPS.get(rounding_mode or "none", 0)
    if step and units > 0:
        step_units = units_of(step, rounding)
        units = int((Decimal(units) / step_units).to_integral_value(rounding=ROUND_FLOOR)) * step_units
    return _amount(max(units, 0), rounding)


def spread(weights, amount):
    """Split the whole number `amount` in proportion to the whole numbers `weights`, largest
    remainders first (ties: the earlier weight), so that the parts add up to `amount` exactly."""
    total = sum(weights)
    if not total or not amount:
        return [0] * len(weights)
    parts = [w * amount // total for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(weights[i] * amount % total), i))
    for i in remainders[:amount - sum(parts)]:
        parts[i] += 1
    return parts


def spread_reduction(bases, total_of, target, rounding):
    """The lines' bases after spreading the reduction of the order's total down to `target`.

    `bases`: each line's base before the order discount; `total_of(i, base)`: line i's total with
    taxes for a base; `target`: the order's total wanted (see ``order_target``).

    The reduction (total − target) is first split over the lines in proportion to their totals;
    each line then gets the highest base whose total does not exceed its part. Taxes rounded per
    line can make the sum fall a few cents short: those cents go back to the lines, one step at
    a time (a line up, or a line up and another down). Returns (bases, total reached): the total
    reached is `target` unless no set of bases gives it (a single taxed line may skip a cent:
    with 13% VAT, 88.49 untaxed makes 99.99 and 88.50 makes 100.01), then the closest below.
    """
    count = len(bases)
    base0 = [units_of(base, rounding) for base in bases]
    cache = {}

    def total(i, units):
        key = (i, units)
        if key not in cache:
            cache[key] = units_of(total_of(i, _amount(units, rounding)), rounding)
        return cache[key]

    totals0 = [total(i, base0[i]) for i in range(count)]
    target_units = units_of(target, rounding)
    if target_units >= sum(totals0):
        return list(bases), _amount(sum(totals0), rounding)
    shares = spread([max(t, 0) for t in totals0], sum(totals0) - target_units)
    units = []
    for i in range(count):
        goal = totals0[i] - shares[i]
        guess = base0[i] * goal // totals0[i] if totals0[i] > 0 else 0
        guess = min(max(guess, 0), base0[i])
        while guess > 0 and total(i, guess) > goal:
            guess -= 1
        while guess < base0[i] and total(i, guess + 1) <= goal:
            guess += 1
        units.append(guess)
    missing = target_units - sum(total(i, units[i]) for i in range(count))
    while missing > 0:
        step = _step_up(units, base0, total, missing)
        if not step:
            break
        for i, delta in step:
            units[i] += delta
        missing = target_units - sum(total(i, units[i]) for i in range(count))
    reached = sum(total(i, units[i]) for i in range(count))
    return [_amount(u, rounding) for u in units], _amount(reached, rounding)


def _step_up(units, base0, total, missing):
    """[(line, +1)] or [(line, +1), (other line, -1)] raising the sum of the totals by at most
    `missing` (and by something), without a base going above its start or below zero; None."""
    count = len(units)
    ups = [(i, total(i, units[i] + 1) - total(i, units[i])) for i in range(count) if units[i] < base0[i]]
    for i, gain in ups:
        if 0 < gain <= missing:
            return [(i, 1)]
    for i, gain in ups:
        for j in range(count):
            if j == i or units[j] <= 0:
                continue
            loss = total(j, units[j]) - total(j, units[j] - 1)
            if 0 < gain - loss <= missing:
                return [(i, 1), (j, -1)]
    return None

"""Stock analysis arithmetic, without the ORM: turnover, holding cost, ABC classes, slow movers.

The reports (jxc.stock.summary) store these figures per product and warehouse with the same
formulas in SQL, and use these functions for the figures of a group (a category, a warehouse,
the total), where ratios are recomputed from the group's sums, never added or averaged.
"""

ABC_CLASSES = ("a", "b", "c")

# Suggested actions for slow movers (see slow_mover_action).
ACTION_TRANSFER = "transfer"
ACTION_STOP_REORDER = "stop_reorder"
ACTION_PROMOTION = "promotion"


def turnover_ratio(cost_of_goods_sold, average_value):
    """Times the average stock was sold over the period: cost of goods sold / average stock value.
    0 when there was no stock on average (nothing to turn over)."""
    if average_value <= 0:
        return 0.0
    return cost_of_goods_sold / average_value


def days_of_inventory(cost_of_goods_sold, average_value, days):
    """存货周转天数: days the average stock lasts at the period's rate of sales,
    average value × days / cost of goods sold. 0 when nothing was sold (no turnover to measure:
    the slow movers list says how long such stock has been idle)."""
    if cost_of_goods_sold <= 0 or average_value <= 0:
        return 0.0
    return average_value * days / cost_of_goods_sold


def sell_through_rate(sold_qty, opening_qty, received_qty):
    """Share (%) of the goods available in the period that were sold: net sales / (stock at the
    start + goods that came in other than customer returns, which are netted in the sales)."""
    available = opening_qty + received_qty
    if available <= 0:
        return 0.0
    return 100.0 * sold_qty / available


def holding_cost(average_value, annual_rate, days):
    """What keeping `average_value` of stock for `days` costs at an annual holding rate (%):
    capital, storage, insurance and shrinkage, as one rate (e.g. 20% a year)."""
    return average_value * annual_rate / 100.0 * days / 365.0


def average_balance(opening, changes, days):
    """Mean of the end-of-day balances over a period of `days` days that starts with `opening`:
    `changes` are (day index from 0, amount); an amount on day i counts for the days - i days it
    is held. This is what the reports compute in SQL as opening + Σ amount × (end − date + 1) / days."""
    if days <= 0:
        return opening
    return opening + sum(amount * (days - index) for index, amount in changes) / float(days)


def abc_classes(values, a_share=80.0, b_share=15.0):
    """A/B/C class of each key by its share of the total value (e.g. sales over a year).

    `values`: iterable of (key, value). Keys are ranked by value, highest first (ties by key);
    a key is A while the share of the keys ranked before it is below `a_share` % (so the key that
    crosses the threshold is still A: A ≈ the top 80%), B while it is below `a_share + b_share` %,
    C after that. Keys with no value (nothing sold) are C. Returns {key: "a" | "b" | "c"}.
    """
    values = list(values)
    classes = {key: "c" for key, _value in values}
    ranked = sorted(((key, value) for key, value in values if value and value > 0),
                    key=lambda item: (-item[1], item[0]))
    total = sum(value for _key, value in ranked)
    cumulative = 0.0
    for key, value in ranked:
        share_before = round(100.0 * cumulative / total, 9)
        if share_before < a_share:
            classes[key] = "a"
        elif share_before < a_share + b_share:
            classes[key] = "b"
        cumulative += value
    return classes


def best_class(*classes):
    """The best of several classes ("a" before "b" before "c"); "c" when none."""
    known = [c for c in classes if c in ABC_CLASSES]
    return min(known) if known else "c"


def slow_mover_action(sold_elsewhere_qty, reordered_here):
    """What to do with stock that did not sell in its warehouse for the slow-moving days.

    1. It sold in another warehouse of the company over those days: transfer it there
       (the warehouse that sold the most).
    2. Otherwise, if a reorder rule still replenishes it in this warehouse: stop reordering it.
    3. Otherwise: clear it with a promotion (discount, bundle).
    """
    if sold_elsewhere_qty and sold_elsewhere_qty > 0:
        return ACTION_TRANSFER
    if reordered_here:
        return ACTION_STOP_REORDER
    return ACTION_PROMOTION

"""Replenishment and classification arithmetic, without the ORM."""
import math


def reorder_quantity(maximum, projected, multiple=0.0, supplier_minimum=0.0):
    """Quantity to order to bring `projected` stock back up to `maximum`: at least the
    supplier's minimum, rounded up to a whole number of `multiple` (a box, a carton)."""
    quantity = maximum - projected
    if quantity <= 0:
        return 0.0
    quantity = max(quantity, supplier_minimum or 0.0)
    if multiple and multiple > 0:
        # 1e-9 keeps 12.000000001 from becoming an extra box
        quantity = math.ceil(quantity / multiple - 1e-9) * multiple
    return quantity


def average_daily_demand(quantity_out, days):
    return quantity_out / days if days > 0 else 0.0


def suggested_minimum(daily_demand, lead_days, safety_days=0.0):
    """Safety stock: what sells while an order is on its way, plus a margin of days."""
    return daily_demand * (max(lead_days, 0) + max(safety_days, 0))


def tercile_scores(values, higher_is_better=True):
    """1, 2 or 3 for each value by its third of the ranking (3 = best third)."""
    order = sorted(range(len(values)), key=lambda i: values[i], reverse=higher_is_better)
    scores = [0] * len(values)
    for rank, index in enumerate(order):
        scores[index] = 3 - (3 * rank) // len(values)
    return scores


def rfm_grades(customers):
    """A/B/C grade per customer from recency (days since the last order, lower is better),
    frequency (orders) and monetary value: each scored 1–3 by thirds, A from 8, B from 5.

    `customers`: list of (key, recency_days, frequency, amount); returns {key: "a" | "b" | "c"}."""
    if not customers:
        return {}
    keys = [c[0] for c in customers]
    recency = tercile_scores([c[1] for c in customers], higher_is_better=False)
    frequency = tercile_scores([c[2] for c in customers])
    monetary = tercile_scores([c[3] for c in customers])
    grades = {}
    for key, r, f, m in zip(keys, recency, frequency, monetary):
        total = r + f + m
        grades[key] = "a" if total >= 8 else "b" if total >= 5 else "c"
    return grades

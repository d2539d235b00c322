"""Sales margin (毛利) of an order line, without the ORM.

The margin is earned on the goods the customer kept: what was delivered minus what came back.
Revenue is that quantity at the line's net price (after discount, without tax), i.e. the line's
untaxed amount pro rata of the ordered quantity, so a line delivered in full and never returned
earns exactly its untaxed amount. Cost is what the deliveries took out of stock minus what the
customer returns brought back (the stock ledger values of those documents).
"""
from .costing import round_to


def kept_revenue(subtotal, ordered_qty, delivered_qty, returned_qty, money_rounding):
    """Untaxed revenue of the goods kept: `subtotal` (untaxed, after discount, for `ordered_qty`)
    pro rata of the delivered quantity net of returns, rounded half up to the currency."""
    if not ordered_qty:
        return 0.0
    return round_to(subtotal * (delivered_qty - returned_qty) / ordered_qty, money_rounding)


def line_margin(subtotal, ordered_qty, delivered_qty, returned_qty, delivered_cost, returned_cost,
                money_rounding):
    """(revenue, cost, margin) of a sales line: revenue of the goods kept minus the cost of the
    deliveries net of customer returns (costs are positive values)."""
    revenue = kept_revenue(subtotal, ordered_qty, delivered_qty, returned_qty, money_rounding)
    cost = round_to(delivered_cost - returned_cost, money_rounding)
    return revenue, cost, round_to(revenue - cost, money_rounding)

"""How messages show money and quantities: amounts with their currency ("¥ 1,200.00"),
quantities at their unit's precision with the unit's name ("7 件", "2.5 kg", never "7.0").

Every UserError/ValidationError that names an amount or a quantity goes through these two
functions, in the language of the user (digit grouping and decimal point of res.lang)."""
import math

from odoo.tools import float_compare, float_round
from odoo.tools.misc import formatLang


def format_amount(env, amount, currency):
    """`amount` in `currency` (res.currency), with its symbol and decimal places."""
    return formatLang(env, amount or 0.0, currency_obj=currency)


def format_qty(env, quantity, uom):
    """`quantity` in `uom` (product.uom) followed by the unit name: rounded to the finer of the
    unit's rounding and the 'Product Unit of Measure' precision, without trailing zeros."""
    digits = env["decimal.precision"].precision_get("Product Unit of Measure")
    if uom and uom.rounding:
        digits = max(digits, int(math.ceil(round(-math.log10(uom.rounding), 6))))
    quantity = float_round(quantity or 0.0, precision_digits=digits)
    shown = next(d for d in range(digits + 1) if float_compare(
        float_round(quantity, precision_digits=d), quantity, precision_digits=digits) == 0)
    text = formatLang(env, quantity, digits=shown)
    return "%s %s" % (text, uom.name) if uom else text

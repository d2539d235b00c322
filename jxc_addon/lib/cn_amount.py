"""Amounts in Chinese capital numerals (人民币大写), as written on invoices, orders and cheques.

Follows the People's Bank of China rules for filling in bills (正确填写票据和结算凭证的基本规定):
an amount to the yuan ends with 整; one 零 stands for a run of zeros inside the number
(1409.50 → 壹仟肆佰零玖元伍角, 6007.14 → 陆仟零柒元壹角肆分); 拾 keeps its 壹 (16 → 壹拾陆元整).
"""
from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("仟", "佰", "拾", "")
GROUPS = ("", "万", "亿", "万亿")


def _group_words(group):
    """1..9999 in capitals, without leading zeros: 1409 → 壹仟肆佰零玖, 1000 → 壹仟."""
    words = ""
    zero = False
    for place, digit in zip(PLACES, "%04d" % group):
        digit = int(digit)
        if not digit:
            zero = bool(words)
            continue
        if zero:
            words += "零"
        words += DIGITS[digit] + place
        zero = False
    return words


def _integer_words(number):
    """Whole yuan in capitals, by groups of four digits (万, 亿); "" for 0."""
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    if len(groups) > len(GROUPS):
        raise ValueError("amount too large to write in capitals")
    words = ""
    zero = False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if not group:
            zero = bool(words)
            continue
        # 壹亿零壹仟, 壹拾万零伍佰: zeros between two groups or at the head of this one
        if words and (zero or group < 1000):
            words += "零"
        words += _group_words(group) + GROUPS[index]
        zero = False
    return words


def cny_uppercase(amount):
    """`amount` (a number, rounded half-up to the fen) in capitals: 1234.5 → 壹仟贰佰叁拾肆元伍角."""
    fen_total = int(Decimal(repr(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    sign = "负" if fen_total < 0 else ""
    fen_total = abs(fen_total)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    words = _integer_words(yuan)
    if yuan:
        words += "元"
    if not jiao and not fen:
        return sign + (words or "零元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif yuan:
        words += "零"  # 叁佰贰拾伍元零肆分
    if fen:
        words += DIGITS[fen] + "分"
    return sign + words

"""Numbers, ids and booleans from query strings and JSON bodies, parsed in one place.

Strict and bounded: ASCII digits only (``"²".isdigit()`` is true in Python, ``int("²")`` fails),
no exponents that overflow the database's numeric columns, ids within PostgreSQL's bigint.
Every failure is a ``ParamError`` whose message is safe to show (it becomes a 400).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MAX_ID = 2**63 - 1  # PostgreSQL bigint
MAX_PRICE = Decimal("99999999.99")  # DecimalField(max_digits=10, decimal_places=2)
_DIGITS = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")


class ParamError(ValueError):
    """A parameter that cannot be parsed; ``name`` is the parameter, the message says why."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


def _text(raw: object) -> str:
    return raw.strip() if isinstance(raw, str) else str(raw)


def parse_int(raw: object, name: str, *, minimum: int, maximum: int) -> int:
    """An integer in [minimum, maximum], from an int or a string of ASCII digits."""
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise ParamError(name, f"'{raw}' is not a whole number.")
    text = _text(raw)
    if not (isinstance(raw, int) or _DIGITS.fullmatch(text)) or len(text) > 19:
        raise ParamError(name, f"'{text[:40]}' is not a whole number.")
    value = int(text)
    if not minimum <= value <= maximum:
        raise ParamError(name, f"must be between {minimum} and {maximum}.")
    return value


def parse_id(raw: object, name: str) -> int:
    """A database id: a positive integer that fits a bigint."""
    return parse_int(raw, name, minimum=1, maximum=MAX_ID)


def is_id(text: str) -> bool:
    try:
        parse_id(text, "id")
    except ParamError:
        return False
    return True


def parse_decimal(
    raw: object, name: str, *, minimum: Decimal = Decimal(0), maximum: Decimal = MAX_PRICE
) -> Decimal:
    """A plain decimal number (no sign, no exponent) in [minimum, maximum]."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        raise ParamError(name, f"'{raw}' is not a number.")
    text = _text(raw)
    if isinstance(raw, float | Decimal):
        text = format(Decimal(str(raw)), "f") if Decimal(str(raw)).is_finite() else text
    if not _DECIMAL.fullmatch(text) or len(text) > 32:
        raise ParamError(name, f"'{text[:40]}' is not a number.")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ParamError(name, f"'{text[:40]}' is not a number.") from None
    if not minimum <= value <= maximum:
        raise ParamError(name, f"must be between {minimum} and {maximum}.")
    return value


def parse_bool(raw: object, name: str) -> bool:
    """true/false, 1/0, yes/no, on/off (any case); a JSON boolean as is."""
    if isinstance(raw, bool):
        return raw
    text = _text(raw).lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ParamError(name, f"'{text[:40]}' is not a boolean (use true or false).")

from __future__ import annotations

from decimal import Decimal


def plain_number(value: Decimal | float | int | None) -> str:
    """7.50 → "7.5", 4.0 → "4", 10.00 → "10", None → "": how people write doses and hours."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text

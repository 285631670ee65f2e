"""Money and hours as people read them, for pages, e-mails and CSV alike."""

from __future__ import annotations


def format_money(cents: int | None) -> str:
    """Integer cents as dollars with thousands separators: 123456 -> $1,234.56."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(int(cents)), 100)
    return f"{sign}${dollars:,}.{rest:02d}"


def format_hours(value) -> str:
    if value is None:
        return "0"
    number = float(value)
    return f"{number:,.2f}".rstrip("0").rstrip(".")

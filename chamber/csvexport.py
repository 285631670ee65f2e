"""CSV downloads that spreadsheets cannot mistake for formulas (OWASP CSV injection).

Text that a spreadsheet would evaluate is prefixed with a quote so it stays text: a cell
starting (after any leading spaces or line breaks, which Excel and LibreOffice skip) with
= + - @ tab or CR, or their full-width forms (＝ ＋ － ＠), which some spreadsheets fold to the
ASCII ones. Numbers (int, Decimal, float) are written as numbers, so a negative amount stays
a number; everything else is text and checked.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from flask import Response

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralise(value) -> str:
    """Prefix a cell that a spreadsheet would evaluate with a quote, so it stays text."""
    if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    if text.lstrip(" \n\r\t").startswith(_FORMULA_STARTS) or text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def csv_filename(stem: str, first: date | None = None, last: date | None = None) -> str:
    """`stem`, then the range when there is one: "hours-20260101-20261123.csv". Only letters,
    digits, dots, dashes and underscores, so the header needs no quoting rules."""
    parts = [stem]
    if first is not None or last is not None:
        parts.append(f"{first:%Y%m%d}" if first else "start")
        parts.append(f"{last:%Y%m%d}" if last else "today")
    name = "-".join(parts)
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "-" for c in name)
    return f"{safe.strip('-.') or 'export'}.csv"


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """A CSV attachment (UTF-8), never cached by a shared cache."""
    return Response(
        csv_text(header, rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )

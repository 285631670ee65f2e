"""A report's numbers as tables: the page, the chart's table and the CSV all read the same
Table, so the CSV holds exactly the page's numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

from chamber.formatting import format_hours, format_money


@dataclass(frozen=True)
class Money:
    """An amount in integer cents: "$1,234.50" on the page, 1234.50 in the CSV."""

    cents: int

    def display(self) -> str:
        return format_money(self.cents)

    def __str__(self) -> str:
        sign = "-" if self.cents < 0 else ""
        dollars, rest = divmod(abs(self.cents), 100)
        return f"{sign}{dollars}.{rest:02d}"


@dataclass(frozen=True)
class _Figure:
    """A figure that may be missing: "—" on the page and empty in the CSV when it is None,
    otherwise as `shown` / `written` put it."""

    value: float | None

    def shown(self, value: float) -> str:
        return self.written(value)

    def written(self, value: float) -> str:
        raise NotImplementedError

    def display(self) -> str:
        return "—" if self.value is None else self.shown(self.value)

    def __str__(self) -> str:
        return "" if self.value is None else self.written(self.value)


@dataclass(frozen=True)
class Hours(_Figure):
    """Hours as people read them: "1,234.5" on the page, 1234.5 in the CSV."""

    value: Decimal | None

    def shown(self, value: Decimal) -> str:
        return format_hours(value)

    def written(self, value: Decimal) -> str:
        return format_hours(value).replace(",", "")


@dataclass(frozen=True)
class Ratio(_Figure):
    """A share or rate, as a percentage (None when there is nothing to divide by)."""

    def written(self, value: float) -> str:
        return f"{value * 100:.1f}%"


@dataclass(frozen=True)
class Number(_Figure):
    """A mean, a score or a coefficient, with fixed decimals."""

    decimals: int = 2

    def shown(self, value: float) -> str:
        return f"{value:,.{self.decimals}f}"

    def written(self, value: float) -> str:
        return f"{value:.{self.decimals}f}"


@dataclass(frozen=True)
class PValue(_Figure):
    """A p-value: four decimals, and "< 0.0001" rather than a misleading 0.0000."""

    def shown(self, value: float) -> str:
        return "< 0.0001" if value < 0.0001 else f"{value:.4f}"

    def written(self, value: float) -> str:
        return f"{value:.6g}"


def display(cell) -> str:
    """A cell as the page shows it."""
    if cell is None:
        return "—"
    if isinstance(cell, str):
        return cell
    if isinstance(cell, int) and not isinstance(cell, bool):
        return f"{cell:,}"
    if hasattr(cell, "display"):
        return cell.display()
    return str(cell)


#: Figures whose page text is only digits, separators and signs ($ , . - % —): nothing to
#: escape. (PValue is not among them: "< 0.0001".)
_PLAIN_FIGURES = (Money, Hours, Ratio, Number)


def cell_html(cell) -> str:
    """A cell as the page's HTML: escaped, except numbers and plain figures."""
    kind = type(cell)
    if kind is int:
        return f"{cell:,}"
    if kind in _PLAIN_FIGURES:
        return cell.display()
    return escape(display(cell))


def csv_cell(cell) -> str:
    return "" if cell is None else str(cell)


@dataclass(frozen=True)
class Column:
    """How a column of plain values (str, int, float) reads: `html` on the page (escaped, or
    digits and signs only) and `csv` in the CSV. A table of every member (thousands of rows)
    keeps plain values under these rather than a figure object per cell: no object is made
    per cell, and a kept table is plain data, cheap to copy between processes."""

    html: Callable[[Any], str]
    csv: Callable[[Any], str]
    #: A format spec that does what `html` does (",": 1,234), applied by the row's pattern
    #: itself rather than by a call per cell.
    spec: str | None = None


def _escaped(text: str) -> str:
    """markupsafe.escape's text (a test checks they agree) without its wrapper's checks."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def _hours_csv(hours: float) -> str:
    return format_hours(hours).replace(",", "")


def _money_csv(cents: int) -> str:
    return str(Money(cents))


TEXT = Column(_escaped, str)
COUNT = Column("{:,}".format, str, ",")
#: Hours as a float (a sum of hundredths: format_hours reads it as a float anyway).
HOURS = Column(format_hours, _hours_csv)
#: Integer cents.
MONEY = Column(format_money, _money_csv)
#: A score with one decimal.
SCORE = Column("{:,.1f}".format, "{:.1f}".format, ",.1f")


@dataclass
class Table:
    """One table of a report: a caption, column headings and rows of cells.

    `links` optionally maps a row index to a member id, so the page can link the first cell
    to the member's profile (the CSV keeps the name only). The first `text_columns` columns
    are text (left-aligned on the page), the others numbers."""

    key: str
    caption: str
    columns: Sequence[str]
    rows: list[list] = field(default_factory=list)
    links: dict[int, int] = field(default_factory=dict)
    note: str = ""
    text_columns: int = 1
    #: When set, the rows are plain values and these say how each column reads (Column).
    kinds: Sequence[Column] | None = None
    #: A row per member of the chamber: the page shows them a page at a time (the CSV all).
    paged: bool = False
    _html: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def html_rows(
        self, member_href: str, *, link_first: bool = True, start: int = 0, stop: int | None = None
    ) -> Markup:
        """The table's body rows (`start` to `stop`) as HTML, every cell escaped; a first
        cell with a member links to `member_href` + id. Made once per table and link form: a
        kept report is drawn again from the same text (a member table has some 40,000
        cells)."""
        key = (member_href, link_first)
        if key not in self._html and self.kinds is not None:
            self._html[key] = self._plain_html_rows(member_href, link_first)
        if key not in self._html:
            links = self.links if link_first else {}
            href = escape(member_href)
            text = self.text_columns
            number_break = '</td><td class="num">'
            parts = []
            for index, row in enumerate(self.rows):
                head = escape(display(row[0]))
                link = links.get(index)
                if link is not None:
                    head = f'<a href="{href}{link}">{head}</a>'
                texts = "".join([f"<td>{cell_html(cell)}</td>" for cell in row[1:text]])
                numbers = number_break.join(
                    [f"{cell:,}" if type(cell) is int else cell_html(cell) for cell in row[text:]]
                )
                numbers = f'<td class="num">{numbers}</td>' if len(row) > text else ""
                parts.append(f'<tr><th scope="row">{head}</th>{texts}{numbers}</tr>\n')
            # Safe: every cell above went through cell_html (escape, or a figure whose text is
            # digits and signs; a Markup cell, such as the engagement light, is HTML of our
            # own); the member link is an integer id.
            self._html[key] = parts
        # Safe: every cell went through cell_html or its column's html/spec (escape, or
        # digits and signs; the engagement light is HTML of our own); member links are ids.
        return Markup("".join(self._html[key][start:stop]))  # noqa: S704  # nosec B704

    def _plain_html_rows(self, member_href: str, link_first: bool) -> list[str]:
        """html_rows of a table of plain values: a row pattern formatted once per row, the
        columns with a spec formatted by it, the others by their column's html first."""
        text = self.text_columns
        fields, calls = [], []
        for index, kind in enumerate(self.kinds):
            fields.append(f"{{{index}:{kind.spec}}}" if kind.spec else f"{{{index}}}")
            if not kind.spec and index:
                calls.append((index, kind.html))
        head = '<th scope="row">{0}</th>'
        texts = "".join(f"<td>{field}</td>" for field in fields[1:text])
        numbers = "".join(f'<td class="num">{field}</td>' for field in fields[text:])
        pattern = f"<tr>{head}{texts}{numbers}</tr>\n".format
        first = self.kinds[0].html
        links = self.links if link_first else {}
        href = escape(member_href)
        parts = []
        for index, row in enumerate(self.rows):
            cells = list(row)
            for column, html in calls:
                cells[column] = html(cells[column])
            cells[0] = first(row[0])
            link = links.get(index)
            if link is not None:
                cells[0] = f'<a href="{href}{link}">{cells[0]}</a>'
            parts.append(pattern(*cells))
        return parts

    def csv_rows(self) -> Iterable[list[str]]:
        if self.kinds is not None:
            formats = [kind.csv for kind in self.kinds]
            return ([f(v) for f, v in zip(formats, row, strict=True)] for row in self.rows)
        return ([csv_cell(cell) for cell in row] for row in self.rows)


def csv_sections(tables: Sequence[Table]) -> tuple[list[str], list[list[str]]]:
    """Several tables as one CSV: a header (table, then the widest column list) and rows
    that start with the table's caption, so every row reads on its own in a spreadsheet."""
    width = max((len(t.columns) for t in tables), default=0)
    header = ["table", *[f"column_{i + 1}" for i in range(width)]]
    rows: list[list[str]] = []
    for table in tables:
        rows.append([table.caption, *table.columns])
        rows.extend([table.caption, *row] for row in table.csv_rows())
    return header, rows

"""A table of plain values (Table.kinds, the member tables) reads exactly as the same table of
figure cells: the page's HTML and the CSV."""

from __future__ import annotations

from decimal import Decimal

from markupsafe import escape

from chamber.reports.engagement import LIGHT, Light
from chamber.reports.tables import COUNT, HOURS, MONEY, SCORE, TEXT, Hours, Money, Number, Table

COLUMNS = ["Member", "Business", "Meetings", "Hours", "Closed value", "Score", "Light"]
NAMES = ['<b>Bold</b> & "Co"', "O'Brien & Sons", "Ann", "Zoë {0} {x}"]


def _tables(light_cell) -> tuple[Table, Table]:
    plain = Table(
        "t",
        "T",
        COLUMNS,
        text_columns=2,
        kinds=[TEXT, TEXT, COUNT, HOURS, MONEY, SCORE, LIGHT],
    )
    figures = Table("t", "T", COLUMNS, text_columns=2)
    values = [
        (NAMES[0], NAMES[1], 0, 0, 0, 0.0, Light.GREY),
        (NAMES[1], "", 12_345, 1234.5, 123_456_789, 1234.56, Light.GREEN),
        (NAMES[2], NAMES[3], 7, 0.25, 5, 29.95, Light.YELLOW),
        (NAMES[3], NAMES[0], 1, 586.0, 99, 9.94999, Light.RED),
    ]
    for index, (name, business, count, hours, cents, score, light) in enumerate(values):
        plain.rows.append((name, business, count, hours, cents, score, light.value))
        figures.rows.append(
            [
                name,
                business,
                count,
                Hours(Decimal(str(hours))),
                Money(cents),
                Number(score, 1),
                light_cell(light),
            ]
        )
        if index != 2:  # a row without a member link
            plain.links[index] = figures.links[index] = 100 + index
    return plain, figures


def test_plain_member_table_reads_as_the_table_of_figure_cells():
    html = {light.value: LIGHT.html(light.value) for light in Light}

    class LightCell:  # the cell the engagement table held before it kept plain values
        def __init__(self, light):
            self.light = light

        def display(self):
            return html[self.light.value]

        def __str__(self):
            return self.light.label

    plain, figures = _tables(LightCell)
    for link_first in (True, False):
        assert plain.html_rows("/members/", link_first=link_first) == figures.html_rows(
            "/members/", link_first=link_first
        )
    assert list(plain.csv_rows()) == list(figures.csv_rows())
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &#34;Co&#34;" in plain.html_rows("/members/")
    assert "Zoë {0} {x}" in plain.html_rows("/members/")


def test_text_column_escapes_as_markupsafe():
    for text in [*NAMES, "", "a<>&'\"b", "&amp;"]:
        assert TEXT.html(text) == str(escape(text))

"""CSV cells that a spreadsheet would run as formulas are neutralised."""

import pytest

from chamber.csvexport import csv_text, neutralise


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_cells_are_prefixed(cell):
    assert neutralise(cell) == "'" + cell


def test_plain_cells_are_kept():
    assert neutralise("Maya Patel") == "Maya Patel"
    assert neutralise(12) == "12"
    assert neutralise(None) == ""
    assert csv_text(["name"], [['=HYPERLINK("x")']]).splitlines()[1] == '"\'=HYPERLINK(""x"")"'


@pytest.mark.parametrize(
    "cell",
    [" =1+1", "\n=cmd|' /C calc'!A0", "  @SUM(A1)", "＝1+1", "＋1", "－1", "＠x", "\n-2"],
)
def test_formulas_behind_spaces_line_breaks_or_in_full_width_are_prefixed(cell):
    """Spreadsheets skip leading blanks, and some fold full-width signs to ASCII ones."""
    assert neutralise(cell) == "'" + cell


def test_numbers_stay_numbers_and_text_that_looks_negative_does_not():
    from decimal import Decimal

    assert neutralise(-5) == "-5"
    assert neutralise(Decimal("-2.50")) == "-2.50"
    assert neutralise("-5") == "'-5"  # text: a name or a note could hide a formula this way
    assert neutralise(True) == "True"


def test_filenames_carry_the_range_and_nothing_a_header_could_break_on():
    from datetime import date

    from chamber.csvexport import csv_filename

    assert csv_filename("hours", date(2026, 1, 1), date(2026, 3, 31)) == (
        "hours-20260101-20260331.csv"
    )
    assert csv_filename('evil"; x=\r\n') == "evil---x.csv"
    assert csv_filename("members") == "members.csv"

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

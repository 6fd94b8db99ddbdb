"""Spreadsheet safety: text that would run as a formula is written as text, everything else unchanged."""
import io

from openpyxl import Workbook, load_workbook

from core.common.spreadsheet import safe_cell


def test_text_starting_like_a_formula_gets_an_apostrophe():
    for text in ("=1+1", "+86 138", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","y")'):
        assert safe_cell(text) == "'" + text


def test_other_values_pass_unchanged():
    for value in ("张三", "a=b", "", 3, -2, 1.5, None):
        assert safe_cell(value) == value


def test_a_neutralised_cell_is_stored_as_text_not_as_a_formula():
    book = Workbook()
    book.active.append([safe_cell("=1+1"), "=1+1"])
    buffer = io.BytesIO()
    book.save(buffer)
    a, b = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())
    assert (a.data_type, a.value) == ("s", "'=1+1")
    assert b.data_type == "f"  # what the helper prevents

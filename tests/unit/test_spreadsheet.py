"""Spreadsheet safety: text that would run as a formula is written as text, everything else unchanged."""
import io
import tomllib
from pathlib import Path

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


def test_tables_on_screen_offer_no_unaudited_csv_download():
    """st.dataframe's own CSV download writes cells verbatim (formulas included) and bypasses the audited export."""
    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True

"""The app's Streamlit settings: an unexpected error never shows its details (issue 14 §5)."""
import tomllib
from pathlib import Path

from streamlit.config import ShowErrorDetailsConfigOptions

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


def test_an_unexpected_error_shows_no_details():
    value = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["client"]["showErrorDetails"]
    assert value == "none" == ShowErrorDetailsConfigOptions.NONE  # a value the installed Streamlit knows

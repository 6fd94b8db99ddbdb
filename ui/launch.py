"""Start the app: ``python -m ui.launch [streamlit options]`` = ``streamlit run Home.py`` without the
legacy pages-folder mode.

Streamlit treats a ``pages/`` folder beside the entry script as the old multipage layout until the
first ``st.navigation`` call, so the first request after a start saw "Page not found" for deep links
(the public portal's address, say) and could run a page file directly. Our navigation is built by
``Home.py`` from the user's roles, so the launcher switches that mode off before the server starts.
"""
from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

HOME = Path(__file__).resolve().parent.parent / "Home.py"


def main() -> None:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(HOME), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()

"""Layer rules for the app shell: pages and ui run no queries, and every widget has a namespaced key."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHELL_FILES = [*sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "pages").glob("*.py")), ROOT / "Home.py"]
WIDGETS = {"button", "selectbox", "radio", "text_input", "text_area", "form_submit_button", "checkbox",
           "multiselect", "number_input", "date_input", "file_uploader", "toggle", "slider", "download_button"}


def _calls(path: Path):
    return [n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.Call)]


def test_pages_and_ui_build_no_queries():
    offenders = []
    for path in SHELL_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
                if {a.name for a in node.names} - {"Engine"}:
                    offenders.append(f"{path.name}: imports {node.module}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("db.models"):
                offenders.append(f"{path.name}: imports models")
        offenders += [f"{path.name}:{c.lineno} select(" for c in _calls(path)
                      if isinstance(c.func, ast.Name) and c.func.id == "select"]
    assert offenders == []


def test_every_widget_has_an_explicit_namespaced_key():
    missing = []
    for path in SHELL_FILES:
        for call in _calls(path):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else None
            if name not in WIDGETS:
                continue
            key = next((k.value for k in call.keywords if k.arg == "key"), None)
            literal = key.value if isinstance(key, ast.Constant) else None
            is_namespaced = isinstance(key, ast.JoinedStr) or (isinstance(literal, str) and "." in literal) \
                or isinstance(key, ast.Name)
            if key is None or not is_namespaced:
                missing.append(f"{path.relative_to(ROOT)}:{call.lineno} {name}")
    assert missing == []


def test_pages_are_thin():
    for path in sorted((ROOT / "pages").glob("*.py")):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 60, path.name

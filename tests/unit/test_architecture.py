"""The module layout stays as designed: read from the source with ``ast``, nothing is imported.

- ``core/`` imports form no cycle (module-level and function-level imports alike);
- ``core/`` and ``db/`` import at module top only (``if TYPE_CHECKING:`` blocks are module top too),
  so no import hides a cycle or a layer break inside a function;
- ``db/`` never imports ``core/``;
- a package of ``core/`` imports only from the packages below it (``LAYERS``, as in ARCHITECTURE.md);
- sessions, engines and connections are made in ``db/`` only (``db.uow.UnitOfWork`` opens every
  session); services in ``core/`` and the shell in ``ui/``/``pages/`` receive the unit of work.

That ``core/`` never imports streamlit, and ``core/workflow.py`` neither streamlit nor sqlalchemy, is
pinned in ``test_workflow_table.py``.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHELL = [*sorted((ROOT / "ui").rglob("*.py")), *sorted((ROOT / "pages").rglob("*.py")), ROOT / "Home.py"]
MAKES_SESSIONS_OR_ENGINES = {"Session", "sessionmaker", "scoped_session", "create_engine", "make_engine"}
OPENS_CONNECTIONS = {"begin", "connect", "raw_connection"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(package: str) -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def _where(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(path: Path, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """Every dotted name an import statement names (``from a import b`` names ``a.b``: a module or,
    when ``b`` is a name in ``a``, ``a`` itself — the graph takes the longest prefix that is a module)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        package = _module_name(path).split(".")
        if path.name != "__init__.py":
            package = package[:-1]
        package = package[:len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    yield from (f"{base}.{alias.name}" for alias in node.names)


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(_tree(path)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for name in _imported(path, node):
                yield node.lineno, name


def _import_graph(package: str) -> dict[str, set[str]]:
    """module -> the modules of ``package`` it imports (the longest dotted prefix that is a module)."""
    modules = _modules(package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for _, imported in _imports(path):
            if imported.startswith(f"{package}.") and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported in modules and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path that starts and ends at the same module, or None."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[str] | None:
        path.append(node)
        on_path.add(node)
        for target in sorted(graph.get(node, ())):
            if target in on_path:
                return path[path.index(target):] + [target]
            if target not in done:
                found = visit(target)
                if found:
                    return found
        path.pop()
        on_path.discard(node)
        done.add(node)
        return None

    for start in sorted(graph):
        if start not in done:
            found = visit(start)
            if found:
                return found
    return None


def _nested_imports(path: Path) -> Iterator[str]:
    """Imports inside a function, lambda or class body."""
    def walk(node: ast.AST, inside: bool) -> Iterator[str]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)) and inside:
                yield f"{_where(path)}:{child.lineno} {ast.unparse(child)}"
            nested = inside or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
            yield from walk(child, nested)
    yield from walk(_tree(path), False)


def _receiver(node: ast.expr) -> str:
    return ast.unparse(node).lower()


def _session_or_engine_makers(path: Path) -> Iterator[str]:
    where = _where(path)
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            if any(alias.name == "Engine" for alias in node.names):
                yield f"{where}:{node.lineno} imports Engine (take a db.uow.UnitOfWork instead)"
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in MAKES_SESSIONS_OR_ENGINES:
            yield f"{where}:{node.lineno} {func.id}(...)"
        if isinstance(func, ast.Attribute) and func.attr in MAKES_SESSIONS_OR_ENGINES:
            yield f"{where}:{node.lineno} {ast.unparse(func)}(...)"
        if isinstance(func, ast.Attribute) and func.attr in OPENS_CONNECTIONS and "engine" in _receiver(func.value):
            yield f"{where}:{node.lineno} {ast.unparse(func)}()"


def test_the_cycle_finder_reports_a_cycle_as_a_closed_path():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_modules_of_core_import_each_other_without_a_cycle():
    graph = _import_graph("core")
    assert len(graph) > 50 and graph["core.declaring.transitions"] >= {"core.workflow", "core.declaring.store"}
    cycle = _find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_core_and_db_import_at_module_top_only():
    files = [*_modules("core").values(), *_modules("db").values()]
    offenders = [found for path in files for found in _nested_imports(path)]
    assert offenders == [], "move these imports to the module top (or break the cycle they hide)"


def test_db_never_imports_core():
    offenders = [f"{path.relative_to(ROOT)}:{line} {name}" for path in _modules("db").values()
                 for line, name in _imports(path) if name == "core" or name.startswith("core.")]
    assert offenders == []


def test_only_db_makes_sessions_engines_and_connections():
    files = [*_modules("core").values(), *SHELL]
    offenders = [found for path in files for found in _session_or_engine_makers(path)]
    assert offenders == [], "services receive the unit of work (db.uow.UnitOfWork); only db/ opens sessions"


def test_the_checks_see_what_they_are_meant_to_catch(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from sqlalchemy import Engine\n"
                     "def f(engine):\n"
                     "    from db.session import make_engine\n"
                     "    with Session(engine) as s, engine.begin() as c, login.begin():\n"
                     "        return make_engine()\n", encoding="utf-8")
    assert list(_nested_imports(probe)) == ["probe.py:3 from db.session import make_engine"]
    assert [m.split(" ", 1)[1] for m in _session_or_engine_makers(probe)] == [
        "imports Engine (take a db.uow.UnitOfWork instead)", "Session(...)", "engine.begin()", "make_engine(...)"]


# --- the package layers of ARCHITECTURE.md ---------------------------------------------------------------

LAYERS = ("common", "audit", "files", "machines", "workflow", "workflow_store", "refusals", "calendar", "org", "identity",
          "declaring", "review", "panel", "reporting", "desks", "setup")  # bottom to top: a package imports only below


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "core" and parts[1] in LAYERS else None


def _layer_breaks(graph: dict[str, set[str]]) -> list[str]:
    breaks = []
    for source, targets in sorted(graph.items()):
        here = _layer(source)
        for target in sorted(targets):
            there = _layer(target)
            if here and there and here != there and LAYERS.index(there) > LAYERS.index(here):
                breaks.append(f"{source} -> {target}")
    return breaks


def test_every_package_of_core_has_its_place_in_the_layers():
    packages = {p.name for p in (ROOT / "core").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in (ROOT / "core").glob("*.py") if p.stem != "__init__"}
    assert packages | modules == set(LAYERS), "add the new package to LAYERS and to ARCHITECTURE.md"


def test_a_package_of_core_imports_only_from_the_layers_below_it():
    assert _layer_breaks(_import_graph("core")) == [], "an upward import: move the code or the package"


def test_the_layer_check_names_an_upward_import():
    graph = {"core.org.units": {"core.review.publicity"}, "core.review.publicity": {"core.org.units"}}
    assert _layer_breaks(graph) == ["core.org.units -> core.review.publicity"]


def test_the_engine_and_the_machines_import_neither_streamlit_nor_sqlalchemy():
    files = [ROOT / "core" / "workflow.py", *sorted((ROOT / "core" / "machines").glob("*.py"))]
    found = [f"{_where(path)}: {name}" for path in files for _, name in _imports(path)
             if name.split(".")[0] in ("streamlit", "sqlalchemy")]
    assert found == [], "the rules are pure: data reaches them through a store"

"""Issue 14 §2: text people typed is shown as text, never rendered as Markdown, on every page for every demo role.

The demo province is built, then every user-typed field in the database (names of people, accounts, units and
committees, reasons and opinions, publicity titles and bodies, objections, record rows, file names, panel titles)
is overwritten with Markdown and HTML payloads: images that would be fetched from evil.example, links, headings,
raw HTML, bare URLs (GFM autolink literals) and Streamlit's ``:red[...]`` directives. Each demo user then walks
their pages (and opens the first item of every list that has a picker); every Markdown-rendering element's body,
every widget label, radio option, expander, tab and dialog title is parsed with markdown-it (CommonMark with
linkify and raw HTML on, like GitHub's) and no image, link, heading, quote or HTML may come from the payloads.
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from markdown_it import MarkdownIt

from core.setup.demo import DEMO_LOGINS, DEMO_PASSWORD
from db.models import Base
from db.uow import UnitOfWork
from tests.app.support import assert_ok, nav, sign_in, start

MARK = "毒"
PAYLOADS = (  # each starts a line with a block construct and carries the inline ones
    f"# {MARK}标题 ![x](http://evil.example/m.png) [核验](http://evil.example/v) :red[{MARK}]",
    f"<img src=x onerror=alert(1)> http://evil.example/a www.evil.example <b>{MARK}</b> :material/warning:",
    f"> {MARK}引用 [核验](http://evil.example/v) ![x](http://evil.example/m.png) :smile:",
    f"1. {MARK}列表 <a href=http://evil.example>{MARK}</a> `{MARK}` **{MARK}** | a | b |",
)
MULTILINE = f"\n\n# {MARK}第二段\n<div>{MARK}</div>\n![x](http://evil.example/m2.png)"
TEXT_COLUMNS = {  # table: (one-line columns, multi-line columns)
    "unit": (("name", "legal_representative"), ()),
    "committee": (("name",), ()),
    "person": (("name",), ()),
    "account": (("display_name",), ()),
    "declaration": ((), ("exceptional_grounds",)),
    "filing_record": ((), ("opinion",)),
    "expert_conflict": ((), ("reason",)),
    "panel_session": (("title",), ()),
    "review_group": (("name",), ()),
    "publicity_batch": (("title",), ("body",)),
    "unit_link_request": ((), ("reason",)),
    "attachment": (("original_name",), ()),
    "blind_opinion": (("display_name",), ()),
    "calendar_day": (("name",), ()),
    "calendar_year": ((), ("source",)),
    "objection": (("raised_by_name", "contact"), ("text", "resolution")),
    "audit_event": ((), ("comment",)),
}
JSON_COLUMNS = {"declaration_record": "data", "dossier_assignment": "opinion"}
DATE_LIKE = re.compile(r"^(\d{4}-\d{2}(-\d{2})?|至今|present|\d+)$")

MD = MarkdownIt("commonmark", {"linkify": True, "html": True}).enable(["linkify", "table", "strikethrough"])
PLAIN_PROTOS = {"Text", "Code", "Json", "Arrow", "Exception", "Selectbox.options", "MultiSelect.options"}
MARKDOWN_FIELDS = {"body", "label", "help", "title", "captions", "options", "placeholder"}
MARKDOWN_OPTIONS = {"Radio", "ButtonGroup"}  # whose options are rendered as Markdown (selectbox options are not)


def _payload(n: int, multiline: bool) -> str:
    return PAYLOADS[n % len(PAYLOADS)] + (MULTILINE if multiline else "")


def poison(url: str) -> None:
    """Overwrite every user-typed field of the demo with a payload (keeping each value unique)."""
    tables = Base.metadata.tables
    with UnitOfWork.from_url(url).write() as s:
        for name, (lines, texts) in TEXT_COLUMNS.items():
            table = tables[name]
            key = next(iter(table.primary_key.columns))
            for row in s.execute(sa.select(key, *(table.c[c] for c in lines + texts))).all():
                seed = row[0] if isinstance(row[0], int) else len(str(row[0]))
                values = {c: f"{_payload(i + seed, c in texts)} {row._mapping[c] or ''}"[:480]
                          for i, c in enumerate(lines + texts, start=1)}
                s.execute(table.update().where(key == row[0]).values(**values))
        for name, column in JSON_COLUMNS.items():
            table = tables[name]
            for row_id, data in s.execute(sa.select(table.c.id, table.c[column])).all():
                if not isinstance(data, dict):
                    continue
                changed = {k: (f"{_payload(row_id, True)} {v}" if isinstance(v, str) and not DATE_LIKE.match(v) else v)
                           for k, v in data.items()}
                s.execute(table.update().where(table.c.id == row_id).values({column: changed}))


# --- reading what a page shows ------------------------------------------------------------------------------

def _strings(message, owner: str = ""):
    """(where, text) of every string a Markdown renderer would show, from a proto and its sub-messages."""
    kind = message.DESCRIPTOR.name
    if kind in PLAIN_PROTOS or "Chart" in kind or "Arrow" in kind:
        return
    for field, value in message.ListFields():
        where = f"{owner}{kind}.{field.name}"
        if field.type == field.TYPE_MESSAGE:
            for item in ([value] if hasattr(value, "DESCRIPTOR") else value):
                yield from _strings(item, f"{where}/")
        elif field.type == field.TYPE_STRING and field.name in MARKDOWN_FIELDS:
            if field.name == "options" and kind not in MARKDOWN_OPTIONS:
                continue
            for item in ([value] if isinstance(value, str) else value):
                yield where, item


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def shown(at) -> list[tuple[str, str]]:
    out = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            out.extend(_strings(proto))
    return out


def _tokens(tokens):
    for token in tokens:
        yield token
        if token.children:
            yield from _tokens(token.children)


def problems(where: str, text: str) -> list[str]:
    """What in ``text`` would render as markup that came from a payload."""
    found = []
    tokens = list(_tokens(MD.parse(text)))
    for n, token in enumerate(tokens):
        if token.type == "image":
            found.append(f"image {token.attrs.get('src')}")
        elif token.type == "link_open" and "evil" in str(token.attrs.get("href", "")):
            found.append(f"link {token.attrs.get('href')}")
        elif token.type.startswith("html") and re.search(r"</?(img|a|b|div)\b", token.content):
            found.append(f"html {token.content.strip()[:40]}")
        elif token.type in ("heading_open", "blockquote_open", "ordered_list_open", "table_open") \
                and any(MARK in t.content for t in tokens[n:n + 4] if t.type in ("inline", "text")):
            found.append(f"{token.type} from user text")
        elif token.type == "code_inline" and token.content == MARK or token.type == "strong_open" \
                and tokens[n + 1].type == "text" and tokens[n + 1].content == MARK:  # the payload's `毒`, **毒**
            found.append(f"{token.type} from user text")
    if re.search(r"(?<!\\):red\[|(?<!\\):material/warning:|(?<![\\\w]):smile:", text):
        found.append("streamlit directive or shortcode")
    if re.search(r"(?:https?://|www\.)evil", text):
        found.append("autolink literal")
    return [f"{where}: {p} in {text[:120]!r}" for p in found]


def check(at, context: str, bad: list[str]) -> int:
    """Add what the page shows as markup from a payload to ``bad``; return how many shown strings carried one."""
    seen = shown(at)
    bad.extend(f"{context}: {p}" for where, text in seen for p in problems(where, text))
    return sum(MARK in text or "evil" in text for _, text in seen)


OPEN = 3  # items opened per picker
PICKERS = re.compile(r"\.(pick|select|batch|objection|group|session|withdraw_pick|unit_pick|object_ref)$|^ws\.")


def walk(at, context: str, bad: list[str]) -> int:
    """Check the page, then open the first item of each picker on it, checking each time."""
    poisoned = check(at, context, bad)
    for key in [w.key for w in at.selectbox if w.key and PICKERS.search(w.key)]:
        try:
            box = at.selectbox(key=key)
        except KeyError:
            continue
        owner = getattr(box.format_func, "__self__", None)  # the pickers' labels: format_func=labels.get
        others = [v for v in (owner if isinstance(owner, dict) else ()) if v is not None and v != box.value]
        for value in others[:OPEN]:
            at.selectbox(key=key).set_value(value).run()
            assert_ok(at)
            poisoned += check(at, f"{context} [{key}={value}]", bad)
    return poisoned


@pytest.fixture
def poisoned_db(app_db):
    poison(app_db)
    return app_db


@pytest.mark.parametrize("login_name", list(DEMO_LOGINS))
def test_no_page_renders_user_text_as_markup(poisoned_db, login_name):
    at = sign_in(start(), login_name, DEMO_PASSWORD)
    contexts = tuple(dict.fromkeys(at.session_state["app.principal"].contexts))
    if len(contexts) > 1:
        wanted = next(i for i, c in enumerate(contexts) if c.role == DEMO_LOGINS[login_name])
        at.sidebar.selectbox(key="app.context").select(wanted).run()
        assert_ok(at)
    bad: list[str] = []
    poisoned = walk(at, f"{login_name} home", bad)
    for page in nav(at)[1:]:
        at.switch_page(f"pages/{page}.py").run()
        assert_ok(at)
        poisoned += walk(at, f"{login_name} {page}", bad)
    assert not bad, "\n".join(dict.fromkeys(bad))
    assert poisoned, "the walk saw no user text at all: the payloads were not shown anywhere"


def test_the_public_portal_shows_poisoned_titles_and_names_as_text(poisoned_db):
    at = start()
    at.switch_page("pages/portal.py").run()
    assert_ok(at)
    bad: list[str] = []
    assert walk(at, "portal", bad)
    assert not bad, "\n".join(dict.fromkeys(bad))


@pytest.mark.parametrize("text", PAYLOADS + (MULTILINE,))
def test_the_checker_itself_sees_every_payload_as_markup(text):
    assert problems("raw", text)

"""ui.i18n.plain: any text, put through it, renders as exactly that text in Markdown (issue 14 §2)."""
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from core.common.i18n import t
from ui.i18n import _BREAK, plain, tr_safe

MD = MarkdownIt("commonmark", {"linkify": True, "html": True}).enable(["linkify", "table", "strikethrough"])
TEXT_ONLY = {"paragraph_open", "paragraph_close", "inline", "text", "text_special"}
PAYLOADS = ["![x](http://evil.example/m.png)", "[核验](http://evil.example)", "# 标题", "> 引用", "- 项", "+ 项",
            "1. 项", "3) 项", "<img src=x onerror=alert(1)>", "<b>粗</b>", "&lt;&amp;", "http://evil.example/a",
            "www.evil.example", "a@evil.example", ":red[x]", "**粗** _斜_ ~~删~~ `码`", "| a | b |\n|---|---|",
            "$x^2$", "    缩进代码", "第一行\n# 第二行\n\n<div>段</div>", "张三\\", "=HYPERLINK(\"http://x\",\"y\")",
            "\\# 已转义", "***", "[a]: http://evil.example", "<http://evil.example>", "---", "第一行\r\n===", "``"]


def tokens(text: str) -> list:
    out = []
    for token in MD.parse(text):
        out.append(token)
        out.extend(token.children or ())
    return out


def shown(text: str) -> str:
    return "".join(t.content for t in tokens(text) if t.type in ("text", "text_special")).replace("\u200b", "")


def check(text: str) -> None:
    rendered = plain(text)
    kinds = {tok.type for tok in tokens(rendered)}
    assert kinds <= TEXT_ONLY, (text, rendered, kinds)
    assert shown(rendered) == _BREAK.sub(" ", text).strip(), (text, rendered)


def test_every_payload_renders_as_its_own_text():
    for text in PAYLOADS:
        check(text)
        assert "\n" not in plain(text)


def test_line_breaks_become_one_space_and_the_text_stays_readable():
    assert shown(plain("第一行\n# 第二行")) == "第一行 # 第二行"
    assert shown(plain("[核验](http://evil.example)")) == "[核验](http://evil.example)"
    assert plain("张三") == "张三"


def test_emoji_shortcodes_and_material_icons_do_not_form():
    assert plain(":smile:") == "\\:\u200bsmile\\:"
    assert ":material/" not in plain(":material/warning:")
    assert plain("12:30") == "12\\:30"


def test_tr_safe_escapes_the_parameters_not_the_template():
    assert tr_safe("auth.signed_in_as", name="**张三**") == t("auth.signed_in_as", name="\\*\\*张三\\*\\*")
    assert tr_safe("act.done", action="action.approve") == t("act.done", action=t("action.approve"))


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u200b") | st.sampled_from(
    list("#>-+*_`[]()!<>&:|~$\\=\n 1.")), max_size=40))
def test_any_text_renders_as_text_only(text):
    check(text)

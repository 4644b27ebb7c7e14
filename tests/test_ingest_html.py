"""HTML replies to the text a reader sees: blocks and table rows as lines, entities decoded, nothing hidden."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foi_pipeline.ingest import parse_bytes
from foi_pipeline.ingest.html_page import MAX_DEPTH, decode_html, html_to_text


def lines(html: str) -> list[str]:
    return html_to_text(html).split("\n")


def test_visible_text_only_with_entities_decoded():
    html = (
        "<html><head><title>Disclosure log</title><style>p{color:red}</style><script>var x = 1;</script>"
        "<meta name=description content='not text'></head><body>"
        "<h1>FOI reply</h1><p>Budget &pound;60,000 &amp; more&nbsp;here</p>"
        "<template><p>template text</p></template><noscript>enable JS</noscript>"
        "<script type='application/json'>{\"a\": 1}</script><!-- a comment -->"
        "<div hidden>hidden attribute</div><span style='display: none'>preheader</span>"
        "</body></html>"
    )
    assert lines(html) == ["FOI reply", "", "Budget £60,000 & more here"]


def test_blocks_are_lines_and_spaces_collapse_inside_a_line():
    html = "<div>1. Safe\n   Steps\t programme<br>2. Drive</div><section><h2>Q3</h2>text <b>bold</b> <i>it</i></section>"
    assert lines(html) == ["1. Safe Steps programme", "2. Drive", "", "Q3", "", "text bold it"]


def test_never_more_than_one_blank_line():
    html = "<p>one</p>\n\n<p></p><p> </p><br><br><br><div></div><p>two</p>" + "<br>" * 10 + "<h3>three</h3>"
    assert html_to_text(html) == "one\n\ntwo\n\nthree"


def test_table_rows_are_lines_with_cells_joined_like_docx():
    html = (
        "<p>Answers:</p><table><thead><tr><th>Question</th><th>CARA</th><th>DRIVE</th></tr></thead>"
        "<tbody><tr><td><p>5. Referred</p><p>(agency)</p></td><td>82<br>approx.</td><td>&lt;5</td></tr>"
        "<tr><td>6. Accepted</td><td></td><td>12</td></tr>"
        "<tr><td>&nbsp;</td><td></td><td></td></tr></tbody></table><p>Yours sincerely</p>"
    )
    assert lines(html) == [
        "Answers:", "", "Question | CARA | DRIVE", "5. Referred (agency) | 82 approx. | <5", "6. Accepted |  | 12", "",
        "Yours sincerely",
    ]


def test_rowspans_leave_an_empty_cell_so_columns_stay_aligned():
    html = (
        "<table><tr><th>Programme</th><th>Route</th><th>Referred</th></tr>"
        "<tr><td rowspan='2'>CARA</td><td>self</td><td>10</td></tr><tr><td>agency</td><td>20</td></tr>"
        "<tr><td>DRIVE</td><td colspan='2' rowspan='2'>not held</td></tr><tr><td>Other</td></tr></table>"
    )
    assert lines(html) == [
        "Programme | Route | Referred", "CARA | self | 10", " | agency | 20", "DRIVE | not held", "Other | ",
    ]


def test_layout_tables_are_read_as_blocks():
    # Old disclosure-log pages wrap the whole page in a table; a one-column or nesting table is layout.
    html = (
        "<table><tr><td><h1>Reply</h1><p>1. First answer</p><p>2. Second answer</p></td></tr></table>"
        "<table><tr><td>menu</td><td><table><tr><td>Q</td><td>A</td></tr></table><p>body</p></td></tr></table>"
    )
    assert lines(html) == ["Reply", "", "1. First answer", "", "2. Second answer", "", "menu", "", "Q | A", "", "body"]


def test_ordered_lists_show_their_numbers_like_a_browser():
    html = "<ol><li>Safe Steps</li><li>Drive</li></ol><ol start='4' type='a'><li>x</li><li value='9'>y</li></ol><ul><li>bullet</li></ul>"
    assert lines(html) == ["1. Safe Steps", "2. Drive", "", "d. x", "i. y", "", "bullet"]


def test_preformatted_text_keeps_its_layout():
    html = "<p>Figures:</p><pre>Programme   Referred\n  CARA        203\n\n  DRIVE        12</pre><p>end</p>"
    assert lines(html) == ["Figures:", "", "Programme   Referred", "  CARA        203", "", "  DRIVE        12", "", "end"]


def test_a_fragment_without_html_or_body_tags():
    assert html_to_text("Dear Sir &amp; Madam,<br>1. 203<br>2. N/A") == "Dear Sir & Madam,\n1. 203\n2. N/A"
    assert html_to_text("") == ""


def test_declared_charset_is_honoured_when_it_decodes_cleanly_else_the_text_chain():
    latin = "<meta charset='windows-1252'><p>£5 – “x”</p>".encode("cp1252")
    assert html_to_text(decode_html(latin)) == "£5 – “x”"
    liar = "<meta http-equiv='Content-Type' content='text/html; charset=utf-8'><p>\xa35</p>".encode("latin-1")
    assert html_to_text(decode_html(liar)) == "£5"
    assert html_to_text(decode_html("<meta charset=utf-8><p>£5</p>".encode("utf-16"))) == "£5"  # BOM wins


def test_html_file_is_parsed_through_parse_bytes():
    media_type, status, error, text = parse_bytes(b"<html><body><p>Reply \xa35</p></body></html>", "log.HTM")
    assert (media_type, status, error, text) == ("text/html", "ok", None, "Reply £5")
    assert parse_bytes(b"<html><head><title>only a title</title></head><body> </body></html>", "x.html")[1] == "empty"


@pytest.mark.parametrize("depth", [5_000, MAX_DEPTH + 5_000])
def test_deeply_nested_html_does_not_crash_or_hang(depth):
    html = "<div>" * depth + "deep <table><tr><td>a</td><td>b</td></tr></table>" + "</div>" * depth
    started = time.perf_counter()
    assert html_to_text(html) == "deep\n\na | b"
    assert time.perf_counter() - started < 5


def test_the_regex_fallback_keeps_the_same_lines():
    """Pages past the depth guard go through a regex pass; its output follows the same rules."""
    body = (
        "<h1>Reply</h1><script>x()</script><p>Budget &pound;5</p><table><tr><td>a</td><td>b</td></tr></table>"
        "<pre>  keep   this</pre><p>end</p>"
    )
    deep = "<div>" * (MAX_DEPTH + 10) + body + "</div>" * (MAX_DEPTH + 10)
    assert html_to_text(deep) == html_to_text(body) == "Reply\n\nBudget £5\n\na | b\n\n  keep   this\n\nend"


def test_private_use_marks_in_the_input_cannot_forge_structure():
    assert html_to_text("<p>a\ue000b\ue002c\ue001d</p>") == "abcd"


_HTMLISH = st.lists(
    st.one_of(
        st.sampled_from(["<p>", "</p>", "<td>", "</td>", "<tr>", "<table>", "</table>", "<br>", "<pre>", "</pre>",
                         "<ol>", "<li>", "<script>", "</script>", "&amp;", "&#", "&pound;", "\r\n", "\r", "<!--",
                         "<div hidden>", "<td rowspan=3>", "<td colspan=0 rowspan=0>", "\x00", "\ue001", "<svg>"]),
        st.text(max_size=8),
    ),
    max_size=80,
).map("".join)


@pytest.mark.parametrize("html", ["0<p>\x1b<p>0", "<p>a</p>\x07<p>b</p>", "<pre>a\r\n\x1b\r\nb</pre>"])
def test_a_control_character_alone_leaves_no_extra_blank_line(html):
    assert "\n\n\n" not in html_to_text(html)


@settings(max_examples=300, deadline=None)
@given(_HTMLISH)
def test_html_parser_never_raises_and_leaves_no_cr(html):
    text = html_to_text(html)
    assert "\r" not in text and "\x00" not in text and "\n\n\n" not in text
    assert not any("\ue000" <= ch <= "\ue005" for ch in text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200))
def test_html_parser_takes_any_string_even_lone_surrogates(text):
    assert "\r" not in html_to_text(text)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_html_bytes_never_raise(data):
    media_type, status, error, text = parse_bytes(data, "x.html")
    assert status in ("ok", "empty") and (text is None or "\r" not in text)


@pytest.mark.parametrize(
    "html",
    [
        pytest.param("<div>" * 20_000 + "<script>" * 50_000, id="unclosed scripts"),
        pytest.param("<div>" * 20_000 + "<!--" * 50_000, id="unclosed comments"),
        pytest.param("<div" * 100_000, id="unterminated tags"),
        pytest.param("<p>" + "<b>" * 100_000 + "x", id="unclosed inline tags"),
        pytest.param("<table>" + "<tr><td>1</td><td>2</td></tr>" * 20_000 + "</table>", id="a long table"),
        pytest.param("<table><tr><td>x</td><td>" * 9_000, id="tables nested in tables"),
        pytest.param("<ol><li>" * 9_000 + "<ul><li>" * 9_000, id="nested lists"),
    ],
)
def test_pathological_pages_finish_quickly(html):
    started = time.perf_counter()
    assert "\r" not in html_to_text(html)
    assert time.perf_counter() - started < 3


def test_a_list_in_a_table_cell_keeps_its_items_apart_on_the_row():
    html = (
        "<table><tr><th>Question</th><th>Response</th></tr>"
        "<tr><td>2. Self-referred</td><td><p>Drive: 12</p><p>CARA: N/A</p></td></tr>"
        "<tr><td>8. Referrers</td><td><ul><li>Kent Police</li><li>Medway Council</li></ul></td></tr>"
        "<tr><td>9. Funders</td><td><p>The Home Office.</p><p>The OPCC.</p></td></tr>"
        "<tr><td>5. Referred</td><td>82<br>(approx.)</td></tr></table>"
    )
    assert lines(html) == [
        "Question | Response", "2. Self-referred | Drive: 12; CARA: N/A", "8. Referrers | Kent Police; Medway Council",
        "9. Funders | The Home Office. The OPCC.", "5. Referred | 82 (approx.)",
    ]


@pytest.mark.parametrize("deep", [False, True])
def test_site_navigation_is_no_part_of_the_reply(deep):
    """A disclosure log's breadcrumb "<ol><li>Home</li>..." would read as numbered answers 1, 2, ..."""
    body = ('<nav aria-label="Breadcrumb"><ol><li>Home</li><li>Disclosure log</li></ol></nav>'
            "<h1>Perpetrator programmes</h1><p>Drive</p><p>CARA</p>")
    if deep:
        body = "<div>" * (MAX_DEPTH + 10) + body + "</div>" * (MAX_DEPTH + 10)
    assert html_to_text(body) == "Perpetrator programmes\n\nDrive\n\nCARA"


def test_an_unclosed_nav_keeps_the_page():
    deep = "<div>" * (MAX_DEPTH + 10) + "<nav><p>Reply text</p>" + "</div>" * (MAX_DEPTH + 10)
    assert html_to_text(deep) == "Reply text"


def test_a_breadcrumb_trail_marked_by_its_class_is_no_part_of_the_reply():
    html = ('<ol class="crumbs"><li>Home</li><li>Transparency</li></ol><div aria-label="Breadcrumb">Home / FOI</div>'
            "<h1>Disclosure log</h1><p>We hold no information.</p>")
    assert html_to_text(html) == "Disclosure log\n\nWe hold no information."


def test_a_short_term_and_its_short_definition_are_one_line_a_question_and_its_answer_are_not():
    html = ("<dl><dt>Accepted</dt><dd>21</dd><dt>Completed:</dt><dd>approx. 60</dd></dl>"
            "<dl><dt>5. The total number of males referred by an agency into the programme</dt><dd>97</dd></dl>")
    lines = [line for line in html_to_text(html).split("\n") if line.strip()]
    assert lines == ["Accepted: 21", "Completed: approx. 60",
                     "5. The total number of males referred by an agency into the programme", "97"]

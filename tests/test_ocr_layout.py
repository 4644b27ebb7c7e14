"""Tesseract's word boxes laid out as rows and tables; OCR'd figures that are doubtful (pure functions)."""

import math

from hypothesis import given
from hypothesis import strategies as st

from foi_pipeline.ingest.layout import Word, figure_doubt, layout_page, rows, skew


def _line(y: int, words: list[tuple[str, int]], line: tuple[int, int, int], slope: float = 0.0, height: int = 30) -> list[Word]:
    """Words at x positions on a row at height y (turned by `slope`), 18 px a character."""
    return [Word(text, 95.0, x, round(y + slope * x), 18 * len(text), height, line) for text, x in words]


def test_a_scanned_tables_columns_come_out_as_tab_separated_rows():
    # Tesseract reads a table as blocks, one column after another: the rows are rebuilt from the boxes.
    words = (
        _line(100, [("Stage", 100)], (1, 1, 1)) + _line(100, [("Drive", 700)], (2, 1, 1)) + _line(100, [("Change", 1100), ("Hub", 1230)], (3, 1, 1))
        + _line(160, [("Self-referred", 100)], (1, 1, 2)) + _line(160, [("12", 700)], (2, 1, 2)) + _line(160, [("N/A", 1100)], (3, 1, 2))
        + _line(220, [("Referred", 100), ("by", 262), ("an", 316), ("agency", 370)], (1, 1, 3)) + _line(220, [("84", 700)], (2, 1, 3))
        + _line(220, [("fewer", 1100), ("than", 1208), ("5", 1298)], (3, 1, 3))
    )
    assert layout_page(words).text.splitlines() == [
        "Stage\tDrive\tChange Hub", "Self-referred\t12\tN/A", "Referred by an agency\t84\tfewer than 5",
    ]


def test_a_slightly_turned_page_keeps_its_rows():
    slope = math.tan(math.radians(1.0))  # 1 degree: 40 px of drift across a 2,300 px page, more than a line
    words = []
    for i, y in enumerate((100, 150, 200)):
        words += _line(y, [(f"row{i}", 100), ("middle", 900), (f"end{i}", 2200)], (1, 1, i + 1), slope=slope)
    assert abs(skew(words) - slope) < 1e-3
    assert [[w.text for w in row] for row in rows(words)] == [[f"row{i}", "middle", f"end{i}"] for i in range(3)]


def test_word_spaces_stay_spaces_and_a_glued_label_gets_its_space():
    words = _line(100, [("4.N/A", 100)], (1, 1, 1)) + _line(160, [("The", 100), ("programme", 170), ("costs", 345)], (1, 1, 2))
    assert layout_page(words).text == "4. N/A\nThe programme costs"


def test_ligatures_in_ocr_words_are_letters_and_spans_follow():
    layout = layout_page(_line(100, [("ﬁnancial", 100), ("year:", 300), ("£45,000", 420)], (1, 1, 1)))
    assert layout.text == "financial year: £45,000"
    assert [(layout.text[w.start : w.end], w.text) for w in layout.words] == [("financial", "financial"), ("year:", "year:"), ("£45,000", "£45,000")]


def test_figures_with_letters_ocr_confuses_with_digits_or_little_confidence_are_doubted():
    assert "'O'" in figure_doubt("1O5", 96, 80)
    assert "'l'" in figure_doubt("l2", 96, 80)
    assert "'O'" in figure_doubt("£25,0O0", 96, 80)
    assert "'S'" in figure_doubt("2S", 96, 80) and "'B'" in figure_doubt("B8", 96, 80)
    assert "41 %" in figure_doubt("82", 41, 80)
    assert "comma" in figure_doubt("£25.000", 96, 80)
    assert figure_doubt("£209,332.78", 96, 80) is None and figure_doubt("£1.2m", 96, 80) is None
    assert figure_doubt("82", 96, 80) is None
    assert figure_doubt("£25,000.", 91, 80) is None
    assert figure_doubt("Offenders", 20, 80) is None  # no digit: not a figure
    assert figure_doubt("NR18", 96, 80) is None  # a postcode's letters are not confusable ones


_word_text = st.text(alphabet=st.sampled_from("abcXYZ019£,.ﬁ-/"), min_size=1, max_size=8)


@given(st.lists(st.tuples(_word_text, st.integers(0, 3000), st.integers(0, 3000), st.integers(5, 60)), max_size=40))
def test_every_placed_word_is_exactly_where_its_span_says(items):
    words = [Word(text, 90.0, x, y, 12 * len(text), h, (1, 1, i)) for i, (text, x, y, h) in enumerate(items)]
    layout = layout_page(words)
    for placed in layout.words:
        assert layout.text[placed.start : placed.end] == placed.text
    assert sum(len(r) for r in rows(words)) == len(words)

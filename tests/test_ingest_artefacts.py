"""Text-layer artefacts of scanned or converted letters: hyphenated words, page furniture, ligatures."""

from hypothesis import given
from hypothesis import strategies as st

from foi_pipeline.ingest.artefacts import PAGE_BREAK, Edit, SpanMap, apply_edits, clean_pages, hyphen_edits
from foi_pipeline.ingest.text import normalise


def _join(text: str) -> str:
    return apply_edits(text, hyphen_edits(text))


def test_a_word_hyphenated_at_a_line_end_is_read_whole_on_its_first_line():
    assert _join("The Change Hub pro-\ngramme received 240 referrals.") == "The Change Hub programme\nreceived 240 referrals."
    assert _join("CARA's bud-\nget.\nNext line") == "CARA's budget.\nNext line"


def test_a_hyphen_that_belongs_to_the_word_stays():
    assert _join("Males who self-\nreferred: 12") == "Males who self-referred:\n12"
    # the reply writes the compound with its hyphen elsewhere, and never as one word
    assert _join("a behaviour-change course; the behaviour-\nchange course") == "a behaviour-change course; the behaviour-change\ncourse"
    # a dash between words and a hyphen before a capital are no line-end hyphenation
    assert _join("Drive -\nthe programme") == "Drive -\nthe programme"
    assert _join("Leeds-\nBradford") == "Leeds-\nBradford"


def test_page_numbers_and_running_headers_and_footers_are_no_answers():
    pages = [
        "OFFICIAL\nOffice of the Police and Crime Commissioner\n1. CARA\n2. Not held\nPage 1 of 3\nOFFICIAL",
        "OFFICIAL\n3. 82 referrals\n- 2 -\nOFFICIAL",
        "OFFICIAL\n4. 66 completed\n10. Budget: £25,000\n3/3\nOFFICIAL",
    ]
    text, _ = clean_pages(pages)
    assert text == PAGE_BREAK.join([
        "OFFICIAL\nOffice of the Police and Crime Commissioner\n1. CARA\n2. Not held",
        "3. 82 referrals", "4. 66 completed\n10. Budget: £25,000",
    ])


def test_numbered_answers_repeated_on_two_pages_are_kept():
    pages = ["2. These are not self-referral services.\nrest", "more\n3. These are not self-referral services."]
    assert clean_pages(pages)[0] == PAGE_BREAK.join(pages)


def test_a_bare_number_is_a_page_number_only_when_it_is_the_pages():
    pages = ["1. Figures\n17", "Answer\n7"]
    assert clean_pages(pages)[0] == PAGE_BREAK.join(pages)
    assert clean_pages(["Letter\n1", "More\n2"])[0] == PAGE_BREAK.join(["Letter", "More"])


def test_a_running_line_that_ends_in_its_page_number_is_furniture_though_set_off_by_a_tab():
    pages = ["Dear Requester\n1. Drive\nOffice of the PCC – www.example-pcc.gov.uk\tPage 1 of 2",
             "Referrals come from Kent Police.\nOffice of the PCC – www.example-pcc.gov.uk\tPage 2 of 2"]
    assert clean_pages(pages)[0] == PAGE_BREAK.join(["Dear Requester\n1. Drive", "Referrals come from Kent Police."])
    table = ["Programme\tReferred\nDrive\t12 of 40", "More text\nCARA\t3 of 9"]  # a table's last cells are no page numbers
    assert clean_pages(table)[0] == PAGE_BREAK.join(table)


def test_a_footer_in_cells_is_furniture_but_a_tables_repeated_header_and_its_rows_are_not():
    footer = "Office of the PCC | Bridgebury House, Kempston MK43 9AX"
    rows = "\n".join(f"Borough Council {n} | {n}" for n in range(1, 9))
    pages = ["Dear Requester\nThe table lists who referred.\nReferrer | Drive\n" + rows + "\nMedway Council | 9\n" + footer + "\nOFFICIAL\tPage 1 of 2",
             "Referrer | Drive\n" + rows + "\nEssex Police | 9\n" + footer + "\nOFFICIAL\tPage 2 of 2"]
    text = clean_pages(pages)[0]
    assert footer not in text and "OFFICIAL" not in text
    assert text.count("Referrer | Drive") == 2 and "Medway Council | 9" in text and "Essex Police | 9" in text


def test_spans_of_the_plain_join_follow_the_cleaning():
    pages = ["Page 1 of 2\nThe pro-\ngramme took 82 referrals", "Page 2 of 2\n66 completed"]
    joined = PAGE_BREAK.join(pages)
    text, spans = clean_pages(pages)
    for figure in ("82", "66"):
        start = joined.index(figure)
        moved = spans.span(start, start + 2)
        assert moved is not None and text[moved[0] : moved[1]] == figure
    assert spans.span(0, 4) is None  # 'Page' was removed


def test_ligatures_are_letters_in_every_format():
    assert normalise("ﬁnancial ﬂow, oﬀer, oﬃce, baﬄe") == "financial flow, offer, office, baffle"


@given(st.text(alphabet=st.sampled_from("ab-\n "), max_size=60), st.data())
def test_span_map_agrees_with_the_edited_text(text, data):
    cuts = sorted(data.draw(st.sets(st.integers(0, len(text)), max_size=6)))
    edits = [Edit(a, b, data.draw(st.sampled_from(["", "x", "yy"]))) for a, b in zip(cuts[0::2], cuts[1::2])]
    edited, spans = apply_edits(text, edits), SpanMap(edits)
    for start in range(len(text)):
        for end in range(start, min(len(text), start + 4) + 1):
            moved = spans.span(start, end)
            if moved is not None:
                assert edited[moved[0] : moved[1]] == text[start:end]

"""Property tests: the extractor never raises on arbitrary text, and every span it returns is exact."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foi_pipeline.extract import FACT_TABLE_NAMES, extract_reply
from foi_pipeline.specs import Catalogue, RequestSpec

# Text built from the pieces replies are made of, so the extractor's rules actually fire.
FRAGMENTS = st.sampled_from([
    "1.", "2)", "Q3:", "Question 5 –", "a)", "(b)", "•", "-", "Answer:", "A:", "\n", "\n\n", " ", ": ", " – ", "; ",
    "CARA", "Drive Project", "Safe Steps Programme (SSP)", "One-to-One", "N/A", "not held", "fewer than 5", "<5", "*",
    "approx. 40", "c. 12", "over 20", "twelve", "forty-one", "82", "1,204", "0", "10%", "£60,000", "£1.2m", "£45k",
    "60,000 GBP", "per annum", "over five years (2021 to 2026)", "section 43(2)", "exempt", "Home Office",
    "Office of the Police and Crime Commissioner for Kent", "Kent Police", "delivered by Acme Trust", "funded by",
    "in-kind", "referred by", "accepted", "completed", "partial completers", "| a | b |", "|---|---|", "  ",
    "The total number of males who self-referred into the programme", "Budget inclusive of Running Costs",
    "Financial Contributors:", "Link to evaluation of programme efficacy", "Yours sincerely", "Date: 1 May 2023",
    "Our ref: AB/1", "\u00a3", "\t", "\r\n", "é", "“", "”",
])
REPLY_LIKE = st.lists(FRAGMENTS, max_size=60).map("".join)


def _check(text: str, spec: RequestSpec, catalogue: Catalogue) -> None:
    extraction = extract_reply(text, doc_id="d", spec=spec, catalogue=catalogue)
    assert set(extraction.tables) == set(FACT_TABLE_NAMES)
    for rows in extraction.tables.values():
        for row in rows:
            assert 0 <= row["char_start"] <= row["char_end"] <= len(text)
            assert text[row["char_start"] : row["char_end"]] == row["evidence_text"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(REPLY_LIKE)
def test_reply_like_text_never_raises_and_spans_are_exact(males_spec, catalogue, text):
    """The fragments quote the males request (dapp-2022-23-males), so its questions are the ones they echo."""
    _check(text, males_spec, catalogue)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises_and_spans_are_exact(males_spec, catalogue, text):
    _check(text, males_spec, catalogue)

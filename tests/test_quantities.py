"""Counts and money as replies write them (our own phrasings), plus property tests for the parsers."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foi_pipeline.extract.quantities import find_counts, find_money, parse_number_words, read_count


@pytest.mark.parametrize(
    "text, status, count, low, high, qualifier",
    [
        ("17", "value", 17, 17, 17, "exact"),
        ("1,204 referrals", "value", 1204, 1204, 1204, "exact"),
        ("Seventeen men", "value", 17, 17, 17, "exact"),
        ("ninety-nine", "value", 99, 99, 99, "exact"),
        ("one hundred and six", "value", 106, 106, 106, "exact"),
        ("Nil.", "value", 0, 0, 0, "exact"),
        ("zero", "value", 0, 0, 0, "exact"),
        ("approximately 75", "value", 75, 75, 75, "approx"),
        ("circa 30", "value", 30, 30, 30, "approx"),
        ("roughly 12 people", "value", 12, 12, 12, "approx"),
        ("~40", "value", 40, 40, 40, "approx"),
        ("around 30-35", "value", 30, 30, 35, "approx"),
        ("in excess of 200", "value", 200, 201, None, "at_least"),
        ("at least 9", "value", 9, 9, None, "at_least"),
        ("50+", "value", 50, 50, None, "at_least"),
        ("up to 25", "value", 25, 0, 25, "at_most"),
        ("less than 10", "suppressed", None, 1, 9, "at_most"),
        ("< 5", "suppressed", None, 1, 4, "at_most"),
        ("under 5", "suppressed", None, 1, 4, "at_most"),
        ("fewer than ten", "suppressed", None, 1, 9, "at_most"),
        ("*", "suppressed", None, 1, None, "at_most"),
        ("n/a", "not_applicable", None, None, None, None),
        ("Not applicable – police referrals only", "not_applicable", None, None, None, None),
        ("The service does not accept self-referrals.", "not_applicable", None, None, None, None),
        ("We do not record this.", "not_held", None, None, None, None),
        ("No information held.", "not_held", None, None, None, None),
        ("Exempt under s.40(2).", "refused", None, None, None, None),
        ("This part is refused under section 12 (cost).", "refused", None, None, None, None),
        ("", "not_stated", None, None, None, None),
        ("See answer 1.", "not_stated", None, None, None, None),
    ],
)
def test_read_count(text, status, count, low, high, qualifier):
    reading = read_count(text)
    assert (reading.status, reading.count, reading.low, reading.high, reading.qualifier) == (status, count, low, high, qualifier)


@pytest.mark.parametrize(
    "text, counts",
    [
        ("45 (about 20% of these were women)", [45]),
        ("12 sessions of 2 hours over 10 weeks for men aged 18", []),  # a course description, not a count
        ("Between 1 April 2022 and 31 March 2023, 88 were referred", [88]),
        ("Under section 43(2), 14 were withheld", [14]),
        ("The 2022/23 figure is 31", [31]),
        ("£5,000 funded 7 places", [7]),
        ("CARA: 203; EASI: 71", [203, 71]),
    ],
)
def test_find_counts_skips_numbers_that_are_not_counts(text, counts):
    assert [r.count for r in find_counts(text) if r.status == "value"] == counts


@pytest.mark.parametrize(
    "text, amount, period",
    [
        ("£60,000", "60000.00", None),
        ("£209,332.78", "209332.78", None),
        ("£1.2m", "1200000.00", None),
        ("£1.2 million over three years", "1200000.00", "3 years"),
        ("£45k", "45000.00", None),
        ("£0.25m", "250000.00", None),
        ("60,000 GBP", "60000.00", None),
        ("12,500 pounds", "12500.00", None),
        ("£25,000 per annum", "25000.00", "annual"),
        ("£18,000 a year", "18000.00", "annual"),
        ("£90k for 2022/23", "90000.00", "2022/23"),
        ("£2m over 4 years (2020 to 2024)", "2000000.00", "4 years (2020 to 2024)"),
    ],
)
def test_find_money(text, amount, period):
    [reading] = find_money(text)
    assert reading.amount == Decimal(amount) and reading.period == period
    assert text[reading.start : reading.end].strip()[0] in "£0123456789"


def test_number_words():
    assert parse_number_words("forty-one") == 41
    assert parse_number_words("two thousand and twelve") == 2012
    assert parse_number_words("banana") is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_parsers_never_raise_and_spans_are_in_bounds(text):
    for reading in [read_count(text), *find_counts(text)]:
        assert 0 <= reading.start <= reading.end <= len(text)
    for money in find_money(text):
        assert 0 <= money.start < money.end <= len(text)
        assert any(ch.isdigit() for ch in text[money.start : money.end])


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["", "approx. ", "over ", "c. "]))
def test_any_written_number_reads_back(n, prefix):
    text = f"{prefix}{n:,}"
    reading = read_count(text)
    assert reading.status == "value" and reading.count == n and text[reading.start : reading.end] == text

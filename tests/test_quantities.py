"""Counts and money as replies write them, in our own phrasings, plus property tests for the parsers.

Every table below was written for these tests (not copied from the fixtures); each row is one way a
reply might put a figure, a status or a non-count number.
"""

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foi_pipeline.extract.quantities import find_counts, find_money, parse_number_words, read_count


def _reading(text):
    r = read_count(text)
    return (r.status, r.count, r.low, r.high, r.qualifier)


# --- read_count: figures --------------------------------------------------------------------------

@pytest.mark.parametrize("text, count, rule", [
    ("Q1: 30, Q2: 25, Q3: 40, Q4: 37", 132, "count:sum_of_parts"),  # the year's figure, given by quarter
    ("Cohort 1: 10, Cohort 2: 12", 22, "count:sum_of_parts"),
    ("10 in cohort 1 and 12 in cohort 2", 22, "count:sum_of_parts"),
    ("April-June: 12; July-September: 9", 21, "count:sum_of_parts"),
    ("Quarter 1: 30, Quarter 2: 25, Total 132", 132, "count:digits"),  # a total given wins
    ("Q1: 30, Q2: <5", 30, "count:digits"),  # a part suppressed: no sum
    ("Drive: 96, Hub: 54", 96, "count:digits"),  # programmes are not parts of a year
])
def test_figures_given_by_period_add_up(text, count, rule):
    reading = read_count(text)
    assert (reading.count, reading.rule) == (count, rule)


@pytest.mark.parametrize("text", ["Approximately two thirds", "45 per cent", "three quarters of them"])
def test_shares_are_not_counts(text):
    assert read_count(text).status == "not_stated"


@pytest.mark.parametrize("text, count", [
    ("Of the 58 self-referrals, 41 were accepted onto the programme.", 41),  # the first figure is what it counts from
    ("Out of 203 referrals, 150 were assessed as suitable and accepted.", 150),
    ("From 12 referrals made, 9 started the course", 9),
    ("150 out of 203", 150),
    ("41 of the 58", 41),
    ("Of the 58 self-referrals. We accepted most.", 58),  # no second figure in that sentence
])
def test_read_count_a_figure_counted_from_another(text, count):
    assert read_count(text).count == count


@pytest.mark.parametrize(
    "text, expected",
    [
        # digits, with and without separators and surrounding words
        ("17", ("value", 17, 17, 17, "exact")),
        ("1,204 referrals", ("value", 1204, 1204, 1204, "exact")),
        ("In total 63 men were referred to the service.", ("value", 63, 63, 63, "exact")),
        ("In 12 cases the man was referred on.", ("value", 12, 12, 12, "exact")),
        ("82.", ("value", 82, 82, 82, "exact")),
        ("82. All of these were accepted.", ("value", 82, 82, 82, "exact")),
        ("Referrals: 23 (of which approx. 10% were women)", ("value", 23, 23, 23, "exact")),
        ("12 (twelve)", ("value", 12, 12, 12, "exact")),
        # words
        ("Seventeen men", ("value", 17, 17, 17, "exact")),
        ("ninety-nine", ("value", 99, 99, 99, "exact")),
        ("forty one", ("value", 41, 41, 41, "exact")),
        ("one hundred and six", ("value", 106, 106, 106, "exact")),
        ("Two hundred men started the course", ("value", 200, 200, 200, "exact")),
        ("One man completed.", ("value", 1, 1, 1, "exact")),
        # zeros
        ("Nil.", ("value", 0, 0, 0, "exact")),
        ("zero", ("value", 0, 0, 0, "exact")),
        ("None.", ("value", 0, 0, 0, "exact")),
        ("0", ("value", 0, 0, 0, "exact")),
        ("There were no referrals in the period.", ("value", 0, 0, 0, "exact")),
        ("No men self-referred.", ("value", 0, 0, 0, "exact")),
        ("Nobody completed the course", ("value", 0, 0, 0, "exact")),
        # approximate
        ("Approximately 50. Cases close when the man disengages.", ("value", 50, 50, 50, "approx")),
        ("approx. 75", ("value", 75, 75, 75, "approx")),
        ("c. 160", ("value", 160, 160, 160, "approx")),
        ("c.160 men", ("value", 160, 160, 160, "approx")),
        ("ca. 35", ("value", 35, 35, 35, "approx")),
        ("circa 30", ("value", 30, 30, 30, "approx")),
        ("around forty", ("value", 40, 40, 40, "approx")),
        ("about 70 men", ("value", 70, 70, 70, "approx")),
        ("roughly 12 people", ("value", 12, 12, 12, "approx")),
        ("an estimated 25", ("value", 25, 25, 25, "approx")),
        ("~40", ("value", 40, 40, 40, "approx")),
        ("in the region of 90", ("value", 90, 90, 90, "approx")),
        ("just under 40", ("value", 40, 40, 40, "approx")),
        ("45 (approx.)", ("value", 45, 45, 45, "approx")),
        ("40 or so", ("value", 40, 40, 40, "approx")),
        # written ranges: count is the first number, the range is the interval
        ("approx. 40-50", ("value", 40, 40, 50, "approx")),
        ("around 30 – 35", ("value", 30, 30, 35, "approx")),
        ("30 to 35 men", ("value", 30, 30, 35, "approx")),
        ("between 40 and 50", ("value", 40, 40, 50, "approx")),
        # at least
        ("more than 30", ("value", 30, 31, None, "at_least")),
        ("over 30", ("value", 30, 31, None, "at_least")),
        ("in excess of 200", ("value", 200, 201, None, "at_least")),
        ("just over 40", ("value", 40, 41, None, "at_least")),
        (">40", ("value", 40, 41, None, "at_least")),
        ("at least 9", ("value", 9, 9, None, "at_least")),
        ("a minimum of 15", ("value", 15, 15, None, "at_least")),
        ("no fewer than 20", ("value", 20, 20, None, "at_least")),
        ("50+", ("value", 50, 50, None, "at_least")),
        ("40 or more", ("value", 40, 40, None, "at_least")),
        # at most
        ("up to 25", ("value", 25, 0, 25, "at_most")),
        ("no more than 12", ("value", 12, 0, 12, "at_most")),
        ("at most 7", ("value", 7, 0, 7, "at_most")),
        ("a maximum of 15 places", ("value", 15, 0, 15, "at_most")),
    ],
)
def test_read_count_figures(text, expected):
    assert _reading(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("fewer than 5", ("suppressed", None, 1, 4, "at_most")),
        ("Fewer than five men", ("suppressed", None, 1, 4, "at_most")),
        ("less than 10", ("suppressed", None, 1, 9, "at_most")),
        ("<5", ("suppressed", None, 1, 4, "at_most")),
        ("< 3", ("suppressed", None, 1, 2, "at_most")),
        ("under 5", ("suppressed", None, 1, 4, "at_most")),
        ("≤5", ("suppressed", None, 1, 5, "at_most")),
        ("5 or fewer", ("suppressed", None, 1, 5, "at_most")),
        ("*", ("suppressed", None, 1, None, "at_most")),
        ("Suppressed", ("suppressed", None, 1, None, "at_most")),
        ("a small number", ("suppressed", None, 1, None, "at_most")),
        # the threshold, once stated, bounds a bare '*'
        ("* (figures below 5 are suppressed)", ("suppressed", None, 1, 4, "at_most")),
        ("*\n\n* denotes a number between 1 and 4", ("suppressed", None, 1, 4, "at_most")),
        ("Self-referrals: *. Numbers of 5 or fewer are not disclosed.", ("suppressed", None, 1, 5, "at_most")),
        # a section 40 explanation beside a suppressed figure is not a refusal
        ("Fewer than 5. Numbers below 5 are withheld under section 40(2) to protect identities.", ("suppressed", None, 1, 4, "at_most")),
        ("Under section 40(2) small numbers are suppressed: fewer than 5.", ("suppressed", None, 1, 4, "at_most")),
        ("The figure is below 5 and is withheld under s.40 (personal data).", ("suppressed", None, 1, 4, "at_most")),
        ("Figures under 10 have been suppressed under section 40(2).", ("suppressed", None, 1, 9, "at_most")),
    ],
)
def test_read_count_suppressed(text, expected):
    assert _reading(text) == expected


@pytest.mark.parametrize(
    "text, status",
    [
        ("N/A", "not_applicable"),
        ("n/a", "not_applicable"),
        ("NA", "not_applicable"),
        ("Not applicable – police referrals only", "not_applicable"),
        ("These are not self-referral services.", "not_applicable"),
        ("Neither programme accepts self-referrals.", "not_applicable"),
        ("n/r", "not_held"),
        ("None of the interventions take self-referrals", "not_applicable"),
        ("No women can refer themselves to it.", "not_applicable"),
        ("The provider does not accept self-referrals.", "not_applicable"),
        ("Self-referrals are not accepted onto this course", "not_applicable"),
        ("Nobody can refer themselves to CARA.", "not_applicable"),
        ("Men cannot self-refer; all come via the police", "not_applicable"),
        ("The scheme only accepts police referrals", "not_applicable"),
        ("Access is solely via the custody suite", "not_applicable"),
        ("not held", "not_held"),
        ("No information held.", "not_held"),
        ("None held.", "not_held"),
        ("This is not recorded by the provider.", "not_held"),
        ("We do not hold this information", "not_held"),
        ("The OPCC doesn't record completions.", "not_held"),
        ("We cannot give an accurate figure", "not_held"),
        ("We cannot give a reliable completion figure", "not_held"),
        ("Not known", "not_held"),
        ("n/k", "not_held"),
        ("Data on completions is not collected", "not_held"),
        ("withheld under section 40(2)", "refused"),
        ("Exempt under s.43 (commercial interests).", "refused"),
        ("This part is refused under section 12 (cost).", "refused"),
        ("Refused", "refused"),
        ("s43", "refused"),
        ("The information is commercially sensitive.", "refused"),
        ("We are unable to provide this as it would exceed the appropriate limit.", "refused"),
        ("This information is exempt under section 40(2) as it could identify individuals.", "refused"),
        ("Section 31 (law enforcement) applies to this part of your request.", "refused"),
        ("", "not_stated"),
        ("   ", "not_stated"),
        ("See answer 1.", "not_stated"),
        ("Please see the attached letter.", "not_stated"),
        ("We aim to respond within 20 working days.", "not_stated"),
    ],
)
def test_read_count_statuses(text, status):
    reading = read_count(text)
    assert reading.status == status
    assert (reading.count, reading.low, reading.high, reading.qualifier) == (None, None, None, None)
    assert reading.rule == f"status:{status}"
    if status == "not_stated":
        assert (reading.start, reading.end) == (0, 0)
    else:
        assert reading.end > reading.start


@pytest.mark.parametrize(
    "text, status",
    [
        ("Not held – the provider estimates around 40", "not_held"),  # a status before the figure wins
        ("45 (N/A for self-referrals)", "value"),  # a later remark does not
        ("45 men refused to engage", "value"),  # 'refused' about the men, not the request
        ("Exempt under section 43. Fewer than 5 in any case.", "refused"),
    ],
)
def test_status_and_figure_order(text, status):
    assert read_count(text).status == status


@pytest.mark.parametrize(
    "text, status, high",
    [
        ("fewer\nthan 5", "suppressed", 4),  # PDF text wrapped inside the qualifier
        ("Drive: less than\n5", "suppressed", 4),
        ("Family Safety Service: fewer\n  than 10 (suppressed)", "suppressed", 9),
        ("not\nheld", "not_held", None),
        ("This information is not\nheld by the OPCC", "not_held", None),
        ("up\nto 10 men", "value", 10),
    ],
)
def test_a_line_broken_inside_a_qualifier_reads_as_one_phrase(text, status, high):
    reading = read_count(text)
    assert (reading.status, reading.high) == (status, high)
    assert "\n" in text[reading.start : reading.end]  # the evidence is the text as given


@pytest.mark.parametrize(
    "text, count",
    [
        ("Referrals: 45\n12 completed", 45),  # a figure ending a line is not a wrapped qualifier
        ("No\nReferrals: 7", 7),  # a capital after the break starts a new line of its own
        ("Completed: 30\nnot held for self-referrals", 30),
    ],
)
def test_real_line_breaks_stay_breaks(text, count):
    reading = read_count(text)
    assert (reading.status, reading.count) == ("value", count)


@pytest.mark.parametrize(
    "text, evidence, rule",
    [
        ("Approximately 50. Cases close when the man disengages.", "Approximately 50", "count:digits"),
        ("We received about 70 referrals", "about 70", "count:digits"),
        ("approx. 40-50 men", "approx. 40-50", "count:range"),
        ("between 40 and 50", "between 40 and 50", "count:range"),
        ("Thirty-two men completed", "Thirty-two", "count:words"),
        ("Answer: fewer than 5.", "fewer than 5", "count:fewer_than"),
        ("Completed: 100+", "100+", "count:plus"),
        ("The answer is N/A.", "N/A", "status:not_applicable"),
        ("Sorry, this is not held.", "not held", "status:not_held"),
        ("Withheld under section 43", "Withheld", "status:refused"),
    ],
)
def test_read_count_spans_are_the_evidence(text, evidence, rule):
    reading = read_count(text)
    assert text[reading.start : reading.end] == evidence and reading.rule == rule


# --- find_counts: what is not a count --------------------------------------------------------------

@pytest.mark.parametrize(
    "text, counts",
    [
        ("45 (about 20% of these were women)", [45]),
        ("approximately 10% of these were women", []),
        ("20–25% completed", []),
        ("12 sessions of 2 hours over 10 weeks for men aged 18", []),
        ("The course is 2 x 5 hour sessions; 14 men completed.", [14]),
        ("Between 1 April 2022 and 31 March 2023, 88 were referred", [88]),
        ("On 31/03/2023 there were 12 men on the programme", [12]),
        ("2023-03-31: 12", [12]),
        ("March 31, 2023 – 9 men", [9]),
        ("The 2022/23 figure is 31", [31]),
        ("2022-23: 45", [45]),
        ("FY22/23: 19", [19]),
        ("Funded 2021 to 2026; 60 places", [60]),
        ("Under section 43(2), 14 were withheld", [14]),
        ("Sections 30 and 31 apply. 7 men.", [7]),
        ("s.12 does not apply; 6 completed", [6]),
        ("£5,000 funded 7 places", [7]),
        ("£ 60,000 funded 12 places", [12]),
        ("60,000 GBP", []),
        ("CARA: 203; EASI: 71", [203, 71]),
        ("1. 45 men were referred", [45]),
        ("1. CARA: 45\n2. EASI: 12", [45, 12]),
        ("1) 45\n2) 30", [45, 30]),
        ("(3) 17", [17]),
        ("## 3. Completions\n27 men completed", [27]),
        ("Q5: 17", [17]),
        ("Question 5 - 17", [17]),
        ("See answer 3 above.", []),
        ("Phase 2 started with 40 men", [40]),
        ("Men aged 18 and over; 33 referred", [33]),
        ("men under 25: 12", [12]),
        ("under 18s were excluded; 30 referred", [30]),
        ("the minimum age is 16", []),
        ("a 12-week course delivered to 30 men", [30]),
        ("10-12 weeks; 14 men", [14]),
        ("We respond within 40 working days", []),
        ("18 hours of 1:1 support for 9 men", [9]),
        ("the 1-2-1 sessions; 9 men", [9]),
        ("the programme is one-to-one; 9 men", [9]),
        ("At 10:30 on 4 May, 5 men attended", [5]),
        ("Tel: 01603 123456", []),
        ("FOI 23016 – 8 referrals", [8]),
        ("Page 2 of 3", []),
        ("about 2.5 FTE staff", []),
        ("zero tolerance of abuse", []),
        ("one of the men completed; 6 did", [6]),
        ("The Domestic Abuse Act 2021 applies. 17 men.", [17]),
        ("Fewer than 5 completed; figures below 5 are suppressed.", []),  # one suppressed figure, no count
    ],
)
def test_find_counts_skips_numbers_that_are_not_counts(text, counts):
    assert [r.count for r in find_counts(text) if r.status == "value"] == counts


@pytest.mark.parametrize(
    "text, statuses",
    [
        ("CARA: *\nEASI: 12\n* denotes a number fewer than 5", [("suppressed", 4), ("value", 12)]),
        ("Fewer than 5 completed; figures below 5 are suppressed.", [("suppressed", 4)]),
        ("Referred 40, accepted <5, completed 0", [("value", 40), ("suppressed", 4), ("value", 0)]),
        ("* CARA: 12\n* EASI: 4", [("value", 12), ("value", 4)]),  # '*' bullets are not suppression
        ("CARA: 12, EASI: suppressed", [("value", 12), ("suppressed", None)]),
        ("Fewer than 5 (suppressed, a small number)", [("suppressed", 4)]),
    ],
)
def test_find_counts_suppressed_and_bullets(text, statuses):
    assert [(r.status, r.count if r.status == "value" else r.high) for r in find_counts(text)] == statuses


def test_find_counts_in_order_with_spans():
    text = "CARA referred 203, accepted approx. 150; DRIVE referred twelve and fewer than 5 completed."
    readings = find_counts(text)
    assert [text[r.start : r.end] for r in readings] == ["203", "approx. 150", "twelve", "fewer than 5"]
    assert [r.start for r in readings] == sorted(r.start for r in readings)


# --- number words ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "words, value",
    [
        ("twelve", 12), ("Forty-One", 41), ("forty one", 41), ("one hundred and six", 106), ("three hundred", 300),
        ("two thousand and twelve", 2012), ("nil", 0), ("none", 0), ("zero", 0), ("nineteen", 19),
        ("banana", None), ("", None), ("one and two", None), ("hundred", None), ("twelve men", None),
    ],
)
def test_number_words(words, value):
    assert parse_number_words(words) == value


# --- money ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, amount, period, evidence",
    [
        ("£60,000", "60000.00", None, "£60,000"),
        ("The cost was £209,332.78 in total", "209332.78", None, "£209,332.78"),
        ("£1.2m", "1200000.00", None, "£1.2m"),
        ("£45k", "45000.00", None, "£45k"),
        ("£25K", "25000.00", None, "£25K"),
        ("£0.250m", "250000.00", None, "£0.250m"),
        ("£2.5 million", "2500000.00", None, "£2.5 million"),
        ("60,000 GBP", "60000.00", None, "60,000 GBP"),
        ("GBP 60,000", "60000.00", None, "GBP 60,000"),
        ("£ 60,000", "60000.00", None, "£ 60,000"),
        ("12,500 pounds", "12500.00", None, "12,500 pounds"),
        ("sixty thousand pounds", "60000.00", None, "sixty thousand pounds"),
        ("£25,000 per annum", "25000.00", "annual", "£25,000"),
        ("£25,000 p.a.", "25000.00", "annual", "£25,000"),
        ("£18,000 a year", "18000.00", "annual", "£18,000"),
        ("£10,000 annually", "10000.00", "annual", "£10,000"),
        ("The annual budget is £60,000.", "60000.00", "annual", "£60,000"),
        ("£1.2m over five years (2021 to 2026)", "1200000.00", "5 years (2021 to 2026)", "£1.2m"),
        ("£1.2 million over 3 years", "1200000.00", "3 years", "£1.2 million"),
        ("£900,000 over three years from 2021 to 2024", "900000.00", "3 years (2021 to 2024)", "£900,000"),
        ("A three-year contract worth £1.2m was awarded.", "1200000.00", "3 years", "£1.2m"),
        ("£1.2m (2021-2026)", "1200000.00", "2021 to 2026", "£1.2m"),
        ("£90k for 2022/23", "90000.00", "2022/23", "£90k"),
        ("£90k in 2022-23", "90000.00", "2022/23", "£90k"),
        ("£350,000 for the 2023/24 financial year", "350000.00", "2023/24", "£350,000"),
        ("For 2022/23 the contract value was £45,000.", "45000.00", "2022/23", "£45,000"),
    ],
)
def test_find_money(text, amount, period, evidence):
    [reading] = find_money(text)
    assert reading.amount == Decimal(amount) and reading.period == period
    assert text[reading.start : reading.end] == evidence


def test_money_unit_costs_periods_and_order():
    [unit] = find_money("£450 per participant")
    assert unit.period is None and unit.per == "participant"
    readings = find_money("CARA £25,000; DRIVE £40,000 per annum. Over 3 years we also spent £10,000.")
    assert [(str(r.amount), r.period) for r in readings] == [("25000.00", None), ("40000.00", "annual"), ("10000.00", None)]
    split = find_money("£60,000 (£30,000 from the OPCC and £30,000 in kind)")
    assert [str(r.amount) for r in split] == ["60000.00", "30000.00", "30000.00"]
    assert find_money("No budget figure is held.") == []
    assert find_money("£" + "9" * 40 + "bn") == []  # does not fit DECIMAL(14,2)


# --- properties -----------------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from([
    "", " ", "\n", "N/A", "n/a", "not held", "s.40(2)", "section 12", "£1.2m", "60,000 GBP", "*", "<5", "fewer than ",
    "approx. ", "c.", "over ", "up to ", "10%", "2022/23", "31 March 2023", "aged 18", "2 x 5 hour", "1.", "Q5", "twelve",
    "forty-one", "one hundred and", " and ", "-", "–", "(", ")", ":", ";", ".", ",", "figures below 5 are suppressed",
    "between ", "+", "£", "GBP", "per annum", "over three years", "no ", "men", "referrals", "0", "1,204", "9" * 30,
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(_FRAGMENTS | st.integers(0, 10**6).map(str), max_size=12).map("".join)))
def test_parsers_never_raise_and_spans_are_in_bounds(text):
    readings = find_counts(text)
    for reading in [read_count(text), *readings]:
        assert 0 <= reading.start <= reading.end <= len(text)
        if reading.status == "value":
            assert reading.count is not None and reading.qualifier in ("exact", "approx", "at_least", "at_most")
            assert reading.low is not None and reading.low <= reading.count + 1
            assert reading.high is None or reading.low <= reading.high
            assert reading.end > reading.start
        elif reading.status == "suppressed":
            assert reading.count is None and reading.low == 1 and (reading.high is None or reading.high >= 1)
        else:
            assert reading.count is None and reading.qualifier is None
    # in order and never overlapping
    for a, b in itertools.pairwise(readings):
        assert a.end <= b.start
    for money in find_money(text):
        assert 0 <= money.start < money.end <= len(text)
        evidence = text[money.start : money.end]
        assert any(ch.isdigit() for ch in evidence) or "pounds" in evidence.lower()
        assert money.amount >= 0 and money.amount == money.amount.quantize(Decimal("0.01"))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["", "approx. ", "over ", "c. ", "at least ", "up to "]))
def test_any_written_number_reads_back(n, prefix):
    text = f"{prefix}{n:,}"
    reading = read_count(text)
    assert reading.status == "value" and reading.count == n and text[reading.start : reading.end] == text


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=9999),
    st.sampled_from(["", "In 2022/23 ", "Between 1 April 2022 and 31 March 2023, ", "Q3: ", "Under section 40(2) nothing is withheld; "]),
    st.sampled_from(["", " (approx. 10% were women)", " on a 12-week course", ", funded with £45k", " aged 18 to 25", " in 2021"]),
)
def test_a_count_among_non_counts_is_the_only_count(n, before, after):
    text = f"{before}{n} men were referred{after}."
    assert [r.count for r in find_counts(text)] == [n]


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=2), st.sampled_from(["£{:,}", "£{}", "{:,} GBP"]))
def test_any_amount_reads_back(amount, template):
    text = f"The contract value is {template.format(amount)} in total."
    [reading] = find_money(text)
    assert reading.amount == amount


@pytest.mark.parametrize(
    "text, count, qualifier",
    [
        ("approx 40", 40, "approx"),  # the x ending "approx" is not a multiplication sign
        ("Approx 40 men (total)", 40, "approx"),
        ("max 12", 12, "at_most"),
        ("maximum 12", 12, "at_most"),
        ("Quarter 1: 30, Quarter 2: 25, Quarter 3: 41, Quarter 4: 36. Total 132.", 132, "exact"),  # the total, not Quarter 1
        ("Q1 4, Q2 7 - a total of 18", 18, "exact"),
        ("22 in total (Q1: 4, Q2: 7, Q3: 5, Q4: 6)", 22, "exact"),
        ("In total 87 men were referred", 87, "exact"),
        ("By week 12, 45 men had completed", 45, "exact"),  # a numbered period is not a count
    ],
)
def test_totals_periods_and_abbreviated_qualifiers(text, count, qualifier):
    reading = read_count(text)
    assert (reading.status, reading.count, reading.qualifier) == ("value", count, qualifier)


@pytest.mark.parametrize("text, counts", [
    ("questions 5 to 7 do not apply to it", []),
    ("see sections 40(2) and 43 of the Act; 12 men", [12]),
    ("Questions 5-7: 14 men", [14]),
    ("10 in cohort 1 and 12 in cohort 2", [10, 12]),  # a cohort's number is no count, the next figure is
    ("Question 5 - 17", [17]),  # a label and its answer, not a range
])
def test_the_end_of_a_range_of_questions_or_sections_is_no_figure(text, counts):
    assert [r.count for r in find_counts(text) if r.status == "value"] == counts


@pytest.mark.parametrize("text, count", [
    ("and one of them has completed it.", 1),  # a person of those just counted
    ("one of the programmes was evaluated", None),
    ("one-to-one sessions", None),
])
def test_one_of_them_is_one_person_one_of_the_programmes_is_no_count(text, count):
    assert read_count(text).count == count


@pytest.mark.parametrize("text, count", [
    ("1:1: 9 men self-referred.", 9), ("a 1-2-1 service: 12", 12), ("1 to 1 sessions: 7", 7), ("11:15", None),
])
def test_one_to_one_written_in_figures_is_no_count(text, count):
    assert read_count(text).count == count

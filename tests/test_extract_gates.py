"""Pre-checks never hide a match: wherever a pattern matches, the check that guards it passes."""

import random
import re

from foi_pipeline.extract.gates import fold, has_any


def test_money_precheck_never_hides_an_amount():
    from foi_pipeline.extract.quantities import MONEY_RE, may_hold_money

    samples = ["£60,000", "60,000 GBP", "gbp 60,000", "12,500 pounds", "sixty thousand POUNDS", "£1.2m", "5 Sterling",
               "5 ſterling", "40 men", "no money", "pound", "GBP", "£", "1,204"]
    for text in samples:
        assert may_hold_money(text) or MONEY_RE.search(text) is None, text


def test_skip_groups_never_hide_a_skipped_span():
    from foi_pipeline.extract.quantities import SKIP_GROUPS

    rng = random.Random(3)
    tokens = ["1", "0", "12", "2019", "2020", "/", "-", "–", ".", ":", "(", ")", "x", "×", "X", " ", "  ", "\t", "%", "per",
              "cent", "of", "to", "and", "or", "over", "aged", "men", "section", "s", "ss", "para", "reg", "page", "jan",
              "March", "Sept", "FY", "ref", "Tel", "+44", "0161", "a", "the", "age", "hours", "weeks", "ſ", "K", "İ", "ı",
              "\n", ",", "older", "no", "#", "number", "crn", "foia", "1-2-1", "am", "pm", "h", "sections", "regs.", "case"]
    for _ in range(20000):
        text = "".join(rng.choice(tokens) for _ in range(rng.randrange(1, 9)))
        for index, (needs, patterns) in enumerate(SKIP_GROUPS):
            assert needs(text, fold(text)) or not any(p.search(text) for p in patterns), (index, text)


def test_suppression_and_policy_words_never_hide_a_match():
    from foi_pipeline.extract.quantities import (
        MARKER_RE,
        POLICY_RES,
        POLICY_WORDS,
        STAR_RE,
        SUPPRESSED_RES,
        SUPPRESSION_WORDS,
        ZERO_NOUN_RE,
    )

    suppression = [*(p for p, _, _ in SUPPRESSED_RES), STAR_RE, MARKER_RE, ZERO_NOUN_RE]
    rng = random.Random(11)
    tokens = ["fewer", "FEWER", "less", "leſs", "lower", "smaller", "than", "under", "below", "BELOW", "<", "&lt;", "≤", "<=",
              "5", "10", "five", "or", "*", "suppressed", "SUPPRESSED", "redacted", "small", "low", "numbers", "too", "few", "to",
              "report", "no", "nil", "NIL", "men", "referrals", "no-one", "nobody", "figures", "values", "of", "that", "are",
              "where", "the", "number", "is", "denotes", "=", ":", "between", "1", "and", "not", "just", " ", "\t", "\n", "."]
    for _ in range(30000):
        text = "".join(rng.choice(tokens) + rng.choice([" ", "", " "]) for _ in range(rng.randrange(1, 8)))
        folded = fold(text)
        assert has_any(folded, SUPPRESSION_WORDS) or not any(p.search(text) for p in suppression), text
        assert has_any(folded, POLICY_WORDS) or not any(p.search(text) for p in POLICY_RES), text


def test_fold_keeps_every_case_insensitive_match_as_a_substring():
    from foi_pipeline.extract.gates import fold

    for text, word in [("SECTION", "section"), ("ſection", "section"), ("LİMİT", "limit"), ("lımıt", "limit"), ("\u212aNOWN", "known")]:
        assert re.search(word, text, re.IGNORECASE), (text, word)
        assert word in fold(text), (text, word)


def test_status_prechecks_never_hide_a_status():
    from foi_pipeline.extract.gates import fold
    from foi_pipeline.extract.quantities import ANY_STATUS_WORD_RE, STATUS_NEEDS, STATUS_RES

    rng = random.Random(5)
    tokens = ["not", "NOT", "n/a", "N/A", "N.A.", "NA", "applicable", "apply", "self", "ſelf", "referrals", "refer", "only", "accepts",
              "held", "none", "nil", "n/k", "no", "information", "is", "are", "recorded", "don't", "don’t", "do", "have", "this",
              "holds", "cannot", "can't", "unable", "to", "provide", "figures", "unknown", "UNKNOWN", "available", "section", "SECTION",
              "ſection", "s.", "s", "40", "43", "12", "(2)", "exempt", "withheld", "WİTHHELD", "obliged", "vexatious", "neither",
              "confirm", "nor", "deny", "exceeds", "the", "appropriate", "cost", "limit", "lımıt", "commercially", "sensitive",
              "refused", "REFUSED", "refusal", "notice", "we", "must", "refuse", " ", " ", "\t", "\n", ".", "-", "’", "'", "access",
              "via", "police", "nobody", "one", "themselves", "accept", "any", "self-referrals", "open", "for", "known"]
    for _ in range(30000):
        text = "".join(rng.choice(tokens) + rng.choice([" ", "", " "]) for _ in range(rng.randrange(1, 8)))
        folded = fold(text)
        for (status, _, pattern), needs in zip(STATUS_RES, STATUS_NEEDS):
            assert needs(text, folded) or not pattern.search(text), (status, text)
            assert ANY_STATUS_WORD_RE.search(folded) or not needs(text, folded), (status, text)


def test_echo_precheck_never_rules_out_a_reachable_score():
    from rapidfuzz import fuzz

    from foi_pipeline.extract.segment import cannot_reach

    rng = random.Random(7)
    words = ["the", "total", "number", "of", "males", "referred", "by", "an", "agency", "into", "programme", "self-referred",
             "who", "completed", "budget", "a", "e", "funders", ":", "55", "course"]
    for _ in range(5000):
        a = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 12)))
        b = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 12)))
        if rng.random() < 0.3:
            b = b[: rng.randrange(len(b) + 1)] + a + b[rng.randrange(len(b) + 1):]
        needle, haystack = (a, b) if len(a) <= len(b) else (b, a)
        for cutoff in (70, 85, 86):
            if cannot_reach(needle, haystack, cutoff):
                assert fuzz.partial_ratio(needle, haystack) < cutoff, (needle, haystack, cutoff)
                assert fuzz.partial_ratio_alignment(needle, haystack, score_cutoff=cutoff) is None


def test_plain_dates_read_as_dateutil_reads_them():
    import datetime as dt
    import itertools

    from dateutil import parser as dateparser

    from foi_pipeline.extract.metadata import DATE_RE, plain_date

    def dateutil_date(s: str) -> dt.date | None:
        try:
            return dateparser.parse(s, dayfirst=True, fuzzy=True).date()
        except (ValueError, OverflowError):
            return None

    months = ["January", "jan", "JAN", "Jan.", "Sept", "sept.", "SEP", "May", "June", "Febuary", "ſept", "Aprıl"]
    checked = 0
    for weekday, day, suffix, month, year in itertools.product(
        ["", "Mon, ", "Sunday ", "Thurs, ", "Monkey "], [0, 1, 9, 12, 13, 29, 30, 31, 32, "01"], ["", "st", "Th"], months, ["1999", "2023", "2024"]
    ):
        text = f"{weekday}{day}{suffix} {month} {year}"
        if not DATE_RE.fullmatch(text):
            continue
        plain = plain_date(text)
        if plain is not False:
            checked += 1
            assert plain == dateutil_date(text), text
    assert checked > 500


def test_words_before_a_figure_are_searched_only_where_they_can_end():
    from foi_pipeline.extract.quantities import (
        APPROX_BEFORE_RE,
        AT_LEAST_BEFORE_RE,
        AT_MOST_BEFORE_RE,
        NOT_COUNT_BEFORE_RE,
        NOT_COUNT_MARKS,
        QUALIFIER_MARKS,
        may_end_with,
    )

    rng = random.Random(13)
    tokens = ["up to", "no more than", "max.", "maximum of", "over", "more than", ">", "≥", ">=", "at least", "min.", "approx.", "c.",
              "ca.", "circa", "around", "~", "±", "+/-", "just under", "£", "$", "€", "GBP", "x", "×", "section", "ss.", "para.", "q",
              "No.", "nos.", "#", "see", "see also question", "aged", "ages of", "the age of", "age limit is from", "Course:", ":",
              "ſection", "CIRCA", "-", " ", "  ", "\t", "\n", "men", "(", ")", ",", "5"]
    for _ in range(30000):
        before = "".join(rng.choice(tokens) + rng.choice(["", " ", " "]) for _ in range(rng.randrange(1, 6)))[-40:]
        for pattern in (AT_MOST_BEFORE_RE, AT_LEAST_BEFORE_RE, APPROX_BEFORE_RE):
            assert may_end_with(before, QUALIFIER_MARKS) or not pattern.search(before), (pattern.pattern[:30], before)
        assert may_end_with(before, NOT_COUNT_MARKS) or not NOT_COUNT_BEFORE_RE.search(before), before

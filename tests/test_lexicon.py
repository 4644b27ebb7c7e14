"""The funnel's words: one lexicon, the same meaning in headings, labels and sentences."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foi_pipeline import contract
from foi_pipeline.extract import lexicon


@pytest.mark.parametrize("entry, matches, misses", [
    ("self-referr*", ["self-referrals", "self referred", "Self - Referral"], ["selfish", "itself-referred"]),
    ("took up", ["took up", "took  up", "Took-up"], ["tookup", "took upon"]),
    ("accepted", ["accepted", "ACCEPTED"], ["unaccepted", "acceptedness"]),
])
def test_entries_match_whole_words_with_any_spacing_and_star_endings(entry, matches, misses):
    pattern = re.compile(lexicon.entry_pattern(entry), re.IGNORECASE)
    for text in matches:
        assert pattern.fullmatch(text), text
    for text in misses:
        assert not pattern.fullmatch(text), text


@pytest.mark.parametrize("text, stage", [
    ("Self-referred males accepted", "accepted"),
    ("Number of referrals", "referred"),
    ("Referred and completed", "completed"),
    ("Engaged", "accepted"),
    ("Starts", "accepted"),
    ("How many went on to complete?", "completed"),
    ("Budget", None),
    ("Reference", None),
])
def test_a_heading_names_the_latest_stage_it_mentions(text, stage):
    assert lexicon.stage_named(text) == stage


@pytest.mark.parametrize("clause, stage", [
    ("22 self-referrals", None),
    ("71 were accepted", "accepted"),
    ("82 referrals were accepted", "accepted"),
    ("38. Project Anchor does not accept self-referrals.", None),
    ("12 agency-referred men", None),
    ("40 completions", "completed"),
])
def test_a_clause_states_a_stage_beyond_its_route_words_and_service_verbs(clause, stage):
    assert lexicon.own_stage(clause) == stage


@pytest.mark.parametrize("text, label, route", [
    ("Self-referrals", False, "self"),
    ("Agency referrals", False, "agency"),
    ("Referred by professionals", False, "agency"),
    ("Police", True, "agency"),
    ("Police", False, None),
    ("Partners", True, "agency"),
    ("Total", True, None),
])
def test_routes_and_label_only_words(text, label, route):
    assert lexicon.route_named(text, label=label) == route


def test_the_lexicon_is_keyed_by_the_contract():
    assert set(lexicon.STAGE_WORDS) == set(contract.STAGES)
    assert set(lexicon.ROUTE_WORDS) == set(contract.ROUTES)
    assert set(lexicon.STAGE_ORDER) == set(contract.STAGES)


def test_other_population_words_exclude_the_requested_one():
    other = re.compile(lexicon.other_population_words("male"), re.IGNORECASE)
    assert other.search("5 women") and other.search("females")
    assert not other.search("115 men") and not other.search("males")


@given(st.text(max_size=200))
def test_never_raises_and_answers_only_contract_values(text):
    assert lexicon.stage_named(text) in (*contract.STAGES, None)
    assert lexicon.own_stage(text) in (*contract.STAGES, None)
    assert lexicon.route_named(text) in (*contract.ROUTES, None)
    assert lexicon.route_named(text, label=True) in (*contract.ROUTES, None)


@pytest.mark.parametrize("after, said", [
    (" men referred by agencies", 1), (" males", 1), (" people were referred", -1), (" individuals", -1),
    (" women", -1), (" were accepted", 0), ("", 0),
])
def test_whom_the_words_after_a_figure_say_it_counts(after, said):
    assert lexicon.said_of(after, "male") == said


def test_a_commissioners_office_by_its_place_and_initials_is_an_organisation():
    from foi_pipeline.extract.organisations import looks_like_org

    assert looks_like_org("Sussex PCC") and looks_like_org("North Wales OPCC") and looks_like_org("Essex PFCC")
    assert not looks_like_org("For context, the PCC's total budget")

"""Segmentation and alignment on replies written in our own variations of the layouts replies use."""

import pytest

from foi_pipeline.extract.align import align, disagreement
from foi_pipeline.extract.segment import segment

QUOTED = """Dear applicant,
You asked:
1. The Name/Title/Scope of the commissioned programme in your area
2. The total number of males who self-referred into the programme
3. The total number of self-referred males who were accepted onto the programme
4. The total number of self-referred males who have completed the programme
5. The total number of males referred by an agency (e.g., police, social service etc.) into the programme
6. The total number of referred males who were accepted on to the programme
7. The total number of referred males who have completed the programme
8. The names of the organisations who have made a referral to the programme
Link to evaluation of programme efficacy:
9. Financial Contributors:
(Inclusive of Statutory, Non-Statutory Organisations and individual voluntary donations)
10. Budget inclusive of Running Costs

We can confirm the following.
"""


def _aligned(text, spec):
    seg = segment(text, spec)
    align(seg.blocks, spec, seg.lettered)
    return seg, [(b.label.text if b.label else None, [q.key for q in b.questions], b.body.text) for b in seg.blocks]


def test_quoted_request_is_not_an_answer_and_numbered_answers_align(males_spec):
    text = QUOTED + "1) Safe Steps Programme, delivered by Acme Trust.\n2) 12\n3) 10\n4) nine\n5) 40\n6) 33\n7) 20\n8) Dorset Police.\n9) Home Office.\n10) £40,000\n\nYours sincerely\nA. Officer"
    seg, blocks = _aligned(text, males_spec)
    assert [b[0] for b in blocks] == [f"{n})" for n in range(1, 11)]
    assert blocks[1][1] == ["self_referred"] and blocks[1][2] == "12"
    assert blocks[9][1] == ["budget"] and blocks[9][2] == "£40,000"
    assert "We can confirm" in seg.preamble.text
    assert "Yours sincerely" not in blocks[-1][2]


def test_inline_question_and_answer_pairs_align_by_question_text_even_when_numbered_wrongly(males_spec):
    text = (
        "Question 1: The Name/Title/Scope of the commissioned programme in your area\nResponse: Safe Steps.\n\n"
        "Question 1: The total number of males who self-referred into the programme\nResponse: 7\n\n"
        "Question 1: Budget inclusive of Running Costs\nResponse: £9,000\n"
    )
    seg, blocks = _aligned(text, males_spec)
    assert [b[1] for b in blocks] == [["programme_scope"], ["self_referred"], ["budget"]]
    assert [b[2] for b in blocks] == ["Safe Steps.", "7", "£9,000"]
    assert disagreement(seg.blocks[1]) is not None  # labelled 1, answers question 2
    assert disagreement(seg.blocks[0]) is None


def test_q_style_labels_with_short_titles_and_ranges(males_spec):
    text = "Q1 - Programme\nA: Safe Steps.\n\nQ2 to Q4 - Self referrals\nA: Not applicable.\n\nQ5 - Agency\nA: 40\n"
    _, blocks = _aligned(text, males_spec)
    assert blocks[0][1] == ["programme_scope"] and blocks[0][2] == "Safe Steps."
    assert blocks[1][1] == ["self_referred", "self_accepted", "self_completed"]
    assert blocks[2][2] == "40"


def test_lettered_answers_map_to_question_order(males_spec):
    text = QUOTED + "\n".join(f"{chr(96 + i)}) answer {i}" for i in range(1, 11))
    _, blocks = _aligned(text, males_spec)
    assert [b[1][0] for b in blocks][:3] == ["programme_scope", "self_referred", "self_accepted"]
    assert blocks[9][1] == ["budget"]


def test_a_sub_list_a_b_inside_an_answer_is_not_a_lettered_scheme(males_spec):
    text = "1. Two services:\n a. Safe Steps is a course.\n b. Turning Point is another.\n2. N/A\n"
    seg, blocks = _aligned(text, males_spec)
    assert not seg.lettered
    assert len(blocks) == 2 and "Turning Point" in blocks[0][2]


def test_content_overrules_a_label_for_non_count_questions(males_spec):
    # The reply numbers the evaluation line, so funders and budget come one number late.
    text = "8. Dorset Police\n9. An evaluation report is on our website.\n10. Funded by the Home Office and the PCC; no donations.\n11. £45k\n"
    seg, blocks = _aligned(text, males_spec)
    assert [b[1] for b in blocks] == [["referrers"], ["evaluation_link"], ["funders"], ["budget"]]
    assert disagreement(seg.blocks[2]) is not None


def test_boilerplate_after_answers_is_cut(males_spec):
    text = "1. Safe Steps\n2. 4\n\nIf you are dissatisfied with this response you may ask for an internal review.\n3. 99"
    seg, blocks = _aligned(text, males_spec)
    assert [b[0] for b in blocks] == ["1.", "2."]


def test_bullets_and_markdown_headings(males_spec):
    text = "- **Q1.** Safe Steps\n- **Q2.** 5\n## Question 5\n30\n"
    _, blocks = _aligned(text, males_spec)
    assert [b[1] for b in blocks] == [["programme_scope"], ["self_referred"], ["agency_referred"]]


@pytest.mark.parametrize("text", ["", "\n\n", "1.", "Q", "| a | b |\n|---|---|", "1. " * 50])
def test_degenerate_text_does_not_raise(males_spec, text):
    _aligned(text, males_spec)


@pytest.mark.parametrize(
    "row, key, label",
    [
        ("| 5. Males referred by an agency | 97 |", "agency_referred", "5."),
        ("| (vi) Referred males accepted | 71 |", "agency_accepted", "(vi)"),
        ("Males who self-referred | 14", "self_referred", None),  # a Word row: no outer pipes
        ("| 7 | Referred males who completed | 38 |", "agency_completed", "7"),  # a label cell first
        ("| – | Link to evaluation of programme efficacy | None available. |", "evaluation_link", None),  # a dash for no number
        ("Budget\t£40,000", "budget", None),  # tab-separated
    ],
)
def test_a_question_and_answer_row_is_an_answer(males_spec, row, key, label):
    text = f"Dear requester,\n\n{row}\n"
    [block] = segment(text, males_spec).blocks
    assert (block.echo or block.titled).key == key
    assert (block.label.text if block.label else None) == label
    assert block.body.text in {"97", "71", "14", "38", "£40,000", "None available."}


@pytest.mark.parametrize(
    "row",
    [
        "| 5. Agency referred | 40 | <5 | 12 |",  # a column per programme: the table belongs to one answer
        "| Question | Safe Steps | Drive |",
        "| Programme | Referrals |",  # a header naming no question
    ],
)
def test_wider_or_unrelated_table_rows_are_not_answers(males_spec, row):
    assert segment(f"Dear requester,\n\n{row}\n", males_spec).blocks == []


def test_a_whole_title_names_a_question_only_as_a_whole_heading(males_spec):
    [block] = segment("Dear requester,\n\nProgramme: the Derbyshire Change Programme\n", males_spec).blocks
    assert block.titled.key == "programme_scope" and block.body.text == "the Derbyshire Change Programme"
    assert segment("Dear requester,\n\nProgramme referrals: 40\n", males_spec).blocks[0].titled.key == "agency_referred"
    assert segment("Dear requester,\n\n| Programme | 2022/23 budget |\n", males_spec).blocks == []  # a column heading
    wrapped = "Dear requester,\n\n10. Budget: Drive: £535,000; Change Pathway\nProgramme: £314,000\n"  # a PDF line wrap
    long_line = "2. Males who self-referred - Family Safety Service: 33; Respectful Relationships Course: 25; Change Pathway"
    assert len(segment(f"Dear requester,\n\n{long_line}\nProgramme: N/A\n", males_spec).blocks) == 1  # the rest of a long line
    assert [b.titled.key if b.titled else b.echo.key if b.echo else None for b in segment(wrapped, males_spec).blocks] == ["budget"]


@pytest.mark.parametrize("rule", ["-" * 60, "*" * 60, "> " * 40, "#" * 50, "- " * 40 + "x", "–" * 60, "=-" * 30])
def test_a_line_of_rule_or_quote_marks_is_read_at_once(males_spec, rule):
    # A bullet pattern that could split a run of marks in several ways once took exponential time on an
    # e-mail's 60-dash separator: the reply never finished. The alarm turns such a hang into a failure.
    import signal

    def hung(signum, frame):
        raise TimeoutError("segmentation did not finish")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        seg = segment(f"From: A\n{rule}\n1. Drive\n{rule}\n2. 14\n", males_spec)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert [b.label.text for b in seg.blocks if b.label] == ["1.", "2."]


@pytest.mark.parametrize(
    "heading, numbers",
    [
        ("Funding and budget (questions 9 and 10)", (9, 10)),
        ("Self-referrals – Questions 2 to 4", (2, 3, 4)),
        ("Referring organisations (question 8):", (8,)),
        ("Agency figures [Q5-7]", (5, 6, 7)),
    ],
)
def test_a_heading_in_own_words_ending_with_question_numbers_labels_its_answer(males_spec, heading, numbers):
    seg = segment(f"Dear Requester\n\n{heading}\nThe answer is here.\n", males_spec)
    (block,) = seg.blocks
    assert block.label.numbers == numbers
    assert block.body.text == "The answer is here."


@pytest.mark.parametrize("heading, numbers", [
    ("4. Question 8 – referring organisations", (8,)),
    ("2. Questions 2 to 4 – self-referrals", (2, 3, 4)),
    ("3. Q5-7", (5, 6, 7)),
    ("2. Self-referrals – Questions 2 to 4", (2, 3, 4)),
    ("6) Funding (question 9)", (9,)),
])
def test_a_list_number_before_the_questions_own_number_yields_to_it(males_spec, heading, numbers):
    """Word numbers a letter's items itself; the item's number is not the question's when the item names one."""
    seg = segment(f"Dear Requester\n\n{heading}\nThe answer is here.\n", males_spec)
    (block,) = seg.blocks
    assert block.label.numbers == numbers
    assert block.body.text == "The answer is here."


@pytest.mark.parametrize("line", [
    "We answered questions 2 to 4 together (see question 2).",  # a sentence, not a heading
    "In 2022/23 we received 40 referrals (question 5) from the police and 12 more from the council and others.",  # too long
])
def test_numbers_in_brackets_at_the_end_of_a_sentence_are_no_heading(males_spec, line):
    assert not [b for b in segment(f"Dear Requester\n\n{line}\n", males_spec).blocks if b.label]


@pytest.mark.parametrize("label, numbers", [("2. to 7.", (2, 3, 4, 5, 6, 7)), ("9. and 10.", (9, 10)), ("2-4.", (2, 3, 4))])
def test_range_labels_with_a_mark_after_each_number(males_spec, label, numbers):
    seg = segment(f"Dear Requester\n\n{label} The figures\nSee the table.\n", males_spec)
    assert seg.blocks[0].label.numbers == numbers


def test_a_heading_naming_organisations_that_made_referrals_is_the_referrers_answer(males_spec):
    seg = segment("Dear Requester\n\n8. Organisations that made referrals\nKent Police; Medway Council.\n", males_spec)
    align(seg.blocks, males_spec, seg.lettered)
    assert [q.key for q in seg.blocks[0].questions] == ["referrers"]


@pytest.mark.parametrize("label, numbers", [
    ("Question one", (1,)), ("Questions two, three and four", (2, 3, 4)), ("QUESTION TEN:", (10,)), ("Questions five to seven", (5, 6, 7)),
])
def test_question_numbers_written_as_words(males_spec, label, numbers):
    seg = segment(f"Dear Requester\n\n{label}\nThe answer.\n", males_spec)
    assert seg.blocks[0].label.numbers == numbers



def test_bullets_set_off_by_a_tab_head_titled_answers_not_a_table(males_spec):
    text = "Dear Requester\n\nDrive\n•\tMales who self-referred: 38\n•\tSelf-referred males accepted onto the programme: 29\n•\tMales referred by an agency: 212\n"
    seg = segment(text, males_spec)
    align(seg.blocks, males_spec, seg.lettered)
    assert [(b.questions[0].key, b.body.text) for b in seg.blocks] == [("self_referred", "38"), ("self_accepted", "29"), ("agency_referred", "212")]


def test_a_sentence_before_a_colon_is_no_title(males_spec):
    seg = segment("Dear Requester\n\n–  Drive has no self-referral route: all cases come through MARAC.\n", males_spec)
    assert not [b for b in seg.blocks if b.titled is not None]


@pytest.mark.parametrize("heading, keys", [
    ("Referrals, acceptances and completions (men only, 1 April 2022 to 31 March 2023)",
     {"self_referred", "self_accepted", "self_completed", "agency_referred", "agency_accepted", "agency_completed"}),
    ("Self-referrals: acceptances and completions", {"self_referred", "self_accepted", "self_completed"}),
    ("Agency referrals, starts and completers", {"agency_referred", "agency_accepted", "agency_completed"}),
    ("## Referred and accepted", {"self_referred", "self_accepted", "agency_referred", "agency_accepted"}),
])
def test_a_heading_naming_several_stages_heads_their_count_questions(males_spec, heading, keys):
    seg = segment(f"Dear Requester\n\n{heading}\nProgramme | Referred | Accepted\nDrive | 12 | 9\n", males_spec)
    align(seg.blocks, males_spec, seg.lettered)
    (block,) = seg.blocks
    assert {q.key for q in block.questions} == keys


@pytest.mark.parametrize("line", [
    "Self-referred males accepted",  # one stage: the route phrase names none
    "We received 40 referrals and 30 were accepted.",  # a sentence
    "Referrals and completions in 2021/22 and 2022/23 by quarter and by programme and by route",  # too long
])
def test_what_is_no_several_stage_heading(males_spec, line):
    seg = segment(f"Dear Requester\n\n{line}\nThe answer.\n", males_spec)
    align(seg.blocks, males_spec, seg.lettered)
    assert not any(len(b.questions) > 1 for b in seg.blocks)


def test_referrals_accepted_is_one_stage_not_a_list(males_spec):
    seg = segment("Dear Requester\n\nAgency referrals accepted\nDrive: 12\n", males_spec)
    align(seg.blocks, males_spec, seg.lettered)
    assert [q.key for b in seg.blocks for q in b.questions] == ["agency_accepted"]


@pytest.mark.parametrize("heading, key", [
    ("7. Agency-referred males who completed the programme", "agency_completed"),
    ("4. Self-referred males who completed the programme", "self_completed"),
    ("6. Agency-referred males accepted onto the programme", "agency_accepted"),
])
def test_a_heading_naming_one_route_echoes_no_question_of_the_other(males_spec, heading, key):
    seg = segment(f"Dear Requester\n\n{heading}\n12\n", males_spec)
    align(seg.blocks, males_spec, seg.lettered)
    assert [q.key for b in seg.blocks for q in b.questions] == [key]


@pytest.mark.parametrize("heading", ["Programmes commissioned", "Programme commissioned", "Interventions", "Programmes:"])
def test_a_whole_title_names_its_question_in_the_singular_or_the_plural(males_spec, heading):
    seg = segment(f"Dear Requester\n\n{heading}\nDrive – a one-to-one intervention delivered by Acme.\n", males_spec)
    align(seg.blocks, males_spec, seg.lettered)
    assert [q.key for b in seg.blocks for q in b.questions] == ["programme_scope"]


def test_a_line_opening_with_a_figure_past_the_requests_numbers_is_no_label(males_spec):
    seg = segment("Dear Requester\n\n4. Self-referred males who completed\n22. A further 6 men were still attending.\n", males_spec)
    align(seg.blocks, males_spec, seg.lettered)
    (block,) = seg.blocks
    assert block.body.text.startswith("22. A further")


@pytest.mark.parametrize("heading, key", [
    ("Question 8 – organisations who made a referral", "referrers"),
    ("Organisations that referred men", "referrers"),
    ("Referrals by partner organisations", "agency_referred"),
])
def test_a_title_about_organisations_that_referred_is_the_referrers_question(males_spec, heading, key):
    seg = segment(f"Dear Requester\n\n{heading}\nKent Police; Medway Council\n", males_spec)
    align(seg.blocks, males_spec, seg.lettered)
    assert [q.key for b in seg.blocks for q in b.questions] == [key]


@pytest.mark.parametrize("later", ["Questions 2 to 7 are answered in the table below.", "2. 14 men referred themselves."])
def test_a_list_an_introduction_announces_is_the_first_answers_not_answers_of_its_own(males_spec, later):
    text = ("Dear Requester,\nWe commissioned three services for males in 2022/23 which fall within the scope of your request:\n"
            "1. Restart – a behaviour change programme for men, delivered by Leeway.\n"
            "2. Safer Choices – a stalking intervention delivered by an NHS trust.\n"
            "3. Youth Respect – a programme for boys aged 10 to 17.\n"
            f"{later}\n")
    _, blocks = _aligned(text, males_spec)
    assert blocks[0][0] == "1." and "Youth Respect" in blocks[0][2] and "Safer Choices" in blocks[0][2]
    assert all(b[0] != "3." for b in blocks)


def test_numbered_answers_after_a_colon_stay_answers_when_nothing_claims_their_numbers_again(males_spec):
    text = "Dear Requester,\nOur answers are as follows:\n1. Safe Steps, delivered by Acme Trust.\n2. 12\n3. 10\n"
    _, blocks = _aligned(text, males_spec)
    assert [b[0] for b in blocks] == ["1.", "2.", "3."]


@pytest.mark.parametrize("prefix", ["OPFCC response – ", "OPCC RESPONSE: ", "Our answer: ", "Response: ", "A5. "])
def test_an_answers_own_response_prefix_is_not_part_of_it(males_spec, prefix):
    _, blocks = _aligned(QUOTED + f"Question 5: The total number of males referred by an agency (e.g., police, social service etc.) into the programme\n{prefix}Drive: 94.\n", males_spec)
    assert blocks[-1][2] == "Drive: 94."


def test_a_programmes_name_before_response_is_kept(males_spec):
    _, blocks = _aligned(QUOTED + "Question 5: The total number of males referred by an agency (e.g., police, social service etc.) into the programme\nDrive responded to 94 referrals.\n", males_spec)
    assert blocks[-1][2] == "Drive responded to 94 referrals."

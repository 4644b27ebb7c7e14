"""Sections: a reply answering the whole request once per programme."""

import pytest

from foi_pipeline.extract.facts import SELF_REFERENCE_RE
from foi_pipeline.extract.sections import heading_name, trailing_heading
from foi_pipeline.extract.spans import Span


def span(text: str) -> Span:
    return Span(0, len(text), text)


@pytest.mark.parametrize("heading, name", [
    ("PROGRAMME TWO: Stalking Perpetrator Intervention", "Stalking Perpetrator Intervention"),
    ("Programme 2 – Drive Project", "Drive Project"),
    ("## Drive Project", "Drive Project"),
    ("**Part B: the Change Hub**", "the Change Hub"),
    ("Answers for the Safe Steps Programme:", "Safe Steps Programme"),
    ("2. Cheshire Change Programme", "Cheshire Change Programme"),
    ("Drive Project", "Drive Project"),
])
def test_the_programme_a_section_heading_names(heading, name):
    assert heading_name(span(heading)).text == name


@pytest.mark.parametrize("body, heading", [
    ("£145,000\n\nPROGRAMME TWO: Stalking Perpetrator Intervention", "PROGRAMME TWO: Stalking Perpetrator Intervention"),
    ("£145,000\n\n## Drive Project\n", "## Drive Project"),
    ("£145,000\n\nThis figure includes staff costs", None),  # a remark under the answer names no programme
    ("£145,000\n\nThe budget was agreed in March.", None),
    ("Cumbria Constabulary\nNational Probation Service", None),  # the answer's own lines: no blank line before
    ("£145,000", None),
    ("£145,000\nProgramme 2: Drive Project", "Programme 2: Drive Project"),  # PDF text keeps no blank lines
    ("£145,000\nDrive Project", None),  # without them, only a counted heading says it starts a section
])
def test_a_section_heading_ends_the_answer_before_it(body, heading):
    found = trailing_heading(span(body), whole=False)
    assert (found.text if found else None) == heading
    if found:
        assert body[found.start : found.end] == found.text


@pytest.mark.parametrize("written", ["Office of the PCC", "the OPCC", "PCC's office", "Commissioner’s office", "Office of the Police, Fire and Crime Commissioner"])
def test_the_reply_s_own_office_written_short(written):
    assert SELF_REFERENCE_RE.match(written)


@pytest.mark.parametrize("written", ["Home Office", "Office of the PCC for Kent", "Ministry of Justice"])
def test_other_offices_are_not_the_reply_s_own(written):
    assert not SELF_REFERENCE_RE.match(written)


def test_tab_separated_cells_keep_their_offsets():
    from foi_pipeline.extract.tables import find_tables

    text = "Question\tDrive\tChange Hub\n2. Self-referrals\tN/A\t21\n5. Agency referrals\t96\t54"
    (table,) = find_tables(span(text))
    assert [[c.text for c in row] for row in table.rows] == [["Question", "Drive", "Change Hub"], ["2. Self-referrals", "N/A", "21"], ["5. Agency referrals", "96", "54"]]
    assert all(text[c.start : c.end] == c.text for row in table.rows for c in row)


@pytest.mark.parametrize("gap", ["\t", "   "])
def test_a_header_with_a_blank_corner_cell_lines_up_with_the_rows_below(gap):
    from foi_pipeline.extract.tables import find_tables

    text = f"Drive{gap}Change Hub\nSelf-referrals{gap}N/A{gap}21\nAgency referrals{gap}96{gap}54"
    (table,) = find_tables(span(text))
    assert [[c.text for c in row] for row in table.rows] == [["", "Drive", "Change Hub"], ["Self-referrals", "N/A", "21"], ["Agency referrals", "96", "54"]]
    assert table.rows[0][0].start == 0




def test_a_row_label_wrapped_onto_lines_of_its_own_stays_one_row():
    from foi_pipeline.extract.tables import find_tables

    # A PDF writes a table cell by cell, so a wrapped label comes before the row's other cells.
    text = ("\tDrive\tCARA\nSelf-referred\t12\tN/A\nThe total number of referred males\nwho were accepted on to the programme\n"
            "59\t<5\nCompleted\t27\t3")
    (table,) = find_tables(span(text))
    assert [[c.text for c in row] for row in table.rows][2:] == [
        ["The total number of referred males\nwho were accepted on to the programme", "59", "<5"], ["Completed", "27", "3"]]


def test_lines_without_cells_followed_by_a_full_row_end_the_table():
    from foi_pipeline.extract.tables import find_tables

    text = "1.  The name\n2.  The number\nLink to evaluation:\n9.  Financial contributors\n10. Budget"
    assert [[c.text for c in row] for row in find_tables(span(text))[0].rows] == [["1.", "The name"], ["2.", "The number"]]


def test_a_table_flattened_to_single_spaces_splits_at_its_figures():
    from foi_pipeline.extract.tables import find_tables

    text = "Table 2\nRoute Referred Accepted Completed\nSelf-referred men 12 9 <5\nAgency referred men 1,204 n/a -\nNotes follow."
    (table,) = find_tables(span(text))
    assert [[c.text for c in row] for row in table.rows] == [
        ["Route", "Referred", "Accepted", "Completed"], ["Self-referred men", "12", "9", "<5"], ["Agency referred men", "1,204", "n/a", "-"]]
    assert all(text[c.start : c.end] == c.text for row in table.rows for c in row)


@pytest.mark.parametrize("text", [
    "Males who self-referred - not held\nSelf-referred males accepted - 40\nSelf-referred males completed - 19",  # titles, a dash, one figure
    "We received 12 referrals in 2022 and 14 in 2023.\nOf these 9 were accepted and 3 completed 2 courses.",  # prose
    "Referred Accepted Completed\nSelf-referred 12 9 4",  # one row is no table
])
def test_lines_ending_in_figures_are_no_table_unless_rows_and_headings_agree(text):
    from foi_pipeline.extract.tables import find_tables

    assert find_tables(span(text)) == []


def test_route_groups_over_stages_become_one_header_with_a_route_per_column():
    from foi_pipeline.extract.facts import under_route_groups
    from foi_pipeline.extract.spans import Span
    from foi_pipeline.extract.tables import find_tables

    text = ("Programme | Self-referral |  | Agency | referral | \n"
            " | Referred | Completed | Referred | Accepted | Completed\n"
            "Fresh Path | 4 | 2 | 30 | 20 | 10\n")
    table = find_tables(Span.of(text, 0, len(text)))[0]
    grouped = under_route_groups(table)
    assert grouped is not None
    header, routes = [c.text for c in grouped[0].rows[0]], grouped[1]
    assert header == ["Programme", "Referred", "Completed", "Referred", "Accepted", "Completed"]
    assert routes == [None, "self", "self", "agency", "agency", "agency"]
    assert len(grouped[0].rows) == 2
    flat = "Programme | Referred | Completed\nFresh Path | 4 | 2\nSteady Steps | 5 | 3\n"
    assert under_route_groups(find_tables(Span.of(flat, 0, len(flat)))[0]) is None


def test_route_headings_written_once_over_their_merged_columns_are_spread_over_them():
    from foi_pipeline.extract.facts import under_route_groups
    from foi_pipeline.extract.spans import Span
    from foi_pipeline.extract.tables import find_tables

    # a sheet writes a merged cell once: the first row is narrower than the stages under it
    text = ("Programme | Provider | Self-referral | Agency referral | Budget 2022/23\n"
            " |  | Referred | Accepted | Completed | Referred | Accepted | Completed | \n"
            "Fresh Path | Elm Foundation | 4 | 3 | 2 | 30 | 20 | 10 | 52000\n")
    (table,) = find_tables(Span.of(text, 0, len(text)))
    grouped = under_route_groups(table)
    assert grouped is not None
    header, routes = [c.text for c in grouped[0].rows[0]], grouped[1]
    assert header == ["Programme", "Provider", *["Referred", "Accepted", "Completed"] * 2, "Budget 2022/23"]
    assert routes == [None, None, *["self"] * 3, *["agency"] * 3, None]
    # headings that do not line up with the groups under them are left as they are
    odd = "Programme | Self-referral\n |  | Referred | Accepted | Completed | Referred\nFresh Path | 1 | 2 | 3 | 4 | 5\n"
    assert all(under_route_groups(t) is None for t in find_tables(Span.of(odd, 0, len(odd))))


@pytest.mark.parametrize("header_rows", [1, 2])
def test_header_rows_a_table_repeats_after_a_page_break_are_no_rows(header_rows):
    from foi_pipeline.extract.tables import find_tables

    header = ["Programme | Self-referral |  | Agency |  \n", " | Referred | Accepted | Referred | Accepted\n"][:header_rows]
    if header_rows == 1:
        header = ["Programme | Referred | Accepted | Completed | Budget\n"]
        rows = ["Fresh Path | 12 | 9 | 4 | 5000\n", "Steady Steps | 30 | 20 | 11 | 7000\n", "Open Door | 8 | 6 | 2 | 3000\n"]
    else:
        rows = ["Fresh Path | 12 | 9 | 40 | 31\n", "Steady Steps | 3 | 2 | 30 | 20\n", "Open Door | 8 | 6 | 2 | 1\n"]
    text = "".join(header + rows[:2] + header + rows[2:])  # the header again at the top of the next page
    (table,) = find_tables(span(text))
    assert [row[0].text.strip() for row in table.rows[header_rows:]] == ["Fresh Path", "Steady Steps", "Open Door"]
    assert len(table.rows) == header_rows + 3


def test_a_row_of_figures_like_the_first_is_data_not_a_repeated_header():
    from foi_pipeline.extract.tables import find_tables

    text = "12 | 9 | 4\n12 | 9 | 4\n30 | 20 | 11\n12 | 9 | 4\n"  # a table with no header keeps every row
    (table,) = find_tables(span(text))
    assert len(table.rows) == 4


@pytest.mark.parametrize("top", [
    "Programme |  | Self-referral route |  | Agency | referral | route",  # centred over its run, or split into words
    "Programme |  | Self-referral route |  |  | Agency referral route | ",
])
def test_a_route_heading_anywhere_over_its_run_of_stages_names_the_whole_run(top):
    from foi_pipeline.extract.facts import under_route_groups

    text = (f"{top} | Budget\n"
            " | Referred | Accepted | Completed | Referred | Accepted | Completed | 2022/23\n"
            "Fresh Path | 4 | 3 | 2 | 30 | 20 | 10 | £52,000\n")
    grouped = under_route_groups(find_tables_of(text))
    assert grouped is not None
    table, routes = grouped
    assert routes == [None, *["self"] * 3, *["agency"] * 3, None]
    assert [c.text.strip() for c in table.rows[0]][-1] == "Budget"  # not "2022/23": the year qualifies the heading


def find_tables_of(text: str):
    from foi_pipeline.extract.tables import find_tables

    (table,) = find_tables(span(text))
    return table

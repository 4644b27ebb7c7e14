"""Programmes and organisations named in replies, in our own variations of how replies name them."""

import pytest

from foi_pipeline.extract.organisations import OrganisationCatalogue, organisations_after, split_organisations
from foi_pipeline.extract.programmes import PROVIDER_CUE_RE, ProgrammeRegistry, find_programmes_in_scope, mentions, short_form
from foi_pipeline.extract.spans import Span
from foi_pipeline.specs import Catalogue


def _span(text: str) -> Span:
    return Span(0, len(text), text)


@pytest.fixture(scope="module")
def org_catalogue(catalogue: Catalogue) -> OrganisationCatalogue:
    return OrganisationCatalogue(catalogue)


@pytest.fixture
def registry_of(catalogue: Catalogue, org_catalogue: OrganisationCatalogue):
    """The programmes found in an answer's scope (and the reply's other text), read with the real catalogue."""
    def read(scope: str, context: str = "") -> ProgrammeRegistry:
        registry = ProgrammeRegistry(catalogue, org_catalogue)
        find_programmes_in_scope([_span(scope)], [_span(context)], registry)
        return registry
    return read


@pytest.mark.parametrize(
    "text, names",
    [
        ("Safe Steps: delivered by Acme Trust. A ten-week group course.\nTurning Point: one-to-one work.", ["Safe Steps", "Turning Point"]),
        ("(a) Respectful Relationships Programme (RRP): a group course. (b) Stalking Clinic: one-to-one.", ["RRP", "Stalking Clinic"]),
        ("• Family Safety Project (\"FSP\") – whole-family work\n• Drive – high-harm perpetrators", ["FSP", "Drive"]),
        ("In 2022/23 the PCC commissioned the Better Futures Programme, which works with men on licence.", ["Better Futures Programme"]),
        ("They are run by Acme: the Early Change Intervention (short work) and ECHO, the Engage Change Help Others Project.", ["Early Change Intervention", "ECHO"]),
        ("There are two strands: group work and one-to-one work.", []),
        ("Two programmes: CARA (Hampton Trust) and Drive (SafeLives).", ["CARA", "Drive"]),  # names listed after an introduction
        ("Delivery: Monday and Tuesday evenings.", []),
        ("We commission CARA, delivered by the Hampton Trust, and Drive, delivered by SafeLives.", ["CARA", "Drive"]),
        ("Compulsive and Obsessive Behaviour Intervention: a behaviour change intervention delivered by Hope Partnership\nCIC.",
         ["Compulsive and Obsessive Behaviour Intervention"]),  # a PDF line wrapped before "CIC" names no second programme
        ('Our perpetrator programme is called "Choices for Change" (C4C). It is a 24-week course.', ["C4C"]),  # a name given as a name
        ("The service is known as Safer Families and is run by Acme.", ["Safer Families"]),
        ("It is a course which the provider has named ‘Fresh Start’.", ["Fresh Start"]),
        ("We did not commission the Building Better Relationships programme, which Probation runs.", []),
        # names set with a dash before "delivered by", in sentences of one paragraph; the provider is no programme
        ("Two programmes were commissioned: Fresh Start (FS) – delivered by Acme Support Service. A group course. "
         "KEEL (Keeping Everyone Emotionally Level) – delivered by The Harbour Trust. A short course.", ["FS", "KEEL"]),
        ("Safe Home – provided by Brightwater Community Service.", ["Safe Home"]),
        # the answer says how many it names: a service of the programme is no second one
        ("We fund one perpetrator programme: Fresh Start (FS), delivered by Acme, with a linked Partner Support Service.", ["FS"]),
        ("Fresh Start: a one-to-one intervention.\nFamily Safety Project: group work.", ["Fresh Start", "Family Safety Project"]),
        # a list written as one sentence, each programme's part ending at a semicolon
        ("The PCC funds two programmes in the county: the Hartwell Behaviour Change Programme (HBCP), a 20-week course, "
         "delivered by Acme; and KEEL (Keeping Everyone Emotionally Level), two workshops delivered by The Harbour Trust.", ["HBCP", "KEEL"]),
    ],
)
def test_programmes_named_in_scope_answers(registry_of, text, names):
    registry = registry_of(text)
    assert [p.name for p in registry.programmes] == names


def test_mentions_resolve_short_forms_and_acronyms_to_one_programme(registry_of):
    registry = registry_of("- Intensive Change One-to-One Programme: early work.\n- Stalking Perpetrator Clinic: for stalking.\n- Respect Young People Programme (RYPP): families.")
    assert len(registry.programmes) == 3
    assert registry.resolve("One-to-One").name == "Intensive Change One-to-One Programme"
    assert registry.resolve("Stalking").name == "Stalking Perpetrator Clinic"
    assert registry.resolve("RYPP").name == "RYPP"
    assert registry.resolve("Respect Young People Programme").name == "RYPP"
    text = "One-to-One: 4; Stalking: 2; RYPP: 1"
    assert [p.name for _, p in mentions(_span(text), registry)] == [
        "Intensive Change One-to-One Programme", "Stalking Perpetrator Clinic", "RYPP"]


def test_providers_from_items_and_from_statements_about_allregistry_of(registry_of):
    registry = registry_of(
        "Both interventions are delivered by Acme Alliance working with the police.\n"
        "- Safe Steps: group work.\n- Turning Point: delivered jointly by Hope Trust and Bright Futures CIC, with ..."
    )
    providers = {p.name: p.providers for p in registry.programmes}
    assert providers["Safe Steps"] == ["Acme Alliance"]
    assert providers["Turning Point"] == ["Hope Trust", "Bright Futures CIC", "Acme Alliance"]


def test_catalogue_gives_canonical_names(registry_of):
    registry = registry_of("Conditional Cautioning and Relationship Abuse (CARA): workshops.\nThe Drive Project: high harm.")
    assert [p.canonical_name for p in registry.programmes] == ["CARA", "Drive"]


@pytest.mark.parametrize(
    "text, orgs",
    [
        ("Essex Police; Southend City Council Children's Services; the Probation Service; Essex refuges", ["Essex Police", "Southend City Council Children's Services", "The Probation Service", "Essex refuges"]),
        ("The Office of the Police and Crime Commissioner for Cumbria, Cumbria County Council and the NHS.", ["The Office of the Police and Crime Commissioner for Cumbria", "Cumbria County Council", "NHS"]),
        ("Hampshire and Isle of Wight Constabulary is the only referrer.", ["Hampshire and Isle of Wight Constabulary"]),
        ("The Home Office (Perpetrator Fund). There are no voluntary donations.", ["Home Office"]),
        ("the Community Safety Partnership for Bath, Keynsham and Radstock (match funding)", ["the Community Safety Partnership for Bath, Keynsham and Radstock"]),
        ("The Police and Crime Commissioner and the Home Office.", ["The Police and Crime Commissioner", "Home Office"]),  # one title, one "and"
        ("Kent County Council (£20,000) and the Home Office (2022/23)", ["Kent County Council", "Home Office"]),  # figures are notes
        ("The OPCC (100%).", ["OPCC"]),
        ("Devon and Cornwall Police and Plymouth City Council", ["Devon and Cornwall Police", "Plymouth City Council"]),  # a force's "and"
        ("The Home Office Domestic Abuse Perpetrator Intervention Fund and the Ministry of Justice grant",
         ["Home Office", "Ministry of Justice"]),  # the body that holds a named fund
        ("• Gloucestershire Constabulary\n• Children's Social Care\n- GP surgeries\n(d) Housing Providers", ["Gloucestershire Constabulary", "Children's Social Care", "GP surgeries", "Housing Providers"]),  # bullets are not names
        ("MARAC partners including Avon and Somerset Constabulary and Bristol City Council",
         ["Avon and Somerset Constabulary", "Bristol City Council"]),  # the bodies named after "including"
        ("Hartwell Violence Reduction Unit (funded through the Home Office).", ["Hartwell Violence Reduction Unit", "Home Office"]),
        ("Kent County Council. Kent Police also provides a venue in kind.", ["Kent County Council", "Kent Police"]),
    ],
)
def test_organisation_lists(org_catalogue, text, orgs):
    assert [o.name for o in split_organisations(_span(text), org_catalogue)] == orgs


@pytest.mark.parametrize(
    "text, orgs",
    [
        ("a group course delivered by Safe Lives\nPartnership.", ["Safe Lives Partnership"]),  # PDF text wrapped
        ("run by Hope Community\nTrust and the council", ["Hope Community Trust"]),
        ("delivered by Bright Futures\nCIC.", ["Bright Futures CIC"]),
        ("delivered by Kent Police\nProbation Service.", ["Kent Police", "The Probation Service"]),  # two names
    ],
)
def test_a_name_wrapped_before_its_last_word_is_one_organisation(org_catalogue, text, orgs):
    found = organisations_after(_span(text), PROVIDER_CUE_RE, org_catalogue)
    assert [o.name for o in found] == orgs
    assert all(text[o.span.start : o.span.end] == o.as_written for o in found)


@pytest.mark.parametrize(
    "text, provider",
    [
        ("run weekly by Cranstoun.", "Cranstoun"),
        ("delivered jointly by the Hampton Trust.", "The Hampton Trust"),
        ("delivered on our behalf by Safe Lives.", "SafeLives"),
        ("delivered in Kent by Interventions Alliance.", "Interventions Alliance"),
    ],
)
def test_a_provider_cue_may_hold_an_adverb_or_a_place(org_catalogue, text, provider):
    assert [o.name for o in organisations_after(_span(text), PROVIDER_CUE_RE, org_catalogue)] == [provider]


def test_two_programmes_in_one_sentence_each_get_their_own_provider(registry_of):
    registry = registry_of("The OPCC commissioned two programmes: the Drive Project (delivered by Safe Lives) and the "
                           "Men and Masculinities Course (delivered by Equation).\nAnswers to questions 2 to 7 are in the table below.")
    assert {p.name: p.providers for p in registry.programmes} == {"Drive Project": ["SafeLives"], "Men and Masculinities Course": ["Equation"]}


@pytest.mark.parametrize(
    "text, providers",
    [
        ("We commission two programmes: Drive, delivered by Safer Lives, and Change Hub.", {"Drive": ["SafeLives"], "Change Hub": []}),
        ("Three interventions: Turning Point, run by Acme Trust; Steps; and Fresh Start, provided by Beta CIC.",
         {"Turning Point": ["Acme Trust"], "Steps": [], "Fresh Start": ["Beta CIC"]}),
        ("Two programmes: CARA (delivered by the Hampton Trust) and Drive.", {"CARA": ["The Hampton Trust"], "Drive": []}),
        ("The OPCC funds two programmes: Men and Masculinities Course and Drive.", {"Men and Masculinities Course": [], "Drive": []}),
        ("The OPCC funds two programmes: Caring Dads and the Change Project.", {"Caring Dads": [], "Change Project": []}),
    ],
)
def test_a_list_of_programmes_may_give_each_its_provider_in_a_clause(registry_of, text, providers):
    assert {p.name: p.providers for p in registry_of(text).programmes} == providers


@pytest.mark.parametrize(
    "text, names",
    [
        ("The Commissioner funds one programme, which is known locally as Safe Harbour.", ["Safe Harbour"]),
        ("Two courses ran. The first is Anchor, a group course. The second is KEEL (Keeping Everyone Emotionally Level), a one-to-one course.",
         ["Anchor", "KEEL"]),
        ("In Rutland, Pathfinder is delivered by Acme CIC.", ["Pathfinder"]),
        ("Referrals are screened by the Probation Service before allocation.", []),  # an organisation, not a programme
        ("Thank you for asking about the Domestic Abuse Perpetrator Programme in our area.", []),  # the request's topic
        ("The Home Office Domestic Abuse Perpetrator Intervention Fund paid for it.", []),  # a fund
        ("The Commissioner funds one perpetrator programme, Cam i Newid (Step to Change).", ["Cam i Newid"]),  # set after its description
        ("We funded one programme, Open Door. It runs weekly.", ["Open Door"]),
        ("Keystone is a Respect-accredited behaviour change programme for men.", ["Keystone"]),
        ("Northway (Northway Family Service), delivered by Acme CIC, is a course.", ["Northway"]),
        # a second name for the same programme, set after a comma
        ("The first is the Anyshire Behaviour Change Programme, known locally as the ABCP, a group course.", ["ABCP"]),
        ("Our programme, known as Safe Steps, is a group course.", ["Safe Steps"]),
    ],
)
def test_programmes_named_in_sentences(catalogue, org_catalogue, text, names):
    from foi_pipeline.extract.programmes import find_programmes_in_prose

    registry = ProgrammeRegistry(catalogue, org_catalogue)
    find_programmes_in_prose(_span(text), registry)
    assert [p.name for p in registry.programmes] == names


def test_organisations_after_a_cue_stop_at_the_end_of_the_names(org_catalogue):
    text = "It is provided by Change Collective and Safe Homes Ltd. in partnership with the council, and evaluated by a university."
    found = organisations_after(_span(text), PROVIDER_CUE_RE, org_catalogue)
    assert [o.name for o in found] == ["Change Collective", "Safe Homes Ltd"]
    for org in found:
        assert text[org.span.start : org.span.end] == org.as_written


@pytest.mark.parametrize("name, short", [
    ("Drive Project", "Drive"), ("Change Hub Programme", "Change Hub"), ("The Safe Steps Intervention", "Safe Steps"),
    ("Change Programme", None), ("Domestic Abuse Perpetrator Programme", None),  # generic words name nothing
    ("CARA", None), ("Project CARA", None), ("Inspire to Change", None),  # no head noun at the end
])
def test_short_forms_drop_the_head_noun(name, short):
    assert short_form(name) == short


def test_a_short_form_is_written_capitalised(registry_of):
    registry = registry_of("- Drive Project: one-to-one work.\n- Change Hub Programme: group work.")
    found = [(s.text, p.name) for s, p in mentions(_span("We drive down harm; Drive took 96 and the Change Hub 54."), registry)]
    assert found == [("Drive", "Drive Project"), ("Change Hub", "Change Hub Programme")]


def test_a_programme_written_as_a_form_of_fields(registry_of):
    registry = registry_of("Programme: Building Better Relationships (BBR)\nProvider: Interventions Alliance\nScope: a 24-session group programme\n"
                           "Programme: Caring Dads\nDelivered by: Barnardo's\nDuration: 17 weeks")
    assert [(p.name, p.providers) for p in registry.programmes] == [("BBR", ["Interventions Alliance"]), ("Caring Dads", ["Barnardo's"])]


def test_each_programme_in_one_sentence_keeps_its_own_provider(registry_of):
    registry = registry_of("We commission CARA, delivered by the Hampton Trust, and Drive, delivered by SafeLives.")
    assert [(p.name, p.providers) for p in registry.programmes] == [("CARA", ["The Hampton Trust"]), ("Drive", ["SafeLives"])]


@pytest.mark.parametrize(
    "text, orgs",
    [
        ("funded by the Home Office and by the OPCC.", ["Home Office", "OPCC"]),
        ("with a contribution from Rutland County Council's public health team", ["Rutland County Council"]),
        ("delivered by Barnardo's in two towns", ["Barnardo's"]),
    ],
)
def test_organisations_after_funding_cues(org_catalogue, text, orgs):
    from foi_pipeline.extract.prose import FUNDED_BY_RE

    assert [o.name for o in organisations_after(_span(text), FUNDED_BY_RE, org_catalogue) or organisations_after(_span(text), PROVIDER_CUE_RE, org_catalogue)] == orgs


def test_sentences_run_across_the_line_breaks_of_a_wrapped_paragraph():
    from foi_pipeline.extract.programmes import sentences

    text = ("Inspire to Change is a Respect-accredited behaviour change programme for men assessed as\n"
            "standard risk. It runs weekly.\nDrive: 40\nCARA: 12")
    assert [s.text for s in sentences(_span(text))] == [
        "Inspire to Change is a Respect-accredited behaviour change programme for men assessed as\nstandard risk.",
        "It runs weekly.", "Drive: 40", "CARA: 12"]


@pytest.mark.parametrize("mark", ["(A)", "A)", "(a)", "(I)"])
def test_programmes_listed_under_capital_letters_or_numerals(registry_of, mark):
    second = {"(A)": "(B)", "A)": "B)", "(a)": "(b)", "(I)": "(II)"}[mark]
    registry = registry_of(f"{mark} Safe Home – a group course for men.\n{second} Fresh Start – one-to-one work.")
    assert [p.name for p in registry.programmes] == ["Safe Home", "Fresh Start"]


@pytest.mark.parametrize("heading", ["Your right to complain", "Internal review and complaints", "OPCC RESPONSE",
                                     "Contributor Type 2021/22 2022/23", "Financial contributors and budget"])
def test_a_list_of_bodies_stops_short_of_the_letters_next_heading(org_catalogue, heading):
    found = split_organisations(_span(f"Kent Police\nMedway Council\n{heading}"), org_catalogue, lenient=True)
    assert [o.name for o in found] == ["Kent Police", "Medway Council"]


@pytest.mark.parametrize("text, bodies", [
    ("Tees, Esk and Wear Valleys NHS Foundation Trust", ["Tees, Esk and Wear Valleys NHS Foundation Trust"]),
    ("Cafcass, Cambridgeshire and Peterborough NHS Foundation Trust, GP practices",
     ["Cafcass", "Cambridgeshire and Peterborough NHS Foundation Trust", "GP practices"]),
    ("Kent Police, Bolton, Bury and Wigan Councils", ["Kent Police", "Bolton, Bury and Wigan Councils"]),
    ("Kent Police, Medway Council and Kent County Council", ["Kent Police", "Medway Council", "Kent County Council"]),
])
def test_places_before_an_and_open_the_body_they_name_together(org_catalogue, text, bodies):
    assert [o.name for o in split_organisations(_span(text), org_catalogue, lenient=True)] == bodies


def test_a_row_summing_the_others_is_no_body_but_a_body_named_total_is(org_catalogue):
    assert split_organisations(_span("Total agency referrals"), org_catalogue, lenient=True) == []
    assert [o.name for o in split_organisations(_span("Total Wellbeing Luton"), org_catalogue, lenient=True)] == ["Total Wellbeing Luton"]


def test_a_body_named_after_a_heading_and_colon_is_kept(org_catalogue):
    found = split_organisations(_span("OPCC response: Kent Police; Medway Council"), org_catalogue, lenient=True)
    assert "Medway Council" in [o.name for o in found] and len(found) == 2


@pytest.mark.parametrize("heading", ["Total", "Totals:", "Notes", "Funder", "Referral source", "Grand total",
                                     "Total agency referrals", "TOTAL REFERRALS", "Total (all programmes)", "Sub-total: 12",
                                     "CASH CONTRIBUTIONS", "In-kind contributions", "Budget 2022/23 inclusive of running costs: £312,450",
                                     "Venue space"])
def test_a_tables_heading_or_sum_row_is_no_body(org_catalogue, heading):
    found = split_organisations(_span(f"Kent Police\n{heading}\nMedway Council"), org_catalogue, lenient=True)
    assert [o.name for o in found] == ["Kent Police", "Medway Council"]


@pytest.mark.parametrize("text, bodies", [
    ("Kent Police, Essex County Council Children and Families Service and Medway Council",
     ["Kent Police", "Essex County Council Children and Families Service", "Medway Council"]),
    ("Kent Police, Cardiff Council Children and Young People Services", ["Kent Police", "Cardiff Council Children and Young People Services"]),
    ("Surrey County Council Adult Social Care and Public Health, Kent Police", ["Surrey County Council Adult Social Care and Public Health", "Kent Police"]),
])
def test_an_and_inside_a_departments_name_joins_one_body(org_catalogue, text, bodies):
    assert [o.name for o in split_organisations(_span(text), org_catalogue, lenient=True)] == bodies


def test_two_bodies_joined_by_and_stay_two(org_catalogue):
    names = [o.name for o in split_organisations(_span("Cardiff Council and Swansea Council Children's Services"), org_catalogue, lenient=True)]
    assert names == ["Cardiff Council", "Swansea Council Children's Services"]


def test_a_wrapped_line_inside_a_sentence_is_no_list_break(org_catalogue):
    text = ("Referrals came from Kent Police, Medway Council Children's Services, the Early Help Team of Kent\n"
            "County Council and the Probation Service.")
    names = [o.name for o in split_organisations(_span(text), org_catalogue, lenient=True)]
    assert "Early Help Team of Kent County Council" in " ".join(names) and "County Council" not in names


def test_a_short_list_line_still_breaks_the_list(org_catalogue):
    names = [o.name for o in split_organisations(_span("Kent Police, Medway Council\nThe Probation Service"), org_catalogue, lenient=True)]
    assert names[-1] == "The Probation Service"


@pytest.mark.parametrize("line", ["Lancashire", "The East Midlands", "Funder", "Type", "Figures"])
def test_a_place_or_a_tables_heading_listed_beside_programmes_is_no_programme(registry_of, line):
    registry = registry_of(f"1. Safe Home – a group course for men.\n2. {line}\n3. Fresh Start – one-to-one work.")
    assert [p.name for p in registry.programmes] == ["Safe Home", "Fresh Start"]


@pytest.mark.parametrize("name", ["129", "46 | 39", "The Commissioner commissions Restart", "Drive is a programme", "Programme 1",
                                  "Intervention B", "Programme two"])
def test_a_figure_or_a_clause_is_no_programme_name(name):
    from foi_pipeline.extract.programmes import looks_like_name
    assert not looks_like_name(name)


@pytest.mark.parametrize("scope, name", [
    ("The Commissioner commissions Restart, a community-based programme for men.", "Restart"),
    ("The OPCC funds \u2018Foundations for Change\u2019, a group programme delivered by Acme Trust.", "Foundations for Change"),
])
def test_a_name_after_a_verb_of_commissioning_is_the_programme(registry_of, scope, name):
    assert [p.name for p in registry_of(scope).programmes] == [name]


def test_the_end_of_an_aside_cut_at_its_full_stop_is_no_body(org_catalogue):
    found = split_organisations(_span("SPI: £45k (incl. VAT). Kent County Council."), org_catalogue, lenient=True)
    assert "VAT)" not in [o.name for o in found] and "Kent County Council" in [o.name for o in found]


@pytest.mark.parametrize("text", [
    "a group programme delivered peninsula-wide (including the islands via remote sessions) by Acme Change CIC.",
    "a group programme delivered county-wide by Acme Change CIC.",
    "a group programme delivered across the county by Acme Change CIC.",
])
def test_a_provider_after_where_the_programme_is_delivered(org_catalogue, text):
    assert [o.name for o in organisations_after(_span(text), PROVIDER_CUE_RE, org_catalogue)] == ["Acme Change CIC"]


def test_commas_inside_a_bracket_do_not_split_a_body(org_catalogue):
    found = split_organisations(_span("Kent Police; Housing providers (Sanctuary, Plus Dane, Torus); MARAC (North Wales, all six areas)"),
                                org_catalogue, lenient=True)
    assert [o.name for o in found] == ["Kent Police", "Housing providers (Sanctuary, Plus Dane, Torus)", "MARAC (North Wales, all six areas)"]


def test_lowercase_members_of_a_list_of_bodies_are_kept_but_not_a_sentence(org_catalogue):
    text = "Merseyside Police; the Probation Service; women's centres (Liverpool and Knowsley); health visitors; self-referral."
    found = [o.name for o in split_organisations(_span(text), org_catalogue)]
    assert found == ["Merseyside Police", "The Probation Service", "women's centres (Liverpool and Knowsley)", "health visitors", "self-referral"]
    assert [o.name for o in split_organisations(_span("Kent Police; Medway Council; there were no others."), org_catalogue)] == [
        "Kent Police", "Medway Council"]

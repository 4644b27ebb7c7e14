"""Request specs as YAML: loading, matching a reply to its request, and adding a request with a file only."""

import shutil

import pytest
import yaml

from foi_pipeline.specs import ASSETS_DIR, SpecError, load_catalogue, load_requests, match_request


def test_both_shipped_requests_load_with_their_questions(females_spec, males_spec, request_specs):
    assert {s.id for s in request_specs} >= {"dapp-2022-23-males", "dapp-2022-23-females"}
    assert males_spec.population == "male" and females_spec.population == "female"
    assert [q.number for q in males_spec.questions] == [1, 2, 3, 4, 5, 6, 7, 8, None, 9, 10]
    assert males_spec.question("agency_completed").feeds == {"table": "funnel_counts", "route": "agency", "stage": "completed"}
    assert "females" in females_spec.question("self_referred").text


def test_match_by_quoted_text_then_folder_then_default(females_spec, males_spec, request_specs):
    quoted = "5. The total number of females referred by an agency (e.g., police, social service etc.) into the programme"
    assert match_request(quoted, "reply.pdf", request_specs) == (females_spec, "quoted")
    assert match_request("figures for referred males", "x.txt", request_specs) == (males_spec, "quoted")
    assert match_request("Dear requester, see attached.", "dapp-2022-23-females/x.pdf", request_specs) == (females_spec, "folder")
    assert match_request("Dear requester, see attached.", "inbox/x.pdf", request_specs) == (males_spec, "default")
    assert match_request(None, "inbox/x.pdf", request_specs) == (males_spec, "default")


def test_a_third_request_needs_only_a_yaml_file(tmp_path):
    shutil.copytree(ASSETS_DIR, tmp_path / "assets")
    third = yaml.safe_load((tmp_path / "assets" / "requests" / "dapp_2022_23_males.yaml").read_text())
    third.update(id="dapp-2023-24-males", title="DAPP 2023/24 (males)", financial_year="2023/24", default=False,
                 identify=["2023/2024 Financial Year", "2023/24", "males"])
    (tmp_path / "assets" / "requests" / "dapp_2023_24_males.yaml").write_text(yaml.safe_dump(third))
    specs = load_requests(tmp_path / "assets")
    spec, how = match_request("information for the 2023/2024 Financial Year about males", "r.txt", specs)
    assert (spec.id, spec.financial_year, how) == ("dapp-2023-24-males", "2023/24", "quoted")


def test_malformed_specs_are_clear_errors(tmp_path):
    (tmp_path / "requests").mkdir()
    (tmp_path / "requests" / "bad.yaml").write_text("id: x\ntitle: y\n")
    with pytest.raises(SpecError, match=r"bad\.yaml: missing key"):
        load_requests(tmp_path)
    (tmp_path / "requests" / "bad.yaml").write_text("id: [unclosed")
    with pytest.raises(SpecError, match="not valid YAML"):
        load_requests(tmp_path)
    (tmp_path / "requests" / "bad.yaml").write_text(
        "id: x\ntitle: y\nfinancial_year: 2022/23\npopulation: male\n"
        "questions:\n  - {key: self_referred, text: Self-referred, feeds: {table: funnel_counts, route: self}}\n")
    with pytest.raises(SpecError, match="needs both a 'route' and a 'stage'"):
        load_requests(tmp_path)


def test_catalogues_load():
    catalogue = load_catalogue()
    assert any(p.name == "CARA" for p in catalogue.programmes)
    assert any(o.name == "Home Office" for o in catalogue.organisations)
    assert len(catalogue.areas) >= 40

"""Document metadata read off letters written in different house styles (our own variations)."""

import datetime as dt

import pytest

from foi_pipeline.extract.metadata import (
    read_authority,
    read_information_status,
    read_reference,
    read_response_date,
)

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "text, authority, area",
    [
        ("OFFICE OF THE POLICE AND CRIME COMMISSIONER FOR ESSEX\nFreedom of Information", "Office of the Police and Crime Commissioner for Essex", "Essex"),
        ("The Office of the Police and Crime Commissioner for Avon and Somerset holds this information.", "Office of the Police and Crime Commissioner for Avon and Somerset", "Avon and Somerset"),
        ("Office of the Dorset Police and Crime Commissioner\n\nDear requester", "Office of the Dorset Police and Crime Commissioner", "Dorset"),
        ("Reply from the Office of the Police, Fire and Crime Commissioner for Staffordshire, Staffordshire County Council and others",
         "Office of the Police, Fire and Crime Commissioner for Staffordshire", "Staffordshire"),
        ("We are funded with Gwent Police. Referrals come from Gwent Police and partners.", "Office of the Police and Crime Commissioner for Gwent", "Gwent"),
        ("Office of the Police and Crime Commissioner for Cheshire, Clemonds Hey, Oakmere Road, Winsford CW7 2UA",
         "Office of the Police and Crime Commissioner for Cheshire", "Cheshire"),  # the address after the name
    ],
)
def test_authority_and_area(catalogue, text, authority, area):
    assert read_authority(text, catalogue.areas) == (authority, area)


@pytest.mark.parametrize(
    "text, ref",
    [
        ("Our reference: AB/2023/114\nDate: 1 May 2023", "AB/2023/114"),
        ("FOI Ref: 0072/23", "0072/23"),
        ("FOI 1234 – perpetrator programmes", "FOI 1234"),
        ("Freedom of Information Request Ref: X-FOI-23-001", "X-FOI-23-001"),
        ("RE: Freedom of Information Request FOI/ABC/77", "FOI/ABC/77"),
        ("Dear applicant,\nThank you for your request of 25 July 2023.", None),
        ("FOI Request Number: 000871-23\nResponse date: October 3, 2023", "000871-23"),
        ("Request ID: PCC-FOI-871", "PCC-FOI-871"),
        ("Case number: 2023/0871", "2023/0871"),
        ("FOI Ref: KPCC 2023/0077", "KPCC 2023/0077"),  # the office's letters, a space, the number
        ("Our reference: OPCC-XY FOI 2023/101", "OPCC-XY FOI 2023/101"),
        ("Subject: RE: request for information (PFCC FOI 011/23)", "PFCC FOI 011/23"),
        ("Our reference: see the letter of 2023", None),  # words in lower case are no part of a reference
    ],
)
def test_reference(text, ref):
    assert read_reference(text) == ref


@pytest.mark.parametrize(
    "text, date",
    [
        ("Date: Friday 3rd March 2023\nDear applicant", dt.date(2023, 3, 3)),
        ("Our ref: 1\n14 September 2023\n\nDear Sir", dt.date(2023, 9, 14)),
        ("Thank you for your request received on 25 July 2023.\nDate of response: 2 August 2023", dt.date(2023, 8, 2)),
        ("Date: 09/08/2023", dt.date(2023, 8, 9)),
        ("Your email of 25 July 2023 asked ...\n\nanswers\n\nDate responded: 17 Aug 2023", dt.date(2023, 8, 17)),
        ("Date: Tue, 4 June 2024 10:12:03 +0100", dt.date(2024, 6, 4)),
        ("Date: 1 January 2099", None),
        ("Our ref: 1\n2023-10-03\n\nDear Sir", dt.date(2023, 10, 3)),  # ISO: year, month, day, whatever dayfirst says
        ("Response date: October 3, 2023", dt.date(2023, 10, 3)),
        ("Dear Mr Jones,\n1. 17\nKind regards\n\n-----Original Message-----\nFrom: A <a@b.org>\nSent: 01 June 2023 09:12\n", None),  # the request's date
        ("From: FOI <f@x.org>\nTo: a@b.org\nDate: Mon, 14 Aug 2023 10:00:00 +0100\n\nAnswers\n\nOn 1 June 2023, A wrote:\n> Date: 1 June 2023",
         dt.date(2023, 8, 14)),
        ("Case number: 2023/0871\nOct. 4th, 2023\n", dt.date(2023, 10, 4)),
    ],
)
def test_response_date(text, date):
    assert read_response_date(text, today=TODAY) == date


@pytest.mark.parametrize(
    "text, answered, status",
    [
        ("We hold some of the information you asked for.", True, "partly_held"),
        ("The OPCC holds the information requested.", True, "held"),
        ("We did not commission any programme and therefore hold no information.", False, "not_held"),
        ("1. CARA\n2. 45", True, "held"),
        ("The cost of complying with your request would exceed the appropriate limit of £450 under section 12.", False, "refused"),
        ("We are therefore not obliged to comply with it.", False, "refused"),
        ("We consider the request vexatious under section 14(1).", False, "refused"),
        ("Drive had 40 referrals. We do not hold the number of those men who were accepted.", False, "partly_held"),  # one figure
        ("We do not hold any information about such programmes.", False, "not_held"),
        ("The OPCC holds information relevant to your request. The budget covers the whole programme and we do not hold "
         "a separate figure for the work with women.", False, "held"),  # it says first that it holds what was asked
        ("The Act obliges an authority to tell an applicant whether it holds the information requested. I can confirm "
         "that the Commissioner does not hold the information.", False, "not_held"),  # the law's words are no answer
    ],
)
def test_information_status(text, answered, status):
    assert read_information_status(text, answered) == status

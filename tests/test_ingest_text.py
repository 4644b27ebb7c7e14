"""Plain-text replies and the encodings they arrive in; the one normalisation every format shares."""

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foi_pipeline.ingest import decode_text, parse_bytes
from foi_pipeline.ingest.text import decode_declared, normalise

REPLY = "Q10. Budget: £60,000 – “approx.”\nQ11. None held"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(REPLY.encode("utf-8"), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + REPLY.encode("utf-8"), id="utf-8 with BOM"),
        pytest.param(codecs.BOM_UTF16_LE + REPLY.encode("utf-16-le"), id="utf-16-le with BOM"),
        pytest.param(codecs.BOM_UTF16_BE + REPLY.encode("utf-16-be"), id="utf-16-be with BOM"),
        pytest.param(REPLY.encode("utf-16-le"), id="utf-16-le without BOM"),
        pytest.param(REPLY.encode("utf-16-be"), id="utf-16-be without BOM"),
        pytest.param(REPLY.encode("utf-32"), id="utf-32 with BOM"),
        pytest.param(REPLY.encode("cp1252"), id="windows-1252"),
    ],
)
def test_each_encoding_decodes_to_the_same_text(data):
    assert decode_text(data) == REPLY


def test_a_pound_sign_as_the_single_byte_a3_is_a_pound_sign():
    assert decode_text(b"Budget: \xa360,000") == "Budget: £60,000"


def test_bytes_windows_1252_leaves_undefined_still_decode():
    # 0x81 is undefined in Windows-1252: a strict decode would fail; we keep the rest of the text.
    assert decode_text(b"\xa35 \x81\x93quoted\x94") == "£5 “quoted”"


def test_line_endings_and_control_characters_are_normalised():
    assert decode_text(b"a\r\nb\rc\n\x00d\x07e\tf\x0cg") == "a\nb\nc\nde\tf\x0cg"  # tab and form feed stay
    assert normalise("line\u2028next\x0bthird") == "line\nnext\nthird"
    assert normalise("it\x92s \x85") == "it’s …"  # C1 codes from a Windows-1252 mis-decode


def test_declared_charset_is_honoured_only_when_it_decodes_cleanly():
    assert decode_declared("жук".encode("cp1251"), "windows-1251") == "жук"
    assert decode_declared(b"\xa3 5", "utf-8") == "£ 5"  # declared UTF-8, really Windows-1252
    assert decode_declared(b"\x93x\x94", "iso-8859-1") == "“x”"  # latin-1 labels mean Windows-1252
    assert decode_declared("£".encode(), "iso-8859-1") == "£"  # ... unless the bytes are UTF-8
    assert decode_declared(b"plain", "utf-16") == "plain"  # a UTF-16 label on ASCII bytes is wrong
    assert decode_declared(b"\xa3", "no-such-charset") == "£"
    assert decode_declared(codecs.BOM_UTF8 + "£".encode(), "windows-1252") == "£"  # the BOM wins


def test_txt_and_md_keep_their_lines_exactly():
    text = "1. CARA: 203\n\n   indented line  \n| a | b |\n\n\n# Heading\n"
    assert parse_bytes(text.encode(), "reply.txt") == ("text/plain", "ok", None, text)
    assert parse_bytes(text.replace("\n", "\r\n").encode(), "notes.md") == ("text/markdown", "ok", None, text)


def test_whitespace_only_text_is_empty():
    assert parse_bytes(b" \r\n\t\n", "blank.txt") == ("text/plain", "empty", "the file contains no text", None)
    assert parse_bytes(b"", "zero.md")[1] == "empty"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=800))
def test_decode_text_never_raises_and_leaves_no_cr_or_nul(data):
    text = decode_text(data)
    assert "\r" not in text and "\x00" not in text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=300))
def test_normalise_is_idempotent_and_line_breaks_are_only_newlines(text):
    once = normalise(text)
    assert normalise(once) == once
    assert not any(ch in once for ch in "\r\x00\x0b\u2028\u2029\x85")


def test_unicode_spaces_are_spaces_and_zero_width_ones_go():
    assert normalise("fewer\u00a0than\u20095 men\u202fin\u200b 2023\ufeff") == "fewer than 5 men in 2023"

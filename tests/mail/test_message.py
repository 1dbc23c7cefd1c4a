"""Message building: headers that names, subjects and addresses cannot inject into."""

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest

from schoolgql.mail.message import InvalidMailHeader, build_message, make_address

SENDER = make_address("Riverside School", "office@school.test")


def _build(name: str, address: str, subject: str = "Welcome") -> EmailMessage:
    return build_message(
        sender=SENDER,
        recipient=make_address(name, address),
        subject=subject,
        text="Hello\n",
        html="<p>Hello</p>\n",
        message_id_domain="school.test",
    )


def _parse(message: EmailMessage) -> EmailMessage:
    parsed = message_from_bytes(message.as_bytes(), policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@pytest.mark.parametrize(
    "name",
    [
        "Ann\r\nBcc: someone@example.test",
        "Ann\nBcc: someone@example.test",
        "Ann\rBcc: someone@example.test",
        "Ann\x00",
        "Ann\u2028Bcc: someone@example.test",
    ],
    ids=["crlf", "lf", "cr", "nul", "line-separator"],
)
def test_name_with_line_break_rejected(name: str) -> None:
    with pytest.raises(InvalidMailHeader, match="display name contains a line break"):
        make_address(name, "ann@example.test")


@pytest.mark.parametrize(
    "address",
    [
        "ann@example.test\r\nBcc: someone@example.test",
        "ann@example.test\nBcc: someone@example.test",
        "ann@example.test, someone@example.test",
        "Ann <ann@example.test>",
        "ann",
    ],
    ids=["crlf", "lf", "two-addresses", "display-form", "no-domain"],
)
def test_invalid_address_rejected(address: str) -> None:
    with pytest.raises(InvalidMailHeader, match="The email address is invalid"):
        make_address("Ann", address)


def test_subject_with_line_break_rejected() -> None:
    with pytest.raises(InvalidMailHeader, match="subject contains a line break"):
        _build("Ann", "ann@example.test", subject="Hi\r\nBcc: someone@example.test")


@pytest.mark.parametrize(
    "name",
    [
        "Ann=?UTF-8?Q?=0A?=",
        "Ann =?UTF-8?Q?=0D=0ABcc=3A_someone=40example=2Etest?=",
    ],
    ids=["newline", "bcc-header"],
)
def test_encoded_word_name_left_out(name: str) -> None:
    built = _build(name, "ann@example.test")
    message = _parse(built)

    assert b"=?UTF-8?Q?" not in built.as_bytes()
    assert str(message["To"]) == "ann@example.test"
    assert len(message["To"].addresses) == 1
    assert sorted(message.keys()) == [
        "Content-Type",
        "Date",
        "From",
        "MIME-Version",
        "Message-ID",
        "Subject",
        "To",
    ]


def test_message_has_text_and_html_parts() -> None:
    message = _parse(_build("Zoë Ng", "zoe@example.test"))

    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    assert text.get_content().replace("\r\n", "\n") == "Hello\n"
    assert html.get_content().replace("\r\n", "\n") == "<p>Hello</p>\n"
    assert str(message["To"]) == "Zoë Ng <zoe@example.test>"
    assert str(message["From"]) == "Riverside School <office@school.test>"


def test_non_ascii_name_encoded_in_raw_header() -> None:
    raw = _build("Zoë Ng", "zoe@example.test").as_bytes()

    assert raw.isascii()
    assert b"\r\nTo: =?utf-8?q?Zo=C3=AB?= Ng <zoe@example.test>\r\n" in raw


def test_address_normalized() -> None:
    address = make_address("Ann", "Ann@Example.TEST")

    assert address.addr_spec == "Ann@example.test"

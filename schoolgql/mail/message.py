"""Building MIME messages that no name, subject or address can add headers to."""

import unicodedata
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

from email_validator import EmailNotValidError, validate_email

# Names and subjects end up in headers, so any of these would let a value
# start a header of its own.
_FORBIDDEN_CATEGORIES = {"Cc", "Zl", "Zp"}
# RFC 2047 encoded words start with this. Mail clients, Python's parser
# among them, decode such text even inside a word, so it could turn into a
# line break. The email package cannot keep it encoded either, because it
# decodes a display name before folding it, so such a name is left out.
_ENCODED_WORD_START = "=?"
MAX_HEADER_TEXT_LENGTH = 200


class InvalidMailHeader(ValueError):
    """A name, subject or address that cannot be put into a header safely."""


def check_header_text(value: str, *, what: str) -> str:
    """Return `value` if it is one line without control characters."""
    if len(value) > MAX_HEADER_TEXT_LENGTH:
        raise InvalidMailHeader(
            f"The {what} is {len(value)} characters long; the maximum is "
            f"{MAX_HEADER_TEXT_LENGTH}."
        )
    if any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in value):
        raise InvalidMailHeader(
            f"The {what} contains a line break or another control character."
        )
    return value


def check_address(address: str) -> str:
    """Return the normalized form of `address`, or raise InvalidMailHeader.

    Deliverability is not checked, because that needs DNS. The reserved
    `.test` domain is accepted so test and demo accounts can receive mail.
    """
    try:
        valid = validate_email(
            address, check_deliverability=False, test_environment=True
        )
    except EmailNotValidError as error:
        raise InvalidMailHeader(f"The email address is invalid: {error}") from None
    return valid.normalized


def make_address(name: str, address: str) -> Address:
    name = check_header_text(name, what="display name")
    if _ENCODED_WORD_START in name:
        name = ""
    local_part, domain = check_address(address).rsplit("@", 1)
    return Address(display_name=name, username=local_part, domain=domain)


def build_message(
    *,
    sender: Address,
    recipient: Address,
    subject: str,
    text: str,
    html: str,
    message_id_domain: str,
) -> EmailMessage:
    """Build a multipart/alternative message with a text and an HTML part."""
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = check_header_text(subject, what="subject")
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=message_id_domain)
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message

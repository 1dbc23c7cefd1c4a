"""Mail templates: a subject, a plain text part and an HTML part per kind."""

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from schoolgql.mail.kinds import MailKind

SUBJECTS = {
    MailKind.WELCOME: "Welcome to {school_name}",
    MailKind.INVITATION: "Your teacher account at {school_name}",
    MailKind.PASSWORD_RESET: "Reset your {school_name} password",
    MailKind.PASSWORD_CHANGED: "Your {school_name} password was changed",
}

# Only the HTML templates are escaped; the text part is sent as written.
_environment = Environment(
    loader=PackageLoader("schoolgql.mail", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",)),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass(frozen=True, slots=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render(kind: MailKind, **values: Any) -> RenderedMail:
    """Render the subject and both parts of a mail of `kind`."""
    subject = SUBJECTS[kind].format(school_name=values["school_name"])
    values = {"subject": subject, **values}
    text = _environment.get_template(f"{kind.value}.txt").render(values)
    html = _environment.get_template(f"{kind.value}.html").render(values)
    return RenderedMail(subject=subject, text=text, html=html)

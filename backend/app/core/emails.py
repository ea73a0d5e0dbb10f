"""The shop's one rule for e-mail addresses: an address it accepts is one its mailer sends to.

email-validator decides, with the same knobs for the API and the mailer (pydantic's EmailStr,
and with it fastapi-mail's recipients, call the library with its module defaults): the syntax,
and no special-use or reserved domain (.invalid, .localhost, .local, .onion, .arpa, .test). On
top of that the shop refuses RFC 2606's example names (.example, example.com/.net/.org), which
the library lets through although nobody receives mail there.

EMAIL_TEST_DOMAINS (unset: on outside production) lets .test and the example names through, for
the test suite, the seed and `make run`; the library's TEST_ENVIRONMENT default follows it, so
the mailer takes such an address too. .invalid, .localhost and the rest stay refused by both.
"""

import re

import email_validator
from email_validator import EmailNotValidError, EmailSyntaxError

from app.core.config import settings

# RFC 2606 section 2 and 3: names for documentation and examples, never a mailbox.
EXAMPLE_DOMAINS = ("example", "example.com", "example.net", "example.org")

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

# The library's default for every caller that passes no test_environment: pydantic's EmailStr
# and NameEmail, so fastapi-mail's MessageSchema.recipients (app.mail.sender).
email_validator.TEST_ENVIRONMENT = bool(settings.email_test_domains)


def _within(domain: str, names: tuple[str, ...] | list[str]) -> bool:
    return any(domain == name or domain.endswith(f".{name}") for name in names)


def validate(address: str) -> str:
    """The normalised address if the shop takes it (and so its mailer sends to it), else
    EmailNotValidError saying why not."""
    test_domains = bool(settings.email_test_domains)
    parts = email_validator.validate_email(
        address, check_deliverability=False, test_environment=test_domains
    )
    if not test_domains and _within(parts.ascii_domain, EXAMPLE_DOMAINS):
        raise EmailSyntaxError(
            "The part after the @-sign is a reserved example domain that cannot receive email."
        )
    return parts.normalized


def reserved_domain(domain: str) -> bool:
    """Whether `domain` is (under) a special-use or reserved name, whatever the setting."""
    return _within(domain.lower(), [*email_validator.SPECIAL_USE_DOMAIN_NAMES, *EXAMPLE_DOMAINS])


def plausible(address: str) -> str:
    """For lookups by address (password reset, resend verification): what `validate` takes,
    and also a well-formed address at a reserved domain, such as an anonymised account's
    deleted-N@deleted.invalid. Nobody can register one, and no mail goes to one."""
    try:
        return validate(address)
    except EmailNotValidError:
        local, at, domain = address.rpartition("@")
        domain = domain.lower()
        if not at or not reserved_domain(domain):
            raise
    # The local part by the library's rules (with a stand-in domain it takes), the domain as
    # dot-separated letter-digit-hyphen labels.
    local_part = email_validator.validate_email(
        f"{local}@mail.org", check_deliverability=False
    ).local_part
    if not all(_LABEL.match(label) for label in domain.split(".")):
        raise EmailSyntaxError("The part after the @-sign is not a valid domain name.")
    return f"{local_part}@{domain}"

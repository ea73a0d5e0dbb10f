"""Outgoing mail: fastapi-mail over SMTP, every message an HTML and a plain-text part."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import structlog
from babel.numbers import format_currency
from fastapi_mail import ConnectionConfig, FastMail, MessageSchema, MessageType
from fastapi_mail.schemas import MultipartSubtypeEnum
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import SecretStr, ValidationError

from app.core import emails  # noqa: F401  # the library's defaults the recipients are checked by
from app.core.config import settings
from app.core.mailtask import retried_later
from app.core.metrics import MAILS
from app.models.order import OrderStatus

log = structlog.get_logger(__name__)

TEMPLATE_DIR = Path(__file__).parent / "templates"

# Subject lines per template, formatted with the template context.
SUBJECTS = {
    "verify_email": "Confirm your e-mail address for {shop}",
    "password_reset": "Reset your {shop} password",
    "order_confirmation": "Your order {number} at {shop}",
    "order_admin_notification": "New order {number} from {customer}",
    "order_status": "Your order {number} {headline}",
    "order_link": "A new link to your order {number} at {shop}",
    "order_refund": "Refund for your order {number}",
    "password_changed": "Your {shop} password was changed",
}

# The shop's colours (the storefront's brand tokens in frontend/src/index.css).
BRAND = {"brand": "#6b3f24", "brand_soft": "#f1e2d3", "brand_contrast": "#fffaf3"}
# Mails are in English, and money in them reads as the English storefront shows it ("€8.50").
MAIL_LOCALE = "en"


def money(amount: Decimal | str, currency: str) -> str:
    """Money with its currency sign, formatted as the storefront's Intl formatter does."""
    return format_currency(Decimal(amount), currency, locale=MAIL_LOCALE)


def status_words(status: str) -> str:
    return OrderStatus(status).words


def line_name(product_name: str, variant_name: str = "") -> str:
    """An order line's product and its variant as bought: "Flat White — Large" ("Cheesecake"
    for a product's only variant)."""
    return f"{product_name} — {variant_name}" if variant_name else product_name


def options(modifiers: list[dict[str, Any]], currency: str) -> str:
    """An order line's modifiers as bought (the line's snapshot, never today's catalog):
    "Oat +€0.40 · Extra shot +€0.60"; one that cost nothing extra by its name alone."""
    words = []
    for modifier in modifiers:
        delta = Decimal(modifier["price_delta"])
        sign = "+" if delta > 0 else "-" if delta < 0 else ""
        words.append(
            f"{modifier['name']} {sign}{money(abs(delta), currency)}" if sign else modifier["name"]
        )
    return " · ".join(words)


# HTML is escaped, plain text is not (a name with "&" must stay "&" in the text part).
_templates = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
)
_templates.filters["money"] = money
_templates.filters["status_words"] = status_words
_templates.filters["options"] = options
_templates.globals["line_name"] = line_name


def render(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, html, text) of `template` with `context`."""
    context = {
        "shop": settings.project_name,
        "frontend_url": settings.frontend_url,
        **BRAND,
        **context,
    }
    subject = SUBJECTS[template].format(**context)
    html = _templates.get_template(f"{template}.html").render(context)
    text = _templates.get_template(f"{template}.txt").render(context)
    return subject, html, text


def mail_config() -> ConnectionConfig:
    return ConnectionConfig(
        MAIL_SERVER=settings.smtp_host or "127.0.0.1",
        MAIL_PORT=settings.smtp_port,
        MAIL_USERNAME=settings.smtp_user or "",
        MAIL_PASSWORD=settings.smtp_password or SecretStr(""),
        USE_CREDENTIALS=bool(settings.smtp_user),
        MAIL_STARTTLS=settings.smtp_tls,
        MAIL_SSL_TLS=False,
        VALIDATE_CERTS=settings.smtp_tls,
        MAIL_FROM=settings.mail_from,
        MAIL_FROM_NAME=settings.mail_from_name,
        TIMEOUT=20,
    )


class UndeliverableAddress(Exception):
    """The mailer refuses the recipient's address: a mail task fails on it once, unretried
    (app.core.mailtask retries only errors of the mail server). The shop's own rule
    (app.core.emails) keeps such an address from being taken; one stored before it was, can
    end here."""


async def send_templated(to: str, template: str, context: dict[str, Any]) -> None:
    """Send `template` (HTML with a plain-text alternative) to `to`."""
    subject, html, text = render(template, context)
    try:
        # Validated from plain values, as the library means: `to` becomes its NameEmail.
        message = MessageSchema.model_validate(
            {
                "subject": subject,
                "recipients": [to],
                "body": html,
                "alternative_body": text,
                "subtype": MessageType.html,
                "multipart_subtype": MultipartSubtypeEnum.alternative,
            }
        )
    except ValidationError as error:
        MAILS.labels(template, "dead").inc()
        reasons = "; ".join(e["msg"] for e in error.errors() if e["loc"][:1] == ("recipients",))
        log.warning("mail_dead", template=template, error="UndeliverableAddress")
        # The reason, not the address: the task's failure goes to Sentry and the dashboard.
        raise UndeliverableAddress(reasons or str(error)) from None
    try:
        await FastMail(mail_config()).send_message(message)
    except Exception as error:
        if retried_later(error):
            MAILS.labels(template, "failed").inc()
        else:
            MAILS.labels(template, "dead").inc()
            # The task's own failure goes to Sentry; this line names the template in the log.
            log.warning("mail_dead", template=template, error=type(error).__name__)
        raise
    MAILS.labels(template, "sent").inc()

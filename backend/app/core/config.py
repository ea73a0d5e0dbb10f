"""Typed settings: the only place that reads the environment."""

import os
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BeforeValidator,
    EmailStr,
    Field,
    RedisDsn,
    SecretStr,
    TypeAdapter,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

BACKEND_DIR = Path(__file__).resolve().parents[2]


def _checked_as(url_type: Any) -> Callable[[str], str]:
    """Refuse a value that is no `url_type` at start, yet keep it as written (pydantic's URL
    types would add a trailing slash or default parts to what every caller uses as text)."""
    adapter: TypeAdapter[Any] = TypeAdapter(url_type)

    def check(value: str) -> str:
        adapter.validate_python(value)
        return value

    return check


def _asyncpg_url(value: str) -> str:
    """A SQLAlchemy URL for asyncpg; the host may be a unix socket folder (`?host=/path`)."""
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise ValueError(f"not a database URL: {exc}") from None
    if url.drivername != "postgresql+asyncpg" or not url.database:
        raise ValueError("must be postgresql+asyncpg://user[:password]@host[:port]/database")
    return value


DatabaseUrl = Annotated[str, AfterValidator(_asyncpg_url)]
RedisUrl = Annotated[str, AfterValidator(_checked_as(RedisDsn))]
HttpUrl = Annotated[str, AfterValidator(_checked_as(AnyHttpUrl))]


def _env_file() -> Path | None:
    """The repository's .env (`make run`, `make seed`, the worker it starts, the CLIs); values
    in the environment win over it. SHOP_ENV_FILE names another file, or none when empty (the
    tests). In the image the path does not exist: there the environment is all."""
    named = os.environ.get("SHOP_ENV_FILE")
    if named is None:
        return BACKEND_DIR.parent / ".env"
    return Path(named) if named else None


def _filled(value: SecretStr | str | None) -> bool:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return bool(value and value.strip())


# Defaults that are fine on a laptop and refused in production.
DEFAULT_SECRET_KEY = "dev-secret-key-change-me-0123456789abcdef"  # noqa: S105
DEFAULT_WEBHOOK_SECRET = "dev-webhook-secret-change-me"  # noqa: S105
DEFAULT_ADMIN_PASSWORD = "admin-password-change-me"  # noqa: S105


DEFAULT_PICKUP_TERMS = (
    "Order online and pick up at the store you choose: ready within 30 minutes during "
    "opening hours, kept for 3 days."
)
DEFAULT_PICKUP_TERMS_RU = (
    "Закажите на сайте и заберите заказ в выбранном магазине: он будет готов в течение "
    "30 минут в часы работы и ждёт вас 3 дня."
)


class Settings(BaseSettings):
    # extra="ignore": the .env also holds the compose stack's own variables (POSTGRES_PASSWORD…).
    model_config = SettingsConfigDict(env_file=_env_file(), extra="ignore", case_sensitive=False)

    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"
    port: int = 8000
    # API processes of `make run` and of the image (uvicorn --workers): one per CPU core.
    web_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    project_name: str = "The Shop"

    database_url: DatabaseUrl = "postgresql+asyncpg://postgres@127.0.0.1:5432/shop"
    redis_url: RedisUrl = "redis://127.0.0.1:6379/0"
    db_pool_size: int = 20
    db_max_overflow: int = 10
    # How long a request may wait on a dependency before it answers 503: a free pooled
    # connection, a new connection, the ping of a pooled one, one statement, one Redis call.
    # PostgreSQL hung: ping + connect (3 s); pool exhausted: pool + connect (5 s).
    db_pool_timeout: float = Field(default=3.0, gt=0)
    db_connect_timeout: float = Field(default=2.0, gt=0)
    db_ping_timeout: float = Field(default=1.0, gt=0)
    db_command_timeout: float = Field(default=15.0, gt=0)
    # A hot read (catalog pages, product pages) skips the ping and waits at most this long on
    # its statements before it retries once on another connection.
    db_read_timeout: float = Field(default=3.0, gt=0)
    # Guests' catalog reads answered from each API process's memory until the catalog
    # changes (app.core.read_cache); off: every read reaches the database.
    read_cache: bool = True
    redis_timeout: float = Field(default=2.0, gt=0)

    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    webhook_secret: SecretStr = SecretStr(DEFAULT_WEBHOOK_SECRET)
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    verify_token_hours: int = 48
    reset_token_minutes: int = 60
    unverified_user_ttl_hours: int = 48
    # Failed logins per account and per client IP within a window; one more answers 429.
    login_max_failures: int = Field(default=5, ge=1)
    login_max_failures_per_ip: int = Field(default=20, ge=1)
    login_window_seconds: int = Field(default=60, ge=1)
    # Requests that send a mail (register, resend-verification, password-reset), each route
    # counted on its own, per client IP and per target address within a window.
    auth_mail_max_per_ip: int = Field(default=10, ge=1)
    auth_mail_max_per_address: int = Field(default=3, ge=1)
    auth_mail_window_seconds: int = Field(default=900, ge=1)
    max_body_bytes: int = 1024 * 1024
    # argon2id cost. The defaults are argon2-cffi's (RFC 9106 low-memory: t=3, 64 MiB, p=4);
    # hashes made with other parameters are upgraded at the next login.
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_memory_kib: int = Field(default=65536, ge=64)
    password_hash_parallelism: int = Field(default=4, ge=1)
    # Hashes one API process computes at once (its own threads, default one per CPU core),
    # how many more may wait, and for how long; past that a login answers 503.
    password_hash_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    password_hash_queue: int = Field(default=8, ge=0)
    password_hash_max_wait_seconds: float = Field(default=2.0, gt=0)

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: bool = False
    mail_from: EmailStr = "shop@example.com"
    mail_from_name: str = "The Shop"
    # Addresses at .test and the RFC 2606 example names (.example, example.com/.net/.org) are
    # taken at sign-up and mailed to (app.core.emails). Unset: on outside production, off in
    # production; .invalid, .localhost, .local and the like are refused either way.
    email_test_domains: bool | None = None

    frontend_url: HttpUrl = "http://127.0.0.1:8000"
    cors_origins: list[HttpUrl] = Field(default_factory=list)
    admin_email: EmailStr = "admin@example.com"
    admin_password: SecretStr = SecretStr(DEFAULT_ADMIN_PASSWORD)
    currency: str = "EUR"
    # The admin dashboard lists a product as low on stock at a store from this many units down.
    admin_low_stock_threshold: int = Field(default=5, ge=0)
    shop_email: str = "hello@example.com"
    shop_phone: str = "+49 30 0000000"
    # The catalog's languages, the default first: its texts are the catalog's own columns
    # (and the fallback of a missing translation), the others' are translations (migration
    # 0009's CHECK lists them: another language needs a migration too).
    shop_languages: Annotated[str, Field(pattern=r"^\s*[a-z]{2}\s*(,\s*[a-z]{2}\s*)*$")] = "en,ru"
    # Checkout is pickup only: delivery terms are shown (GET /info, the About page) only when
    # the shop arranges delivery itself and says how here; empty promises nothing.
    delivery_terms: str = ""
    pickup_terms: str = DEFAULT_PICKUP_TERMS
    # The terms in Russian (GET /info?lang=ru). Unset: the Russian of the default pickup terms
    # while PICKUP_TERMS is the default, else PICKUP_TERMS / DELIVERY_TERMS as written.
    pickup_terms_ru: str | None = None
    delivery_terms_ru: str | None = None
    # /metrics answers these addresses (comma-separated IPs or networks) and callers sending
    # `Authorization: Bearer <METRICS_TOKEN>`; anyone else gets a 404.
    metrics_allow_ips: str = "127.0.0.1,::1"
    metrics_token: SecretStr | None = None
    # Proxies whose X-Forwarded-For/-Proto are believed (comma-separated IPs or networks, or
    # *); none by default, so a client cannot pick the address its logins are throttled by.
    forwarded_allow_ips: str = ""
    # Blank (compose passes SENTRY_DSN through as "") is unset.
    sentry_dsn: Annotated[HttpUrl | None, BeforeValidator(lambda value: value or None)] = None
    # The release events are tagged with; unset = the SDK's guess (SENTRY_RELEASE, git HEAD).
    sentry_release: str | None = None
    # Share of requests and tasks traced to Sentry's performance view (0 = none, 1 = all).
    sentry_traces_sample_rate: float = Field(default=0.0, ge=0, le=1)
    # The Celery worker's own /metrics (tasks, queue depth, mails, its database pool): off
    # unless a port is given. Under prefork it needs PROMETHEUS_MULTIPROC_DIR (a writable,
    # empty folder) so every child's counts add up. Same access rule as the API's /metrics.
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    worker_metrics_host: str = "127.0.0.1"
    # Mail tasks: attempts after the first, and the base of the exponential backoff (seconds).
    mail_retry_max: int = Field(default=8, ge=0)
    mail_retry_backoff_seconds: int = Field(default=2, ge=1)
    # How long a job taken by a worker may stay unacknowledged before Redis hands it to another
    # worker: the delay of a job whose worker died (kill -9, OOM, a lost host). 5 minutes: above
    # the longest a live worker holds one (app/worker.py says why); tests set it small.
    celery_visibility_timeout: int = Field(default=300, ge=1)

    data_dir: Path = BACKEND_DIR / ".data"
    # The built storefront (`vite build` output) that the API serves at / (app/web.py).
    spa_dir: Path = BACKEND_DIR.parent / "frontend" / "dist"
    media_dir: Path | None = None
    max_upload_bytes: int = 5 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    cart_max_quantity: int = 99
    # Adding funds: which payment provider sends customers to pay ("test": the shop's own
    # approve/decline page; "stripe", "yookassa": real ones, which need their keys below;
    # "none": adding funds is off). Unset: "test" outside production, "none" in production,
    # which refuses "test".
    payment_provider: Literal["test", "stripe", "yookassa", "none"] | None = None
    # Stripe: the secret API key (sk_live_… / sk_test_…) and the webhook endpoint's signing
    # secret (whsec_…). STRIPE_API_BASE points the SDK at another server (tests only).
    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    stripe_api_base: HttpUrl | None = None
    # YooKassa: the shop id and secret key of the shop (test shops have their own).
    # YOOKASSA_API_BASE points the SDK at another server (tests only).
    yookassa_shop_id: str | None = None
    yookassa_secret_key: SecretStr | None = None
    yookassa_api_base: HttpUrl | None = None
    # Seconds a call to the payment provider may take before the customer gets a 503.
    payment_provider_timeout: float = Field(default=20.0, gt=0)
    top_up_min_amount: Decimal = Field(default=Decimal("5.00"), gt=0, decimal_places=2)
    top_up_max_amount: Decimal = Field(default=Decimal("500.00"), gt=0, decimal_places=2)
    # A top-up not paid within this time expires (a periodic job marks it; nothing is credited).
    top_up_ttl_minutes: int = Field(default=30, ge=1)
    # A card order keeps its stock this long after checkout while the customer pays; unpaid by
    # then, a periodic job cancels it and the stock returns.
    payment_hold_minutes: int = Field(default=15, ge=1, le=1440)
    # Unfinished top-ups an account may have at once.
    top_up_max_pending: int = Field(default=5, ge=1)
    support_message_max_bytes: int = 4096
    # Support chat: messages a user may send per window (every socket of theirs together).
    support_rate_limit: int = Field(default=10, ge=1)
    support_rate_window_seconds: int = Field(default=10, ge=1)
    # Chat sockets one user may hold open on one API process (tabs, devices).
    support_max_sockets_per_user: int = Field(default=10, ge=1)
    # Seconds a new chat socket has to authenticate before it is closed with 1008.
    support_auth_timeout_seconds: float = Field(default=5.0, gt=0)

    @model_validator(mode="after")
    def _payment_provider_for_the_environment(self) -> "Settings":
        if self.payment_provider is None:
            self.payment_provider = "none" if self.environment == "production" else "test"
        if self.environment == "production" and self.payment_provider == "test":
            raise ValueError(
                "production refuses PAYMENT_PROVIDER=test: its page credits money for free"
            )
        required = {
            "stripe": ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"),
            "yookassa": ("YOOKASSA_SHOP_ID", "YOOKASSA_SECRET_KEY"),
        }.get(self.payment_provider, ())
        missing = [name for name in required if not _filled(getattr(self, name.lower()))]
        if missing:
            raise ValueError(f"PAYMENT_PROVIDER={self.payment_provider} needs {', '.join(missing)}")
        if self.top_up_min_amount > self.top_up_max_amount:
            raise ValueError("TOP_UP_MIN_AMOUNT must not exceed TOP_UP_MAX_AMOUNT")
        return self

    @model_validator(mode="after")
    def _email_test_domains_outside_production(self) -> "Settings":
        if self.email_test_domains is None:
            self.email_test_domains = self.environment != "production"
        return self

    @model_validator(mode="after")
    def _refuse_default_secrets_in_production(self) -> "Settings":
        if self.environment == "production":
            weak = [
                name
                for name, value, default in (
                    ("SECRET_KEY", self.secret_key, DEFAULT_SECRET_KEY),
                    ("WEBHOOK_SECRET", self.webhook_secret, DEFAULT_WEBHOOK_SECRET),
                    ("ADMIN_PASSWORD", self.admin_password, DEFAULT_ADMIN_PASSWORD),
                )
                if value.get_secret_value() == default
            ]
            if weak:
                raise ValueError(f"production refuses default secrets: {', '.join(weak)}")
            if len(self.secret_key.get_secret_value()) < 32:
                raise ValueError("SECRET_KEY must be at least 32 characters in production")
        return self

    @property
    def languages(self) -> tuple[str, ...]:
        """SHOP_LANGUAGES in order, the default first, each once."""
        codes = (code.strip() for code in self.shop_languages.split(","))
        return tuple(dict.fromkeys(code for code in codes if code))

    def terms(self, language: str) -> tuple[str, str]:
        """(pickup terms, delivery terms) in `language`; the default language's where the
        shop wrote none in it."""
        pickup, delivery = self.pickup_terms, self.delivery_terms
        if language == "ru":
            if self.pickup_terms_ru:
                pickup = self.pickup_terms_ru
            elif pickup == DEFAULT_PICKUP_TERMS:
                pickup = DEFAULT_PICKUP_TERMS_RU
            # No delivery promised in English: none in Russian either.
            if delivery and self.delivery_terms_ru:
                delivery = self.delivery_terms_ru
        return pickup, delivery

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def media_path(self) -> Path:
        return self.media_dir or self.data_dir / "media"

    @property
    def allowed_origins(self) -> list[str]:
        origins = {self.frontend_url.rstrip("/")}
        if self.is_development:
            origins |= {f"http://127.0.0.1:{self.port}", f"http://localhost:{self.port}"}
        origins.update(o.rstrip("/") for o in self.cors_origins)
        return sorted(origins)


@lru_cache
def get_settings() -> Settings:
    return Settings()


settings = get_settings()

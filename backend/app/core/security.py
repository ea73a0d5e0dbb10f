"""Password hashing (argon2id), access JWTs and opaque random tokens."""

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.core.config import settings

JWT_ALGORITHM = "HS256"
_hasher = PasswordHasher(
    time_cost=settings.password_hash_time_cost,
    memory_cost=settings.password_hash_memory_kib,
    parallelism=settings.password_hash_parallelism,
)
# A real hash to verify against when the user does not exist, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def create_access_token(user_id: int, session_id: str) -> tuple[str, int]:
    now = datetime.now(UTC)
    lifetime = timedelta(minutes=settings.access_token_minutes)
    claims = {
        "sub": str(user_id),
        "sid": session_id,
        "typ": "access",
        "iat": now,
        "exp": now + lifetime,
        "jti": uuid.uuid4().hex,
    }
    token = jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=JWT_ALGORITHM)
    return token, int(lifetime.total_seconds())


def decode_access_token(token: str) -> dict[str, Any] | None:
    """The claims of a valid access token, or None for anything else."""
    try:
        claims = jwt.decode(
            token,
            settings.secret_key.get_secret_value(),
            algorithms=[JWT_ALGORITHM],
            options={"require": ["exp", "iat", "sub", "sid", "jti", "typ"]},
        )
    except jwt.PyJWTError:
        return None
    if claims.get("typ") != "access" or not str(claims.get("sub", "")).isdigit():
        return None
    return claims


def new_token() -> str:
    """An opaque random token (256 bits), URL-safe."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored instead of a token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()

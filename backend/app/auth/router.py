import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Header, Request, Response, status

from app.auth import service
from app.auth.dependencies import CurrentUser, client_ip, current_session_id
from app.auth.errors import (
    AccountDisabled,
    BadOneTimeToken,
    CsrfFailed,
    EmailNotVerified,
    InvalidCredentials,
    InvalidToken,
    RefreshTokenReused,
)
from app.auth.schemas import (
    Accepted,
    EmailBody,
    LoginRequest,
    OtherSessionsEnded,
    PasswordResetConfirm,
    RefreshRequest,
    SessionRead,
    TokenBody,
    TokenForm,
    TokenPair,
    VerifiedEmail,
)
from app.core.config import settings
from app.core.db import SessionDep
from app.core.errors import NotFound, TooManyRequests, Unauthorized, problem_responses
from app.core.security import PasswordHashingBusy
from app.models import User
from app.users.errors import EmailTaken, UsernameTaken
from app.users.schemas import UserRead, UserRegister

router = APIRouter(prefix="/auth", tags=["auth"])

REFRESH_COOKIE = "refresh_token"
CSRF_COOKIE = "csrf_token"
SIGNUP_COOKIE = "signup_proof"
AUTH_PATH = "/api/v1/auth"


def _set_auth_cookies(response: Response, refresh_token: str) -> None:
    secure = settings.environment == "production"
    max_age = settings.refresh_token_days * 86400
    response.set_cookie(
        REFRESH_COOKIE,
        refresh_token,
        max_age=max_age,
        path=AUTH_PATH,
        httponly=True,
        secure=secure,
        samesite="strict",
    )
    # Double-submit CSRF token: readable by the SPA, echoed in X-CSRF-Token.
    response.set_cookie(
        CSRF_COOKIE,
        secrets.token_urlsafe(24),
        max_age=max_age,
        path="/",
        httponly=False,
        secure=secure,
        samesite="strict",
    )


def _clear_auth_cookies(response: Response) -> None:
    response.delete_cookie(REFRESH_COOKIE, path=AUTH_PATH)
    response.delete_cookie(CSRF_COOKIE, path="/")


def _pair(issued: service.IssuedTokens) -> TokenPair:
    return TokenPair(
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_in=issued.expires_in,
    )


@router.post(
    "/register",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(EmailTaken, UsernameTaken, TooManyRequests, PasswordHashingBusy),
)
async def register(
    data: UserRegister, request: Request, response: Response, session: SessionDep
) -> User:
    """Create an inactive customer account and e-mail a verification link. Limited per client
    IP and per address (429 with Retry-After). The browser that registers gets an HttpOnly
    cookie: opening the link there signs the customer in (see verify-email)."""
    user = await service.register(session, data, ip=client_ip(request))
    response.set_cookie(
        SIGNUP_COOKIE,
        await service.signup_proof(user),
        max_age=settings.verify_token_hours * 3600,
        path=AUTH_PATH,
        httponly=True,
        secure=settings.environment == "production",
        samesite="strict",
    )
    return user


@router.post(
    "/verify-email", response_model=VerifiedEmail, responses=problem_responses(BadOneTimeToken)
)
async def verify_email(
    data: TokenBody, request: Request, response: Response, session: SessionDep
) -> VerifiedEmail:
    """Activate the account behind a verification link's token (single use). Opened in the
    browser that registered (its signup cookie), the answer also signs the customer in: a
    `session` token pair and the refresh cookie, as login gives; elsewhere `session` is null."""
    user = await service.verify_email(session, data.token)
    verified = VerifiedEmail.model_validate(user)
    proof = request.cookies.get(SIGNUP_COOKIE)
    if proof:
        response.delete_cookie(SIGNUP_COOKIE, path=AUTH_PATH)
        issued = await service.session_for_signup(
            session,
            user,
            proof,
            ip=client_ip(request),
            device=request.headers.get("user-agent", ""),
        )
        if issued is not None:
            _set_auth_cookies(response, issued.refresh_token)
            verified.session = _pair(issued)
    return verified


@router.post(
    "/resend-verification",
    response_model=Accepted,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(TooManyRequests),
)
async def resend_verification(data: EmailBody, request: Request, session: SessionDep) -> Accepted:
    """Send the verification link again. Always 202, whether or not the address is known;
    limited per client IP and per address alike (429 with Retry-After)."""
    await service.resend_verification(session, data.email, ip=client_ip(request))
    return Accepted(detail="If the address belongs to an unverified account, a link is on its way.")


@router.post(
    "/login",
    response_model=TokenPair,
    responses=problem_responses(
        InvalidCredentials, EmailNotVerified, AccountDisabled, TooManyRequests, PasswordHashingBusy
    ),
)
async def login(
    data: LoginRequest, request: Request, response: Response, session: SessionDep
) -> TokenPair:
    """Log in with e-mail or username. Also sets the refresh token as an HttpOnly cookie.
    Failed attempts are limited per account and per client IP (429 with Retry-After); 503
    with Retry-After when the server has too many password checks at once."""
    issued = await service.login(
        session,
        data.login,
        data.password,
        ip=client_ip(request),
        device=request.headers.get("user-agent", ""),
    )
    _set_auth_cookies(response, issued.refresh_token)
    return _pair(issued)


@router.post(
    "/token",
    response_model=TokenPair,
    responses=problem_responses(
        InvalidCredentials, EmailNotVerified, AccountDisabled, TooManyRequests, PasswordHashingBusy
    ),
)
async def token(
    form: Annotated[TokenForm, Form()], request: Request, session: SessionDep
) -> TokenPair:
    """OAuth2 password form (username = e-mail or username), for Swagger's Authorize button."""
    issued = await service.login(
        session,
        form.username,
        form.password,
        ip=client_ip(request),
        device=request.headers.get("user-agent", ""),
    )
    return _pair(issued)


def _check_cookie_csrf(request: Request, csrf_header: str | None) -> None:
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not csrf_header or not secrets.compare_digest(cookie, csrf_header):
        raise CsrfFailed("Refreshing by cookie needs the X-CSRF-Token header.")
    origin = request.headers.get("origin")
    if origin and origin.rstrip("/") not in settings.allowed_origins:
        raise CsrfFailed("Cross-site request refused.")
    if request.headers.get("sec-fetch-site") not in (None, "same-origin", "same-site", "none"):
        raise CsrfFailed("Cross-site request refused.")


@router.post(
    "/refresh",
    response_model=TokenPair,
    responses=problem_responses(InvalidToken, RefreshTokenReused, CsrfFailed),
)
async def refresh(
    request: Request,
    response: Response,
    session: SessionDep,
    data: RefreshRequest | None = None,
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> TokenPair:
    """New token pair for a refresh token (body, or cookie with X-CSRF-Token).
    The old refresh token dies; presenting it again ends the whole session."""
    token = data.refresh_token if data else None
    if token is None:
        token = request.cookies.get(REFRESH_COOKIE)
        if token is None:
            raise Unauthorized("No refresh token given.")
        _check_cookie_csrf(request, x_csrf_token)
    issued = await service.refresh(session, token, ip=client_ip(request))
    _set_auth_cookies(response, issued.refresh_token)
    return _pair(issued)


@router.post(
    "/logout", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(Unauthorized)
)
async def logout(user: CurrentUser, request: Request, response: Response) -> None:
    """End this session; its access and refresh tokens stop working at once."""
    await service.logout(current_session_id(request))
    _clear_auth_cookies(response)


@router.get(
    "/sessions", response_model=list[SessionRead], responses=problem_responses(Unauthorized)
)
async def list_sessions(user: CurrentUser, request: Request) -> list[SessionRead]:
    """The caller's sessions, newest first; `current` marks this one."""
    current = current_session_id(request)
    return [
        SessionRead(
            id=s.id,
            device=s.device,
            ip=s.ip,
            created_at=s.created_at,
            last_seen_at=s.last_seen_at,
            current=s.id == current,
        )
        for s in await service.list_sessions(user)
    ]


@router.delete(
    "/sessions",
    response_model=OtherSessionsEnded,
    responses=problem_responses(Unauthorized),
)
async def end_other_sessions(user: CurrentUser, request: Request) -> OtherSessionsEnded:
    """Sign out everywhere else: every session of the caller but this one ends at once (their
    access and refresh tokens stop working, their chat sockets close); this one stays."""
    ended = await service.end_other_sessions(user, current_session_id(request))
    return OtherSessionsEnded(ended=ended)


@router.delete(
    "/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(Unauthorized, NotFound),
)
async def end_session(session_id: str, user: CurrentUser) -> None:
    """End one of the caller's sessions (another device, say)."""
    if len(session_id) > 64 or not await service.end_own_session(user, session_id):
        raise NotFound("No such session.")


@router.post(
    "/password-reset",
    response_model=Accepted,
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(TooManyRequests),
)
async def password_reset(data: EmailBody, request: Request, session: SessionDep) -> Accepted:
    """E-mail a single-use reset link. Always 202, whether or not the address is known;
    limited per client IP and per address alike (429 with Retry-After)."""
    await service.request_password_reset(session, data.email, ip=client_ip(request))
    return Accepted(detail="If the address belongs to an account, a reset link is on its way.")


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(BadOneTimeToken, PasswordHashingBusy),
)
async def password_reset_confirm(data: PasswordResetConfirm, session: SessionDep) -> None:
    """Set a new password with a reset token; every session of the account ends."""
    await service.confirm_password_reset(session, data.token, data.new_password)

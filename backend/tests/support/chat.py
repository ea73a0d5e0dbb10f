"""A real WebSocket client for the support chat, against a real uvicorn process."""

import asyncio
import json
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin, Subprotocol

from app.models import RoleName
from tests.factories import create_user, login

SHOP_ORIGIN = "http://shop.test"  # FRONTEND_URL of the test stack: an allowed origin
WAIT = 10.0  # upper bound for anything to arrive; tests never sleep


def ws_url(server: str) -> str:
    return server.replace("http://", "ws://", 1) + "/api/v1/support/ws"


class Chat:
    """One socket: send frames, read the next frame, or the next one of a type."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.seen: list[dict[str, Any]] = []

    async def send(self, **frame: Any) -> None:
        await self.ws.send(json.dumps(frame))

    async def recv(self) -> dict[str, Any]:
        frame = json.loads(await asyncio.wait_for(self.ws.recv(), WAIT))
        self.seen.append(frame)
        return frame

    async def expect(self, type_: str, **fields: Any) -> dict[str, Any]:
        """The next frame, which must be of `type_` (and carry `fields`)."""
        frame = await self.recv()
        assert frame["type"] == type_, frame
        for key, value in fields.items():
            assert frame.get(key) == value, frame
        return frame

    async def next_of(self, type_: str, **fields: Any) -> dict[str, Any]:
        """The next frame of `type_` (which must carry `fields`), passing over others (they
        stay in `seen`)."""
        while True:
            frame = await self.recv()
            if frame["type"] == type_:
                for key, value in fields.items():
                    assert frame.get(key) == value, frame
                return frame

    async def closed(self) -> tuple[int | None, str | None]:
        """Wait for the server to close: (code, reason); frames before it are kept."""
        try:
            while True:
                await self.recv()
        except ConnectionClosed:
            pass
        return self.ws.close_code, self.ws.close_reason

    async def ping(self) -> None:
        """A round trip: the socket is open and still answers."""
        await self.send(type="ping", ref="p")
        await self.next_of("pong")


@asynccontextmanager
async def raw_socket(
    server: str, *, origin: str | None = SHOP_ORIGIN, subprotocols: list[str] | None = None
):
    async with connect(
        ws_url(server),
        origin=Origin(origin) if origin else None,
        subprotocols=[Subprotocol(p) for p in subprotocols] if subprotocols else None,
        proxy=None,
        open_timeout=WAIT,
    ) as ws:
        yield Chat(ws)


@asynccontextmanager
async def chat(server: str, token: str, *, origin: str | None = SHOP_ORIGIN):
    """Authenticated by a first auth message; the auth_ok frame has been read."""
    async with raw_socket(server, origin=origin) as socket:
        await socket.send(type="auth", token=token)
        socket.hello = await socket.expect("auth_ok")
        yield socket


async def person(client, role: RoleName = RoleName.customer, **overrides):
    """A logged-in user: (user, access token)."""
    user = await create_user(role=role, **overrides)
    tokens = await login(client, user.username)
    return user, tokens["access_token"]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}

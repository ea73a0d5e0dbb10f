"""Uploaded media under /media, never sniffed into something executable."""

from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send


class MediaFiles(StaticFiles):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_nosniff(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-content-type-options", b"nosniff"),
                    (b"content-security-policy", b"default-src 'none'; sandbox"),
                ]
            await send(message)

        await super().__call__(scope, receive, send_nosniff)

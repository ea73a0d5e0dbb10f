"""The mail `make run` caught, readable in the browser (what Mailpit is for the compose stack).

A stdlib HTTP server on loopback over the folder the mail sink saves `.eml` files in: a list,
newest first, and each message with its HTML part in a sandboxed frame (no scripts, links open
in a new tab) and its text part. Development only: it is started by the dev server, never by
the app.
"""

import email
import email.policy
import html
import re
import threading
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MESSAGE_NAME = re.compile(r"^[0-9]{8}T[0-9]{12}\.eml$")
# The page's own markup needs nothing but inline styles; the mail's HTML lives in a sandboxed
# srcdoc frame that inherits this policy, so a mail can load no script and nothing remote but
# images over http(s).
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data: http: https:; "
    "frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem;
       color: #1c1917; }
h1 { font-size: 1.3rem; } a { color: #1d4ed8; } a:focus-visible { outline: 2px solid #1d4ed8; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #e7e5e4; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dt { color: #57534e; } dd { margin: 0; }
iframe { width: 100%; height: 32rem; border: 1px solid #d6d3d1; border-radius: .4rem; }
pre { white-space: pre-wrap; background: #f5f5f4; padding: 1rem; border-radius: .4rem; }
"""


def read_message(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _part(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_subtype() != subtype:
        return None
    content = part.get_content()
    return content if isinstance(content, str) else None


def _when(message: EmailMessage) -> str:
    try:
        return parsedate_to_datetime(message["Date"]).strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return ""


def _page(title: str, body: str, refresh: bool = False) -> bytes:
    meta = '<meta http-equiv="refresh" content="5">' if refresh else ""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">{meta}'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>"
    ).encode()


def index_page(folder: Path) -> bytes:
    paths = sorted(folder.glob("*.eml"), reverse=True) if folder.is_dir() else []
    rows = []
    for path in paths:
        if not MESSAGE_NAME.match(path.name):
            continue
        message = read_message(path)
        rows.append(
            f"<tr><td>{html.escape(_when(message))}</td>"
            f"<td>{html.escape(str(message['To'] or ''))}</td>"
            f'<td><a href="/messages/{path.name}">'
            f"{html.escape(str(message['Subject'] or '(no subject)'))}</a></td></tr>"
        )
    listing = (
        "<table><thead><tr><th>sent</th><th>to</th><th>subject</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>No mail yet. Register, reset a password or place an order, and it appears "
        "here.</p>"
    )
    return _page(
        "Mail sent by the shop",
        f"<h1>Mail sent by the shop</h1><p>{len(rows)} message(s), newest first; the page "
        f"refreshes every 5 seconds.</p>{listing}",
        refresh=True,
    )


def message_page(path: Path) -> bytes:
    message = read_message(path)
    subject = str(message["Subject"] or "(no subject)")
    headers = "".join(
        f"<dt>{name}</dt><dd>{html.escape(str(message[name] or ''))}</dd>"
        for name in ("From", "To", "Subject", "Date")
    )
    body = ""
    html_part = _part(message, "html")
    if html_part is not None:
        # No allow-scripts and no allow-same-origin: the mail runs nothing and reads nothing of
        # this page; its links open in a new, unsandboxed tab.
        framed = '<base target="_blank">' + html_part
        body += (
            '<h2>HTML</h2><iframe title="the message as HTML" '
            'sandbox="allow-popups allow-popups-to-escape-sandbox" '
            f'srcdoc="{html.escape(framed, quote=True)}"></iframe>'
        )
    text_part = _part(message, "plain")
    if text_part is not None:
        body += f"<h2>Text</h2><pre>{html.escape(text_part)}</pre>"
    return _page(
        subject,
        f'<p><a href="/">← all mail</a></p><h1>{html.escape(subject)}</h1><dl>{headers}</dl>{body}',
    )


class _Handler(BaseHTTPRequestHandler):
    folder: Path

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/":
            self._send(HTTPStatus.OK, index_page(self.folder))
            return
        name = path.removeprefix("/messages/")
        if path.startswith("/messages/") and MESSAGE_NAME.match(name):
            file = self.folder / name
            if file.is_file():
                self._send(HTTPStatus.OK, message_page(file))
                return
        self._send(HTTPStatus.NOT_FOUND, _page("Not found", "<p>No such message.</p>"))

    def _send(self, status: HTTPStatus, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the dev server's output is for the shop, not for every page view


class Mailbox:
    """Serves `folder` at http://127.0.0.1:<port>/ from a daemon thread until `stop()`."""

    def __init__(self, folder: Path, port: int) -> None:
        handler = type("Handler", (_Handler,), {"folder": folder})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

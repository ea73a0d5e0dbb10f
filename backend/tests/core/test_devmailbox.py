"""The dev server's mailbox page shows a mail as text, never as markup of the page itself."""

from email.message import EmailMessage
from pathlib import Path

import httpx

from dev.mailbox import Mailbox


def save(folder: Path, name: str, subject: str, text: str, html: str) -> None:
    message = EmailMessage()
    message["From"] = "The Shop <shop@example.com>"
    message["To"] = "reader@example.com"
    message["Subject"] = subject
    message["Date"] = "Tue, 01 Dec 2026 09:30:00 +0000"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(bytes(message))


def test_messages_are_listed_newest_first_and_escaped(tmp_path):
    folder = tmp_path / "mail"
    mailbox = Mailbox(folder, 0)
    try:
        with httpx.Client(base_url=mailbox.url) as http:
            empty = http.get("/")
            assert empty.status_code == 200 and "No mail yet" in empty.text
            save(folder, "20261201T093000000001.eml", "First", "one", "<p>one</p>")
            save(
                folder,
                "20261201T093100000002.eml",
                "<script>alert(1)</script> & co",
                "Open https://shop.example/verify-email?token=abc",
                '<p>Hi</p><script>alert(2)</script><a href="https://shop.example/x">go</a>',
            )
            index = http.get("/").text
            assert "<script>" not in index
            assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in index
            assert index.index("20261201T093100000002") < index.index("20261201T093000000001")
            page = http.get("/messages/20261201T093100000002.eml")
            assert page.status_code == 200
            # The HTML part only inside the sandboxed frame's srcdoc, escaped into the attribute.
            assert "<script>alert(2)" not in page.text
            assert 'srcdoc="&lt;base target=&quot;_blank&quot;&gt;&lt;p&gt;Hi' in page.text
            assert "verify-email?token=abc" in page.text
            assert page.headers["x-content-type-options"] == "nosniff"
            assert "default-src 'none'" in page.headers["content-security-policy"]
            for bad in ("/messages/nope.eml", "/messages/..%2Fsecret.eml", "/etc/passwd"):
                assert http.get(bad).status_code == 404
    finally:
        mailbox.stop()

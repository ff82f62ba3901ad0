"""`brewline chat`: talk to the running service as a participant, through the signed webhook."""
from __future__ import annotations

import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime

import click
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from brewline.cli.chat_voice import Phone, run
from brewline.delivery import outbox
from brewline.people.models import Contact
from brewline.people.phones import BadNumber, normalise
from brewline.platform.runtime import Runtime
from brewline.platform.settings import from_env
from flows.keywords import classify

WAIT_SECONDS = 60.0


def post_signed(base_url: str, path: str, form: dict, token: str, signed_base: str) -> bytes:
    """POST a form signed the way Twilio signs it; returns the response body."""
    signature = RequestValidator(token).compute_signature(signed_base + path, form)
    request = urllib.request.Request(
        base_url + path, data=urllib.parse.urlencode(form).encode(),
        headers={"X-Twilio-Signature": signature,
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=15) as response:
        return response.read()


def text_replies(twiml: bytes) -> list[str]:
    return [m.text or "" for m in ET.fromstring(twiml).iter("Message")]


@click.command("chat")
@click.option("--from", "sender", default="+447700900999", show_default=True,
              help="The made-up phone number you are texting from.")
@click.option("--url", default=None, help="Where Brewline is running (default: PUBLIC_BASE_URL).")
@click.option("--voice", is_flag=True, help="Ring instead: walk through a phone call.")
def chat(sender: str, url: str | None, voice: bool) -> None:
    """Text (or ring) the local service as a participant would. Ctrl-D or Ctrl-C ends."""
    settings = from_env()
    base = (url or settings.public_base_url).rstrip("/")
    if voice:
        _ring(base, settings, sender)
        return
    click.echo(f"Texting Brewline at {base} from {sender}. Type a message; Ctrl-D to end.\n"
               "Texts Brewline sends you later show up after each reply; /wait [SECONDS] "
               "waits for them.")
    later = LaterTexts(settings, sender)
    while True:
        try:
            body = input("you> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            later.close()
            return
        if body.strip().startswith("/wait"):
            later.wait(_seconds(body))
            continue
        turn(base, settings, sender, body, later)


def turn(base: str, settings, sender: str, body: str, later: LaterTexts) -> None:
    """Send one text and print what came back, everything in the order it was sent."""
    later.show()  # texts that came while this one was typed went first
    _send(base, settings, sender, body)
    later.show()


def _seconds(command: str) -> float:
    parts = command.split()
    try:
        return float(parts[1]) if len(parts) > 1 else WAIT_SECONDS
    except ValueError:
        return WAIT_SECONDS


class LaterTexts:
    """Outbound texts for one number (in local mode the outbox is where they "go"), shown
    once each, in the order they were sent."""

    def __init__(self, settings, sender: str):
        self.runtime, self.sender = Runtime(settings), sender
        self.since: datetime | None = None  # when the newest text shown was sent
        self.seen: set[int] = set()
        self._skip_old()

    def _texts(self) -> list:
        try:
            phone = normalise(self.sender, self.runtime.settings.default_region)
        except BadNumber:
            return []
        with self.runtime.store.transaction() as session:
            contact = session.scalars(select(Contact).where(Contact.phone == phone)).first()
            found = outbox.sent_since(session, contact.id, self.since) if contact else []
        return [text for text in found if text.id not in self.seen]

    def _mark(self, texts: list) -> None:
        for text in texts:
            self.seen.add(text.id)
            self.since = max(self.since or text.sent_at, text.sent_at)

    def _skip_old(self) -> None:
        try:
            self._mark(self._texts())
        except Exception:  # no database yet: everything is new
            pass

    def show(self) -> int:
        """Print texts sent since the last look, oldest first; returns how many."""
        try:
            texts = self._texts()
        except Exception as exc:
            click.echo(f"(could not read the outbox: {type(exc).__name__})", err=True)
            return 0
        for text in texts:
            click.echo(f"brewline (later)> {text.body}")
        self._mark(texts)
        return len(texts)

    def close(self) -> None:
        self.runtime.close()

    def wait(self, seconds: float) -> None:
        """Look every second for up to `seconds`, stopping at the first new texts."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.show():
                return
            time.sleep(1)
        click.echo("(nothing more yet)")


# Twilio answers these words itself on a live number (flows/keywords.py), so Brewline
# stays quiet; locally nothing would answer, so chat says what a person would get.
TWILIO_ANSWERS = {
    "opt_out": ("(Brewline sends no reply to this. On a live number Twilio itself answers, "
                "saying no more texts will come and that texting START undoes it.)"),
    "opt_in": ("(Brewline sends no reply to this. On a live number Twilio itself answers, "
               "saying texts will come again.)"),
}


def no_reply(body: str) -> str:
    """What chat prints when Brewline sends no reply to a text."""
    keyword = classify(body)
    if keyword and keyword.twilio_handles:
        return TWILIO_ANSWERS[keyword.intent]
    return "(no reply)"


def _send(base: str, settings, sender: str, body: str) -> None:
    form = {"From": sender, "To": settings.twilio_phone_number or "+447700900000",
            "Body": body, "MessageSid": "SM" + secrets.token_hex(16), "NumMedia": "0"}
    twiml = _post(base, settings, "/twilio/sms", form)
    if twiml is None:
        return
    replies = text_replies(twiml)
    for reply in replies:
        click.echo(f"brewline> {reply}")
    if not replies:
        click.echo(no_reply(body))


def _post(base: str, settings, path: str, form: dict) -> bytes | None:
    """A signed POST; None, with a line saying what to do, when it did not work."""
    try:
        return post_signed(base, path, form, settings.webhook_token, settings.public_base_url)
    except urllib.error.HTTPError as exc:
        click.echo(f"(Brewline answered {exc.code}: {exc.read().decode().strip()})", err=True)
        if exc.code == 403:
            # The server checks signatures against its own PUBLIC_BASE_URL (or PORT).
            click.echo(f"chat signs for {settings.public_base_url}: give it the same "
                       "PUBLIC_BASE_URL or PORT as the running Brewline.", err=True)
    except (urllib.error.URLError, OSError) as exc:
        click.echo(f"Could not reach Brewline at {base} ({exc}). Is `make run` going?", err=True)
    return None


def _ring(base: str, settings, sender: str) -> None:
    def post(path: str, form: dict) -> bytes | None:
        return _post(base, settings, path, form)

    run(Phone(post=post, caller=sender, our_number=settings.twilio_phone_number or "+447700900000",
              account_sid=settings.twilio_account_sid or "AC" + "0" * 32,
              echo=click.echo, listen=input))

"""`brewline vouchers load|grant|report|list|attended`: the organiser's voucher commands."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from brewline.cli.common import now as _now
from brewline.cli.common import runtime as _runtime
from brewline.events import attendance
from brewline.people import contacts
from brewline.people.models import Contact
from brewline.people.phones import BadNumber, dialable, mask
from brewline.vouchers import claims, ledger, loading, rules
from brewline.vouchers.by_text import offer_for_event
from brewline.vouchers.claims import Issued
from brewline.vouchers.models import VoucherClaim, VoucherCode, VoucherPool
from brewline.vouchers.rules import VoucherError

COLUMNS = ("loaded", "issued", "waiting", "declined", "remaining", "expired")


@click.group("vouchers")
def vouchers() -> None:
    """Thank-you vouchers: load codes, grant, report, list."""


@vouchers.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--pool", "pool_name", required=True, help="The pool's name, e.g. tesco-10.")
@click.option("--value", help='What a code is worth, e.g. "£10 gift card" (needed for a new pool).')
@click.option("--flow", help="Completing this flow earns a voucher.")
@click.option("--event", type=int,
              help="Being marked as attended at this event (its id) earns a voucher.")
@click.option("--how-to-use", help="One sentence on how to spend it (sent with the code).")
@click.option("--low-stock", type=click.IntRange(min=0), help="Warn when this few codes are left.")
@with_appcontext
def load(file: Path, pool_name: str, value, flow, event, how_to_use, low_stock) -> None:
    """Load codes from FILE.csv (header: code, and optionally pin, expires)."""
    runtime = _runtime()
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException("the file is not UTF-8 text: save it as CSV UTF-8") from None
    try:
        with runtime.store.transaction() as session:
            report = loading.load(runtime, session, text, pool_name, _now(), value=value,
                                   flow=flow, event=event, how_to_use=how_to_use,
                                   low_stock=low_stock)
    except VoucherError as exc:
        raise click.ClickException(str(exc)) from None
    for line in report.lines():
        click.echo(line)


@vouchers.command("grant")
@click.option("--pool", "pool_name", required=True)
@click.argument("phones", nargs=-1, required=True)
@with_appcontext
def grant(pool_name: str, phones: tuple[str, ...]) -> None:
    """Give a voucher from POOL to each PHONE (texted at a civil hour when they can get texts)."""
    runtime = _runtime()
    with runtime.store.transaction() as session:
        pool = _pool(session, pool_name)
        for raw in phones:
            click.echo(_grant_one(runtime, session, pool, raw))


def _grant_one(runtime, session, pool: VoucherPool, raw: str) -> str:
    try:
        phone = dialable(raw, runtime.settings.default_region)
    except BadNumber as exc:
        return f"{raw}: skipped, {exc}"
    contact = contacts.find_or_create(session, phone, source="organiser")
    if contact.opted_out_at:
        return f"{mask(phone)}: skipped, they have opted out of texts"
    result = claims.grant(runtime, session, pool, contact, _now())
    if not isinstance(result, Issued):
        return f"{mask(phone)}: no codes left, number {result.place} on the waiting list"
    how = "texted" if rules.can_text(contact) else "cannot get texts: read out when they call"
    return f"{mask(phone)}: {'already had' if result.again else 'given'} a code ({how})"


@vouchers.command("report")
@with_appcontext
def report() -> None:
    """Per pool: loaded, issued, waiting, declined, remaining, expired."""
    runtime = _runtime()
    with runtime.store.transaction() as session:
        figures = ledger.report(runtime, session, _now())
    if not figures:
        click.echo("no voucher pools yet: load some codes with `brewline vouchers load`")
        return
    click.echo(f"{'pool':<20} {'earned by':<28} " + " ".join(f"{c:>9}" for c in COLUMNS))
    for f in figures:
        row = " ".join(f"{getattr(f, c):>9}" for c in COLUMNS)
        click.echo(f"{f.pool:<20} {f.earned_by:<28} {row}" + ("  LOW" if f.low else ""))


@vouchers.command("list")
@click.option("--pool", "pool_name", help="Only this pool.")
@with_appcontext
def list_claims(pool_name: str | None) -> None:
    """Who has a voucher, who is waiting, who said no thanks (codes masked)."""
    runtime = _runtime()
    with runtime.store.transaction() as session:
        query = (select(VoucherClaim, VoucherPool, Contact, VoucherCode)
                 .join(VoucherPool, VoucherClaim.pool_id == VoucherPool.id)
                 .join(Contact, VoucherClaim.contact_id == Contact.id)
                 .outerjoin(VoucherCode, VoucherClaim.code_id == VoucherCode.id)
                 .order_by(VoucherClaim.id))
        if pool_name:
            query = query.where(VoucherPool.id == _pool(session, pool_name).id)
        for claim, pool, contact, code in session.execute(query):
            when = claim.issued_at or claim.declined_at or claim.requested_at
            shown = rules.mask_code(code.code) if code else "-"
            click.echo(f"{contact.pid}  {pool.name:<16} {claim.status:<9} {shown:<16} "
                       f"{claim.channel:<9} {when:%Y-%m-%d %H:%M}")


@vouchers.command("attended")
@click.argument("event", type=int)
@click.argument("phones", nargs=-1, required=True)
@with_appcontext
def attended(event: int, phones: tuple[str, ...]) -> None:
    """Mark each PHONE as having come to EVENT, which earns that event's vouchers."""
    runtime = _runtime()
    with runtime.store.transaction() as session:
        _known_event(session, event)
        for raw in phones:
            try:
                phone = dialable(raw, runtime.settings.default_region)
            except BadNumber as exc:
                click.echo(f"{raw}: skipped, {exc}")
                continue
            contact = contacts.find_or_create(session, phone, source="event")
            new = attendance.record(session, event, contact, _now())
            texted = new and offer_for_event(runtime, session, contact, event, _now())
            click.echo(f"{mask(phone)}: {'marked as attended' if new else 'already marked'}"
                       + (", voucher offered by text" if texted else ""))


def _known_event(session, event: int) -> None:
    try:
        rules.check_event(session, event)
    except VoucherError as exc:
        raise click.ClickException(str(exc)) from None


def _pool(session, name: str) -> VoucherPool:
    try:
        return rules.get_pool(session, name)
    except VoucherError as exc:
        raise click.ClickException(str(exc)) from None

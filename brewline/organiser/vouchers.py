"""The Vouchers page: load codes into a pool, the ledger, the waiting list, low stock.
Uses the same functions as `brewline vouchers load|report|list`."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import g, render_template, request
from sqlalchemy import select

from brewline.organiser import audit
from brewline.organiser.guard import organiser_blueprint, runtime
from brewline.organiser.uploads import UploadError, accepts_uploads, csv_text
from brewline.people.models import Contact
from brewline.vouchers import ledger, loading, rules
from brewline.vouchers.models import VoucherClaim, VoucherCode, VoucherPool

bp = organiser_blueprint("vouchers")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def claims(db) -> list[dict]:
    """Who has a voucher, who is waiting (in order), who said no thanks; codes masked."""
    rows = db.execute(select(VoucherClaim, VoucherPool, Contact, VoucherCode)
                      .join(VoucherPool, VoucherClaim.pool_id == VoucherPool.id)
                      .join(Contact, VoucherClaim.contact_id == Contact.id)
                      .outerjoin(VoucherCode, VoucherClaim.code_id == VoucherCode.id)
                      .order_by(VoucherPool.name, VoucherClaim.queue_no, VoucherClaim.id))
    return [{"pid": contact.pid, "pool": pool.name, "status": claim.status,
             "code": rules.mask_code(code.code) if code else "", "channel": claim.channel,
             "queue_no": claim.queue_no,
             "when": claim.issued_at or claim.declined_at or claim.requested_at}
            for claim, pool, contact, code in rows]


def _page(report: list[str] | None = None, error: str | None = None, status: int = 200):
    rt = runtime()
    with rt.store.transaction() as db:
        figures = ledger.report(rt, db, _now())
        given = claims(db)
    waiting = [c for c in given if c["status"] == "waiting"]
    return render_template("vouchers.html", figures=figures, ledger=given, waiting=waiting,
                           flows=rt.flows.ids(), report=report, error=error), status


@bp.get("/vouchers")
def vouchers_page():
    return _page()


def _optional(name: str) -> str | None:
    return (request.form.get(name) or "").strip() or None


@bp.post("/vouchers/load")
@accepts_uploads
def load():
    """The same load as `brewline vouchers load FILE --pool ...`."""
    rt, form = runtime(), request.form
    low = _optional("low_stock")
    try:
        name, text = csv_text("file")
        with rt.store.transaction() as db:
            done = loading.load(rt, db, text, (form.get("pool") or "").strip(), _now(),
                                 value=_optional("value"), flow=_optional("flow"),
                                 event=_optional("event"), how_to_use=_optional("how_to_use"),
                                 low_stock=int(low) if low and low.isdigit() else None)
            audit.record(db, g.user_id, "load voucher codes", pool=done.pool,
                         loaded=done.loaded, file=name[:100])
    except (UploadError, ValueError) as exc:
        return _page(error=str(exc) or "The codes were not loaded.", status=400)
    return _page(report=done.lines())


def stock(db) -> dict:
    """For the overview: voucher stock per pool."""
    return {"figures": ledger.report(runtime(), db, _now())}

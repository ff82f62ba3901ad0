"""Every organiser page, with real data in it, at desktop size, on a 360 px phone and at 200%
zoom: nothing scrolls sideways (the page or a table), no word is broken across lines, and
axe finds no serious or critical accessibility problem."""
from __future__ import annotations

from datetime import timedelta

import pytest

from brewline.events.models import ScheduledInvites
from brewline.people.models import Contact, Tag
from brewline.platform.database import utcnow
from brewline.vouchers import claims, loading
from brewline.vouchers.models import VoucherPool
from tests.browser.conftest import no_serious_axe_violations, sign_in
from tests.browser.live_fixtures import live_session
from tests.organiser.went_wrong import event, fail, invite_everyone, person

# (width, height, device pixels per CSS pixel): 200% zoom of a 1280 x 900 window is a
# 640 x 450 window of CSS pixels, each drawn with twice the device pixels.
SIZES = {"desktop": (1280, 900, 1), "phone 360 px": (360, 740, 2),
         "200% zoom": (640, 450, 2)}

# A word split across two lines ("Eras" / "e"): each word of each text node is measured,
# and one whose boxes sit on more than one line is broken. Breaks at hyphens and slashes
# are fine; tokens longer than a narrow column may wrap (a long code, a URL).
BROKEN_WORDS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector('main') || document.body,
                                           NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('.visually-hidden, script, style, [hidden]')) continue;
    if (!parent.getClientRects().length) continue;
    for (const m of node.data.matchAll(/[^\\s\\-\\/]+/g)) {
      if (m[0].length > 20) continue;
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                           .map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  return broken;
}"""

SIDEWAYS = """() => {
  const too_wide = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth)
    too_wide.push('the page, by ' + (doc.scrollWidth - doc.clientWidth) + 'px');
  for (const wrap of document.querySelectorAll('.table-wrap'))
    if (wrap.scrollWidth > wrap.clientWidth + 1)
      too_wide.push('table ' + wrap.getAttribute('aria-labelledby') + ', by '
                    + (wrap.scrollWidth - wrap.clientWidth) + 'px');
  return too_wide;
}"""


@pytest.fixture
def everything(live, fake_twilio) -> dict[str, str]:
    """Something on every page: answers, tagged contacts, an event whose invites went (one
    failed, one still being tried), an event whose invite has errors, a scheduled send that did not go, vouchers."""
    rt = live.runtime
    ann, bo = person(rt, "+447700900201"), person(rt, "+447700900202")
    with rt.store.transaction() as db:
        db.add(Tag(contact_id=ann, name="north-tyneside", created_at=utcnow()))
    sent = event(rt, "Over a Brew: buses and trains in North Tyneside")
    rows = invite_everyone(rt, sent)
    fail(rt, fake_twilio, rows[ann], 400, 21614)
    assert fail(rt, fake_twilio, rows[bo], 503, 20500) == ["retry"]  # Needs a look: still trying
    broken = event(rt, "Tea \u2615 and talk about the engagement framework")
    with rt.store.transaction() as db:
        db.add(ScheduledInvites(event_id=broken, send_at=utcnow() - timedelta(hours=1),
                                status="failed", done_at=utcnow(),
                                problem="The invite needs changing first."))
        loading.load(rt, db, "code\nTESCO-AAAA-1111\nTESCO-BBBB-2222\n", "tesco-10", utcnow(),
                     value="\u00a310 Tesco gift card")
        pool = db.query(VoucherPool).one()
        claims.grant(rt, db, pool, db.get(Contact, bo), utcnow())
    on_now, _callers = live_session(rt, [("+447700900203", "Margaret Robson", True),
                                         ("+447700900204", None, True),
                                         ("+447700900205", None, False)])
    _themes(rt)
    return {"sent": f"/invites/{sent}", "broken": f"/invites/{broken}",
            "edit": f"/invites/{broken}/edit", "erase": f"/contacts/{ann}/erase",
            "live": f"/events/{on_now}/live"}


def _themes(rt) -> None:
    """Suggested groups, a theme given by 5 people with what was done, quotable answers."""
    from datetime import date

    from brewline.themes import suggest
    from brewline.themes.models import AnswerTag, ThemeAction
    from tests.organiser.test_theme_pages import BUSES, PARK
    from tests.themes.conftest import Said

    ids = Said(rt).many(BUSES + PARK, quotes=True)
    with rt.store.transaction() as db:
        db.add_all(AnswerTag(answer_id=i, theme="buses") for i in ids[:5])
        db.add(ThemeAction(theme="buses", what="Got the bus company to run a later 42 bus",
                           done_on=date(2026, 6, 3), done_by="The community team",
                           changed="The last bus now leaves at 10pm"))
    with rt.store.transaction() as db:
        suggest.suggest(db)


def pages(paths: dict[str, str]) -> list[str]:
    return ["/", "/needs-a-look", "/answers", "/contacts", "/contacts?q=tyneside",
            paths["erase"], "/invites", paths["sent"], paths["broken"], paths["edit"],
            "/vouchers", "/simulator?number=07700900123", "/simulator?mode=call", paths["live"],
            "/invites/424242", "/answers/themes", "/we-did", "/report?year=2026"]


@pytest.mark.parametrize("size", SIZES)
def test_every_page_reads_well_at_this_size(browser, live, organiser, answer_id, everything,
                                            size):
    width, height, scale = SIZES[size]
    context = browser.new_context(base_url=live.url, viewport={"width": width, "height": height},
                                  device_scale_factor=scale)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/sign-in")
        problems = _check(page, "/sign-in")
        sign_in(page)
        for path in pages(everything):
            page.goto(path)
            problems += _check(page, path)
    finally:
        context.close()
    assert problems == [], f"at {size}:\n" + "\n".join(problems)


def _check(page, path: str) -> list[str]:
    """What is wrong with the page now on screen, each as one line."""
    found = [f"{path}: scrolls sideways: {what}" for what in page.evaluate(SIDEWAYS)]
    found += [f"{path}: word broken across lines: {word!r}" for word in page.evaluate(BROKEN_WORDS)]
    try:
        no_serious_axe_violations(page)
    except AssertionError as exc:
        found.append(f"{path}: {exc}")
    return found

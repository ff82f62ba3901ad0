"""`brewline contacts import`: read an organiser's CSV of people into contacts, in bulk."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import phonenumbers
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from brewline.people import tags as tagging
from brewline.people.models import Consent, Contact, new_pid
from brewline.people.phones import BadNumber, dialable, is_drama
from brewline.platform import bulk
from flows.words import code_for

COLUMNS = ("phone", "name", "language", "invites")
ANSWERS = {"yes": True, "y": True, "true": True, "1": True,
           "no": False, "n": False, "false": False, "0": False, "": None}
OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "bars"}
CHUNK = 5000  # numbers per IN (...) look-up, well under every back-end's limit


class BadFile(ValueError):
    """A file that cannot be imported at all, with the reason in plain words."""


@dataclass(frozen=True)
class Person:
    """One good row of the file."""

    line: int
    phone: str
    name: str | None
    language: str | None  # None: the file left it blank
    invites: bool | None
    note: str | None = None  # kept, but something in the row was not used, and why


@dataclass
class Report:
    """What an import did: counts, every rejected row with its reason, and every row kept
    with a cell that was not used (a "maybe" under invites), with why."""

    added: int = 0
    known: int = 0
    updated: int = 0  # known people whose name or language the file changed
    consents: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)

    def lines(self, most: int = 100) -> list[str]:
        head = [f"{self.added} contact(s) added, {self.known} already known "
                f"({self.updated} with a new name or language), "
                f"{self.consents} invite answer(s) recorded, {len(self.rejected)} row(s) rejected"]
        if self.notes:
            head.append(f"{len(self.notes)} row(s) kept with no invite answer recorded:")
            head += _listed(self.notes, most)
        if self.rejected and self.notes:
            head.append("Rejected:")
        return head + _listed(self.rejected, most)


def _listed(rows: list[tuple[int, str]], most: int) -> list[str]:
    more = len(rows) - most
    return ([f"  line {line}: {reason}" for line, reason in rows[:most]]
            + ([f"  ... and {more} more"] if more > 0 else []))


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (with or without a BOM), else Windows-1252 as Excel saves it."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse(text: str, region: str = "GB") -> tuple[list[Person], list[tuple[int, str]]]:
    """Good rows (numbers in E.164, first of each number kept) and rejected rows with reasons."""
    reader = csv.reader(io.StringIO(text, newline=""))
    columns = _header(next(reader, None))
    people, rejected, seen = [], [], {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # a blank line, or a row of empty cells as spreadsheets save them
        person, reason = _person(columns, row, line, region)
        if reason is None and person.phone in seen:
            reason = f"duplicate of line {seen[person.phone]}"
        if reason:
            rejected.append((line, reason))
            continue
        seen[person.phone] = line
        people.append(person)
    return people, rejected


_SEPARATORS = str.maketrans("", "", " -.()")
_GB_NUMBER = re.compile(r"^(?:0|\+44|0044)([1-9]\d{9})$")


def _gb_patterns() -> tuple[re.Pattern, re.Pattern]:
    """phonenumbers' own patterns for ten-digit UK numbers: (any number, a number in use)."""
    gb = phonenumbers.PhoneMetadata.metadata_for_region("GB")
    kinds = [gb.fixed_line, gb.mobile, gb.toll_free, gb.premium_rate, gb.shared_cost,
             gb.personal_number, gb.voip, gb.pager, gb.uan, gb.voicemail]
    in_use = [k.national_number_pattern for k in kinds if k is not None
              and k.national_number_pattern and (not k.possible_length or 10 in k.possible_length)]
    return (re.compile(gb.general_desc.national_number_pattern),
            re.compile("|".join(f"(?:{p})" for p in in_use)))


_GB_ANY, _GB_IN_USE = _gb_patterns()


def quick_normalise(raw: str, region: str) -> str:
    """phones.dialable, with a shortcut for the usual UK forms (same answers).

    Parsing and validating with phonenumbers costs ~170 microseconds a number; 50,000
    rows would spend seconds on numbers like 07911 123456 whose E.164 form is plain to
    see. The shortcut only ever says yes (to a number phonenumbers' own UK patterns call
    valid, or a drama number); anything else goes the long way, for the same reason.
    """
    if region == "GB":
        found = _GB_NUMBER.match(raw.translate(_SEPARATORS))
        if found:
            digits, number = found.group(1), "+44" + found.group(1)
            if is_drama(number) or (_GB_ANY.fullmatch(digits) and _GB_IN_USE.fullmatch(digits)):
                return number
    return dialable(raw, region)


def _header(row: list[str] | None) -> dict[str, int]:
    if not row:
        raise BadFile("the file is empty; the first line must be: phone,name,language,invites")
    names = [cell.strip().lower() for cell in row]
    if "phone" not in names:
        raise BadFile(_header_problem(row))
    return {name: names.index(name) for name in COLUMNS if name in names}


def _header_problem(row: list[str]) -> str:
    joined = ",".join(row)
    for delimiter, name in OTHER_DELIMITERS.items():
        if delimiter in joined and "phone" in joined.lower():
            return (f"the columns are separated by {name}, not commas; save the file as "
                    "CSV (comma separated) with the header phone,name,language,invites")
    return ("the first line must name the columns: phone,name,language,invites "
            "(no 'phone' column found)")


def _person(columns: dict[str, int], row: list[str], line: int, region: str):
    cells = {name: (row[i].strip() if i < len(row) else "") for name, i in columns.items()}
    try:
        phone = quick_normalise(cells["phone"], region)
    except BadNumber as exc:
        return None, f"{exc}: {cells['phone'][:30]!r}" if cells["phone"] else "blank number"
    invites = cells.get("invites", "").lower()
    note = None
    if invites not in ANSWERS:
        # Keep the person; only a clear yes or no is their answer about invites.
        note = (f"{cells['invites'][:20]!r} under invites is not yes or no, so the person "
                "was kept but no invite answer was recorded")
    raw = cells.get("language") or ""
    # "Polish", "polski", "PL" -> "pl"; a code we have no words for yet is kept as given.
    language = code_for(raw) or raw.lower()[:10] or None
    name = (cells.get("name") or "")[:200] or None
    return Person(line, phone, name, language, ANSWERS.get(invites), note), None


def import_people(session: Session, people: list[Person], tag: str | None, now: datetime,
                  report: Report) -> None:
    """Add new contacts, record invite answers and tag everyone, in a few statements."""
    on_file = _existing(session, [p.phone for p in people])
    known = {phone: row.id for phone, row in on_file.items()}
    new = [p for p in people if p.phone not in known]
    ids = dict(known)
    ids.update(_insert_contacts(session, new, now))
    report.added, report.known = len(new), len(people) - len(new)
    report.notes = [(p.line, p.note) for p in people if p.note]
    report.updated = _update_known(session, people, on_file)
    report.consents = _record_consents(session, people, ids, known, now)
    if tag:
        tagging.add(session, tag, list(ids[p.phone] for p in people), now)


def _existing(session: Session, phones: list[str]) -> dict:
    """The contacts already here, by number: their id, name and language."""
    found: dict = {}
    for start in range(0, len(phones), CHUNK):
        rows = session.execute(select(Contact.phone, Contact.id, Contact.name, Contact.language)
                               .where(Contact.phone.in_(phones[start:start + CHUNK])))
        found.update({row.phone: row for row in rows})
    return found


def _update_known(session: Session, people: list[Person], on_file: dict) -> int:
    """A corrected name or language in the file replaces ours; a blank cell changes nothing."""
    changes = []
    for p in people:
        row = on_file.get(p.phone)
        if row is None:
            continue
        name, language = p.name or row.name, p.language or row.language
        if (name, language) != (row.name, row.language):
            changes.append({"contact": row.id, "new_name": name, "new_language": language})
    if changes:
        session.execute(_UPDATE, changes)
    return len(changes)


_UPDATE = (update(Contact.__table__).where(Contact.__table__.c.id == bindparam("contact"))
           .values(name=bindparam("new_name"), language=bindparam("new_language")))


def _insert_contacts(session: Session, people: list[Person], now: datetime) -> dict[str, int]:
    if not people:
        return {}
    values = [{"phone": p.phone, "name": p.name, "language": p.language or "en", "source": "import",
               "pid": new_pid(), "created_at": now} for p in people]
    ids = bulk.insert_rows(session, Contact, values, ids=True)
    return {value["phone"]: cid for value, cid in zip(values, ids)}


def _record_consents(session: Session, people: list[Person], ids: dict[str, int],
                     known: dict[str, int], now: datetime) -> int:
    # A "yes" from a list never overrides what a person told us themselves; a "no" always counts.
    own_word = _spoke_for_themselves(session, list(known.values()))
    values = [{"contact_id": ids[p.phone], "topic": "invites", "granted": p.invites,
               "channel": "import", "source": "import", "created_at": now}
              for p in people if p.invites is not None
              and not (p.invites and ids[p.phone] in own_word)]
    if values:
        bulk.insert_rows(session, Consent, values)
    return len(values)


def _spoke_for_themselves(session: Session, contact_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(contact_ids), CHUNK):
        found.update(session.scalars(select(func.distinct(Consent.contact_id)).where(
            Consent.contact_id.in_(contact_ids[start:start + CHUNK]), Consent.topic == "invites",
            Consent.source != "import")))
    return found

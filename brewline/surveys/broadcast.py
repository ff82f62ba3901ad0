"""`brewline broadcast`: a "you said, we did" update to everyone who answered a flow and
agreed to hear more."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import exists
from sqlalchemy.orm import Session

from brewline.delivery import outbox
from brewline.people import audience
from brewline.people.models import Contact
from brewline.platform.runtime import Runtime
from brewline.surveys.models import Answer
from flows.readability import (
    Encoding,
    Finding,
    check_text,
    encoding,
    errors_in,
    finding_lines,
    text_lines,
)


class BroadcastProblem(ValueError):
    """A broadcast we refuse, with the reason in plain words."""


@dataclass(frozen=True)
class Plan:
    """Who would get the update and how it travels."""

    flow_id: str
    text: str
    contact_ids: list[int]
    encoding: Encoding
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return errors_in(self.findings)

    def lines(self) -> list[str]:
        return ([f"Update to {len(self.contact_ids)} people who answered {self.flow_id} and "
                 "agreed to hear more"] + text_lines(self.text) + finding_lines(self.findings))


def plan(runtime: Runtime, session: Session, flow_id: str, text: str) -> Plan:
    """Work out the audience and check the text, writing nothing."""
    if flow_id not in runtime.flows.ids():
        known = ", ".join(runtime.flows.ids())
        raise BroadcastProblem(f"no flow called {flow_id!r}; known: {known}")
    text = " ".join(text.split())
    if not text:
        raise BroadcastProblem("the update text is empty")
    query = audience.consenting().where(
        Contact.phone_only.is_(False), Contact.cannot_text.is_(False),
        exists().where(Answer.contact_id == Contact.id, Answer.flow_id == flow_id))
    ids = [cid for cid, *_ in session.execute(query)]
    findings = check_text(text, "broadcast")
    name = runtime.settings.org_name
    if name.lower() not in text.lower():
        findings.append(Finding("warning", "broadcast", f"does not say it is from {name}"))
    return Plan(flow_id, text, ids, encoding(text), findings)


def send(runtime: Runtime, session: Session, chosen: Plan) -> int:
    """Write one outbox row per person; the same update is never sent to anyone twice."""
    if chosen.errors:
        raise BroadcastProblem("the text needs fixing first: "
                               + "; ".join(f.message for f in chosen.errors))
    digest = hashlib.sha256(f"{chosen.flow_id}\n{chosen.text}".encode()).hexdigest()[:16]
    already = outbox.existing_keys(session, [f"broadcast:{digest}:{c}" for c in chosen.contact_ids])
    rows = [{"contact_id": cid, "body": chosen.text, "purpose": "broadcast",
             "ref": f"flow:{chosen.flow_id}", "dedupe_key": f"broadcast:{digest}:{cid}"}
            for cid in chosen.contact_ids if f"broadcast:{digest}:{cid}" not in already]
    outbox.add_many(runtime, session, rows)
    return len(rows)


def still_wanted(session: Session, row) -> str | None:
    """An update goes only to someone who still agrees to hear from us."""
    return audience.no_longer_agrees(session, row.contact_id)

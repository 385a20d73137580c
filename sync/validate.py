"""Campaign rules over normalized responses. Every check runs on every response.

Checks add :class:`~sync.records.Reason` objects and never raise; the status is
decided once all stages have had their say (see ``Response.decide_status``).
"""

from __future__ import annotations

from datetime import datetime

from sync.config import Config
from sync.normalize import FIELD_LABELS, required_present
from sync.reasons import staff_title
from sync.records import Reason, Response

#: Which raw cells count as "answered" for each required field.
_REQUIRED_CELL = {"event_type": "event_type", "start_time": "start_time", "location": "location"}


def validate_response(r: Response, config: Config) -> None:
    """Apply the per-response rules: required answers, the campaign window, lengths, consent."""
    rules = config.validation
    for field in rules.required:
        # A ZIP answered in the ZIP column places a response whose location answer is blank.
        answered = required_present(r, "zip") if field == "location" else False
        if not answered and not required_present(r, _REQUIRED_CELL.get(field, field)):
            r.add(Reason(f"missing_{field}", f"missing {FIELD_LABELS[field]}", "rejected", field))
    campaign = config.campaign
    if r.event_date is not None and not campaign.starts <= r.event_date <= campaign.ends:
        r.add(Reason(
            "date_outside_campaign",
            f"date {r.event_date:%m/%d/%Y} is outside the campaign "
            f"({campaign.starts:%m/%d/%Y} to {campaign.ends:%m/%d/%Y})",
            "rejected", "event_date",
        ))
    if r.starts_at and r.ends_at and r.ends_at <= r.starts_at:
        r.add(Reason(
            "end_before_start",
            f"end time {r.ends_at:%I:%M %p} is not after start time {r.starts_at:%I:%M %p}",
            "rejected", "end_time",
        ))
    if len(r.title) > rules.max_title_length:
        r.add(Reason("title_too_long", f"activity name is {len(r.title):,} characters; at most "
                     f"{rules.max_title_length} allowed", "rejected", "title"))
    if len(r.organization) > rules.max_organization_length:
        r.add(Reason("organization_too_long", f"organization is {len(r.organization):,} characters; at most "
                     f"{rules.max_organization_length} allowed", "rejected", "organization"))
    if len(r.description) > rules.max_description_length:
        r.add(Reason("description_shortened", f"description of {len(r.description):,} characters shortened to "
                     f"{rules.max_description_length:,}", "warning", "description"))
        r.description = r.description[: rules.max_description_length - 1].rstrip() + "…"
    if r.public_consent is False:
        r.add(Reason("no_consent", staff_title("no_consent"), "held", "public_consent"))
    elif r.public_consent is None:
        r.add(Reason("consent_unanswered", staff_title("consent_unanswered"), "held", "public_consent"))
    if campaign.moderation and r.approved is False:
        r.add(Reason("not_approved", staff_title("not_approved"), "held", "approved"))
    elif campaign.moderation and r.approved is not True:
        r.add(Reason("awaiting_approval", staff_title("awaiting_approval"), "held", "approved"))


def duplicate_key(r: Response) -> tuple | None:
    """Same contact, title and date: the host sent the activity again."""
    contact = r.contact_email.casefold() or r.contact_name.casefold()
    if not contact or not r.title or r.event_date is None:
        return None
    return contact, " ".join(r.title.casefold().split()), r.event_date


def mark_superseded(responses: list[Response]) -> None:
    """Publish only the latest *publishable* submission of each repeated activity.

    A host who sends an activity again usually corrects it, so the later
    submission wins, but only while it can itself be published: when the fix
    attempt is rejected (or held awaiting approval, or for a pending look-up),
    the earlier one stays on the map and the later one keeps its own reasons,
    plus a warning naming the published row. Staff see every submission in
    ``responses.csv``. One exception: a later submission that answers No to the
    public map withdraws the consent of the earlier ones, which are held.
    Called once every reason is in, the locator's included.
    """
    floor = datetime.min.replace(tzinfo=None)

    def order(r: Response):
        return (r.submitted_at.replace(tzinfo=None) if r.submitted_at else floor, r.row_number)

    groups: dict[tuple, list[Response]] = {}
    for r in responses:
        key = duplicate_key(r)
        if key is not None:
            groups.setdefault(key, []).append(r)
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=order)
        publishable = [n for n, r in enumerate(group) if not r.blocking_reasons]
        if not publishable:
            continue  # each keeps its own reasons
        winner_at = publishable[-1]
        winner, earlier, later = group[winner_at], group[:winner_at], group[winner_at + 1:]
        answered = [r for r in later if r.public_consent is not None]
        if answered and answered[-1].public_consent is False:
            withdrawn_by = answered[-1]
            for r in (*earlier, winner):
                r.add(Reason("consent_withdrawn", f"a later submission in row {withdrawn_by.row_number} "
                             "answered No to the public map", "held", "public_consent"))
            continue
        for r in earlier:
            r.add(Reason("superseded", f"superseded by a later submission in row {winner.row_number}", "held", None))
        for r in later:
            r.add(Reason("earlier_published", f"the earlier submission in row {winner.row_number} stays published "
                         "while this one is not publishable", "warning", None))

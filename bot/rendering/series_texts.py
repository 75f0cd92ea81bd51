"""The organizer's answers about recurring series: the rule confirmed at creation, the series
shown by `/meetup repeat`, and what `/meetup skip` and `/meetup repeat-stop` did."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from itertools import islice

from bot.db.models import Meetup, MeetupStatus, SeriesStatus
from bot.rendering.limits import MESSAGE_CONTENT, shorten
from bot.rendering.notices import safe_title
from bot.rendering.recurrence_texts import describe, next_dates, ordinal
from bot.rendering.time_format import full_and_relative, full_time
from bot.services.recurrence import RepeatRule, ever_clamps, iter_occurrences
from bot.services.recurring_management import NotHeld, SeriesOverview, Stopped

LISTED = 10  # past occurrences and dates not held shown, the latest ones
NEXT_SHOWN = 5
WHEN_POSTED = "Each meetup of the series is posted when the one before it ends, with its own answers and reminders."
_NOT_HELD = {"missed": "missed (no bot was running then)", "skipped": "skipped", "cancelled": "cancelled"}


def render_repeat_confirmation(rule: RepeatRule) -> str:
    """Added to `/meetup create`'s answer: the rule in words, the month-end note, the next dates."""
    lines = [f"It repeats {describe(rule)}. {WHEN_POSTED}"]
    if ever_clamps(rule):
        day = ordinal(rule.first_local.day)
        lines.append(f"In a month without a {day}, it is held on the month's last day.")
    dates = next_dates(rule, after=rule.first_start)
    if dates:
        lines.append(f"The next dates:\n{dates}")
    return "\n".join(lines)


def render_overview(overview: SeriesOverview, links: Mapping[int, str | None], *, now: datetime) -> str:
    series, rule = overview.series, overview.rule
    first = overview.occurrences[0].meetup if overview.occurrences else None
    title = f"**{safe_title(first)}**" if first is not None else "The series"
    lines = [f"{title} repeats {describe(rule)}.{_status(overview)}"]
    open_one = _open_occurrence(overview, now)
    if open_one is not None:
        link = f" {links[open_one.id]}" if links.get(open_one.id) else ""
        lines.append(f"Open now: #{open_one.id}, {full_and_relative(open_one.starts_at)}{link}")
    if series.status == SeriesStatus.ACTIVE:
        coming = [
            o
            for o in islice(iter_occurrences(rule, first_index=series.next_index), NEXT_SHOWN * 2)
            if o.starts_at > now
        ][:NEXT_SHOWN]
        if coming:
            lines.append("**Next dates:**\n" + "\n".join(f"- {full_time(o.starts_at)}" for o in coming))
    if overview.not_held:
        lines.append("**Not held:**")
        lines += [_not_held_line(n) for n in overview.not_held[-LISTED:]]
    past = [r for r in overview.occurrences if r.meetup.ends_at <= now and r.meetup.status != MeetupStatus.CANCELLED]
    if past:
        came = sum(r.attended for r in past)
        lines.append(f"**Attendance so far** ({came} in {len(past)} meetup{'s' if len(past) != 1 else ''}):")
        for record in past[-LISTED:]:
            link = f" {links[record.meetup.id]}" if links.get(record.meetup.id) else ""
            lines.append(
                f"- #{record.meetup.id} {full_time(record.meetup.starts_at)}: {record.attended} came "
                f"({record.going} going){link}"
            )
        lines.append("Who came to which, and each member's attendance rate: `/meetup series`.")
    else:
        lines.append("No meetup of the series has taken place yet.")
    return shorten("\n".join(lines), MESSAGE_CONTENT)


def _status(overview: SeriesOverview) -> str:
    series = overview.series
    if series.status == SeriesStatus.STOPPED:
        last = overview.occurrences[-1].meetup if overview.occurrences else None
        after = f" after meetup #{last.id}" if last is not None else ""
        by = f" by <@{series.stopped_by}>" if series.stopped_by else ""
        return f" It was stopped{by}: it ends{after}."
    if series.status == SeriesStatus.ENDED:
        return " It is over: its rule has no more dates."
    return f" {WHEN_POSTED}"


def _open_occurrence(overview: SeriesOverview, now: datetime) -> Meetup | None:
    if not overview.occurrences:
        return None
    latest = overview.occurrences[-1].meetup
    if latest.status == MeetupStatus.SCHEDULED and latest.ends_at > now:
        return latest
    return None


def _not_held_line(entry: NotHeld) -> str:
    note = f": {shorten(entry.note, 100)}" if entry.note else ""
    number = f" (#{entry.meetup_id})" if entry.meetup_id else ""
    return f"- {entry.local_date:%a %-d %b %Y}{number}, {_NOT_HELD.get(entry.why, entry.why)}{note}"


def render_skipped(cancelled: str, *, posted: Meetup | None, ended: bool, link: str | None) -> str:
    """`cancelled`: the answer `/meetup cancel` gives (what members were shown and told); `posted`:
    the next occurrence (None with `ended`: there is none; None without: it is on its way)."""
    head = f"{cancelled} It is recorded as skipped in its series."
    if ended:
        return f"{head}\nIt was the last of its series: the rule has no more dates."
    if posted is None:
        return f"{head}\nThe next meetup of the series is being posted; it will appear in the channel shortly."
    where = f" {link}" if link else ""
    return f"{head}\nThe next one, #{posted.id}, is posted: {full_and_relative(posted.starts_at)}.{where}"


def render_stopped(stopped: Stopped, link: str | None) -> str:
    last = stopped.last
    if last is None:
        return "The series is stopped: no more meetups of it will be posted."
    where = f" {link}" if link else ""
    state = "" if last.status == MeetupStatus.SCHEDULED else f" (it is {last.status.value})"
    return (
        f"The series is stopped: meetup #{last.id}, {full_time(last.starts_at)}{state}, is its last; no more "
        f"meetups of it will be posted. That meetup stays as it is.{where}"
    )


def render_edit_scope(meetup: Meetup, rule: RepeatRule | None) -> str:
    """Added to `/meetup edit`'s answer for a meetup of a recurring series: what later ones get."""
    if rule is not None:
        return f"\nLater meetups of the series get these changes too: it repeats {describe(rule)}."
    if meetup.recurring_series_id is None:
        return ""
    return "\nOnly this meetup changed; later ones of its series keep theirs (`scope: following` changes them too)."

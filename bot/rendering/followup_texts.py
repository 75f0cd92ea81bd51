"""Texts of attendance, member history, series, and follow-up sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.db.models import Meetup, Poll, RsvpStatus
from bot.publishing.discord_codes import UNKNOWN_CHANNEL
from bot.rendering.limits import MESSAGE_CONTENT, fit_mentions, shorten
from bot.rendering.notices import Post, safe_title, with_mentions
from bot.rendering.series_texts import render_repeat_confirmation
from bot.rendering.time_format import date_reading_note, full_and_relative, full_time, relative_time
from bot.services.attendance import HistoryEntry, Marked
from bot.services.followup_days import AudienceDays, nobody_there
from bot.services.followup_plans import PlannedFollowup
from bot.services.followups import Audience, AudienceKind, Proposal, SessionRecord
from bot.services.lifecycle import Standing

_ANSWERS = {
    RsvpStatus.GOING.value: "Going",
    RsvpStatus.MAYBE.value: "Maybe",
    RsvpStatus.DECLINED.value: "Can't go",
    RsvpStatus.WAITLISTED.value: "Waitlisted",
}
_AUDIENCES = {
    AudienceKind.MISSED: "showed interest and did not attend it (or an earlier session of its series)",
    AudienceKind.DECLINED: "answered Can't go",
    AudienceKind.NO_SHOWS: "answered Going and did not attend",
    AudienceKind.ALL: "showed interest in it",
}


_STANDINGS = {Standing.ATTENDED: "📍 attended", Standing.CANCELLED: "❌ cancelled"}


def render_marked(marked: Marked, *, present: bool) -> str:
    what = "present" if present else "absent"
    return (
        f"Marked {marked.changed} member{'s' if marked.changed != 1 else ''} {what} at meetup #{marked.meetup.id}. "
        f"{marked.present_total} attended in all."
    )


def render_history(user_id: int, entries: Sequence[HistoryEntry], links: dict[int, str | None]) -> str:
    if not entries:
        return f"<@{user_id}> has not answered or attended any meetup in this server."
    came = sum(e.attended for e in entries)
    lines = [f"Meetups of <@{user_id}> in this server ({len(entries)}, attended {came}):"]
    for entry in entries:
        answer = _ANSWERS.get(entry.answer or "", "no answer")
        attended = _STANDINGS.get(entry.standing, entry.standing.value)
        link = f" {links[entry.meetup.id]}" if links.get(entry.meetup.id) else ""
        lines.append(
            f"- #{entry.meetup.id} **{safe_title(entry.meetup)}**, {full_time(entry.meetup.starts_at)}: "
            f"{answer}, {attended}{link}"
        )
    return shorten("\n".join(lines), MESSAGE_CONTENT)


def render_series(records: Sequence[SessionRecord], links: dict[int, str | None]) -> str:
    """Every session with dates, then each member with the sessions they attended."""
    lines = [f"**Series of {len(records)} session{'s' if len(records) != 1 else ''}:**"]
    for number, record in enumerate(records, start=1):
        link = f" {links[record.meetup.id]}" if links.get(record.meetup.id) else ""
        lines.append(
            f"{number}. #{record.meetup.id} **{safe_title(record.meetup)}**, {full_time(record.meetup.starts_at)}: "
            f"{len(record.attended)} attended{link}"
        )
    members: list[int] = []
    for record in records:
        for user_id in [*record.interested, *sorted(record.attended)]:
            if user_id not in members:
                members.append(user_id)
    came_any = [u for u in members if any(u in r.attended for r in records)]
    lines.append(f"\n**Attended at least one session: {len(came_any)} of {len(members)} who showed interest**")
    for user_id in members:
        marks = " ".join(f"{n}{'✅' if user_id in r.attended else '—'}" for n, r in enumerate(records, start=1))
        lines.append(f"<@{user_id}> {marks}")
    text = "\n".join(lines)
    if len(text) > MESSAGE_CONTENT:
        return shorten(text, MESSAGE_CONTENT - 80) + "\n(Long list: `/meetup attendees format: csv` per session.)"
    return text


def render_audience(audience: Audience, *, then: str = "") -> str:
    """Who a follow-up is for, as the organizer sees it before anything is posted: the count, and
    as many names as fit in one message beside the question `then` (the rest as "and N more")."""
    who = _AUDIENCES[audience.kind]
    head = (
        f"**{len(audience.user_ids)} member{'s' if len(audience.user_ids) != 1 else ''}** "
        f"{who} (meetup #{audience.meetup.id} **{safe_title(audience.meetup)}**):\n"
    )
    tail = f"\n\n{then}" if then else ""
    names = fit_mentions(audience.user_ids, MESSAGE_CONTENT - len(head) - len(tail), empty="")
    return f"{head}{names}{tail}"


def render_no_audience(audience: Audience) -> str:
    return (
        f"Nobody {_AUDIENCES[audience.kind]} (meetup #{audience.meetup.id}), so there is no one to invite. "
        "Nothing was created or posted. Try another `audience`."
    )


def render_proposal(audience: Audience, proposal: Proposal, *, note: str = "", days: AudienceDays | None = None) -> str:
    there = ""
    if days is not None and proposal.present is not None:
        there = f"; {_there_that_day(proposal.present, days)}"
        others = [o for o in proposal.candidates if o.id != proposal.option.id]
        if others:
            listed = ", ".join(f"{full_time(o.starts_at)} ({days.count_on(o.starts_at)})" for o in others)
            note = f"\nA poll would also offer, with how many of them are there that day: {listed}.{note}"
    return render_audience(
        audience,
        then=f"From the poll's votes, the best time for them is {full_and_relative(proposal.option.starts_at)}"
        f"{there}{'.' if there else ':'} {proposal.works} said it works, {proposal.if_need_be} if need be. "
        "Create the follow-up then, "
        f"or open a poll for them instead?{note}",
    )


def _there_that_day(count: int, days: AudienceDays) -> str:
    return f"{count} of the {days.audience} {'is' if count == 1 else 'are'} at **{days.gathering.title}** that day"


def render_not_planned(planned: PlannedFollowup) -> str:
    """Why `/meetup followup` stored no plan: nobody to invite, nobody of them still at the
    gathering, or no time to propose."""
    audience, days = planned.audience, planned.days
    if not audience.user_ids:
        return render_no_audience(audience)
    if days is not None and not days.there:
        return render_audience(audience, then=nobody_there(days))
    if days is not None:
        return render_audience(
            audience,
            then="None of the meetup's poll's other times still ahead is on a day some of them are at "
            f"**{days.gathering.title}**. {days.days_text()} Give `when` for the follow-up on one of those days, "
            "or `options` for a poll.",
        )
    return render_nothing_to_propose(audience)


# Who the invitation is for, in the words of the audience the organizer chose.
_INVITED = {
    AudienceKind.MISSED: "for those who could not make it",
    AudienceKind.DECLINED: "for those who said they could not go",
    AudienceKind.NO_SHOWS: "for those who meant to come and could not make it",
    AudienceKind.ALL: "for everyone who showed interest",
}


def followup_invitation(
    followup: Meetup, first: Meetup, user_ids: Sequence[int], link: str | None, *, kind: AudienceKind
) -> list[Post]:
    where = f" Answer here: {link}" if link else ""
    header = (
        f"📣 A follow-up session of **{safe_title(first)}** {_INVITED[kind]}: "
        f"**{safe_title(followup)}**, {full_and_relative(followup.starts_at)}.{where}"
    )
    return with_mentions(header, user_ids)


def followup_poll_invitation(poll: Poll, first: Meetup, user_ids: Sequence[int], link: str | None) -> list[Post]:
    where = f" Vote here: {link}" if link else ""
    header = f"📣 A follow-up session of **{safe_title(first)}** is being planned: which times work for you?{where}"
    return with_mentions(header, user_ids)


def followup_dm(followup_title: str, when_text: str, link: str | None) -> str:
    where = f" {link}" if link else ""
    return f"📣 You're invited to a follow-up session: **{followup_title}**, {when_text}.{where}"


def render_followup_confirmation(planned: PlannedFollowup, *, typed_when: str | None) -> str:
    """The question under which the organizer confirms: who, what, and how long the buttons work."""
    assert planned.plan is not None
    note = confirmation_note(planned.plan.expires_at)
    if planned.rule is not None:  # said before the note, so it is seen before confirming
        note = f"\n{render_repeat_confirmation(planned.rule)}{note}"
    if planned.start is not None:
        start = planned.start
        question = f"Create the follow-up at {full_and_relative(start.instant)} ({start.readable()}) for them?"
        if planned.days is not None:
            question += f" {_there_that_day(planned.days.count_on(start.instant), planned.days)}."
        question += date_reading_note([(typed_when, start.instant)], start.zone)
        return render_audience(planned.audience, then=question + note)
    if planned.option_count:
        there = ""
        if planned.days is not None and planned.option_there:
            counts = ", ".join(f"{n}: {count}" for n, count in enumerate(planned.option_there, start=1))
            there = f" How many of them are at **{planned.days.gathering.title}** on each time's day: {counts}."
        return render_audience(
            planned.audience, then=f"Open a poll with {planned.option_count} times for them?{there}{note}"
        )
    assert planned.proposal is not None
    return render_proposal(planned.audience, planned.proposal, note=note, days=planned.days)


def confirmation_note(expires_at: datetime) -> str:
    return (
        f"\n-# The buttons work for you until <t:{int(expires_at.timestamp())}:t> ({relative_time(expires_at)}), "
        "even if the bot restarts meanwhile."
    )


def render_nothing_to_propose(audience: Audience) -> str:
    return (
        f"Meetup #{audience.meetup.id} did not come from a poll with times still ahead, so there is nothing "
        "to propose: give `when` for the follow-up, or `options` for a poll."
    )


def render_invited(total: int, *, pinged: int, by_dm: int, not_reached: int, pinged_where: str = "") -> str:
    """How many of the audience were told; an invitation post Discord refused is said, not hidden
    (the follow-up itself stays: it is posted, and members can still find it)."""
    counts = f"({pinged} pinged{pinged_where}, {by_dm} by DM)"
    if not not_reached:
        return f"Invited {total} member{'s' if total != 1 else ''} {counts}."
    return (
        f"Invited {total - not_reached} of {total} members {counts}: Discord refused the invitation post for "
        f"the other {not_reached}, so they were not told. The follow-up stays posted; share its link with them."
    )


def render_followup_posted(followup: Meetup, link: str | None, invited: str) -> str:
    return (
        f"Follow-up meetup #{followup.id} is posted: {link}\n"
        f"It starts {full_and_relative(followup.starts_at)}. {invited}"
    )


def render_followup_poll_posted(poll: Poll, link: str, invited: str) -> str:
    return (
        f"Poll #{poll.id} for the follow-up is posted: {link}\n"
        f"{invited} Finalize it with `/meetup finalize` and the meetup joins the series."
    )


def followup_poll_dm(first: Meetup, link: str | None) -> str:
    where = f" {link}" if link else ""
    return f"📣 A follow-up session of **{safe_title(first)}** is being planned: which times work for you?{where}"


def retry_note(refusal: BaseException | None, *, button: str) -> str:
    """After a refused post: the plan is open again, so the same button can retry once the
    organizer fixed what they were told; a channel that is gone can only be replaced by running
    the command again."""
    if isinstance(refusal, discord.NotFound) and refusal.code == UNKNOWN_CHANNEL:
        return " Run `/meetup followup` again to pick it."
    return f" The {button} button works again once that is fixed."

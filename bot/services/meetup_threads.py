"""A meetup's thread as stored: where its posts go, and which Going members the bot still has to add.

The thread is opened on the meetup message once, and its id kept on the meetup. Who is in it
follows the stored answers: every Going member is added once (`MeetupThreadMember` remembers
it), whatever made them Going (a click, a reaction, a promotion from the waitlist, a poll's
carry-over, a regular's standing answer), so a member who withdraws stays in the thread and one
who leaves it is not put back. A thread deleted by hand is marked gone, and posts go to the
meetup's channel again."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, MeetupStatus, MeetupThreadMember, Rsvp, RsvpStatus
from bot.db.upsert import insert_ignoring_conflict


def post_channel_of(meetup: Meetup) -> int:
    """Where reminders and the starting-now post of the meetup go: its thread while it has one."""
    if meetup.thread_id is not None and has_live_thread(meetup):
        return meetup.thread_id
    return meetup.channel_id


async def record_thread(session: AsyncSession, *, meetup_id: int, thread_id: int) -> None:
    await session.execute(update(Meetup).where(Meetup.id == meetup_id).values(thread_id=thread_id, thread_gone=False))


async def mark_thread_gone(session: AsyncSession, *, meetup_id: int, thread_id: int) -> bool:
    """Record that the thread was deleted; False if the meetup has another thread or none by now."""
    result = await session.execute(
        update(Meetup)
        .where(Meetup.id == meetup_id, Meetup.thread_id == thread_id, Meetup.thread_gone.is_(False))
        .values(thread_gone=True)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


_ENDED = (MeetupStatus.FINISHED, MeetupStatus.CANCELLED)


def to_archive(meetup: Meetup) -> bool:
    """The meetup is closed or cancelled and its thread still open: archive it."""
    return has_live_thread(meetup) and meetup.status in _ENDED and not meetup.thread_archived


def has_live_thread(meetup: Meetup) -> bool:
    return meetup.thread_id is not None and not meetup.thread_gone


async def record_archived(session: AsyncSession, *, meetup_id: int) -> None:
    await session.execute(update(Meetup).where(Meetup.id == meetup_id).values(thread_archived=True))


async def members_to_add(session: AsyncSession, *, meetup_id: int) -> list[int]:
    """The Going members not yet added to the meetup's thread, in the order they became Going;
    none when the meetup has no thread (or it is gone, or the meetup is closed or cancelled)."""
    meetup = await session.get(Meetup, meetup_id)
    if meetup is None or not has_live_thread(meetup) or meetup.status in _ENDED:
        return []
    added = select(MeetupThreadMember.user_id).where(MeetupThreadMember.meetup_id == meetup_id)
    rows = await session.scalars(
        select(Rsvp.user_id)
        .where(Rsvp.meetup_id == meetup_id, Rsvp.status == RsvpStatus.GOING, Rsvp.user_id.not_in(added))
        .order_by(Rsvp.status_changed_at, Rsvp.id)
    )
    return list(rows)


async def record_added(session: AsyncSession, *, meetup_id: int, user_id: int) -> None:
    await insert_ignoring_conflict(session, MeetupThreadMember, meetup_id=meetup_id, user_id=user_id)


async def meetups_to_reconcile(session: AsyncSession, *, guild_id: int) -> list[int]:
    """The server's meetups whose thread may be behind their answers or their close (a pass cut
    short by a restart): every one with a live thread that is not archived."""
    rows = await session.scalars(
        select(Meetup.id).where(
            Meetup.guild_id == guild_id,
            Meetup.thread_id.is_not(None),
            Meetup.thread_gone.is_(False),
            Meetup.thread_archived.is_(False),
        )
    )
    return list(rows)

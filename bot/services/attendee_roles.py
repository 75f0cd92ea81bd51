"""Attendee roles: the role a meetup's Going members hold while it is open.

The role follows the stored answers, whatever changed them (a click, a reaction, a promotion from
the waitlist, a poll's voters carried over, a regular seated): `plan_role_sync` compares who is
Going with who the bot gave the role to (`AttendeeRoleGrant`), and the caller gives and takes it
on Discord, recording each step. A member keeps a role that another open meetup still gives them.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AttendeeRoleGrant, GuildSettings, Meetup, MeetupStatus, Rsvp, RsvpStatus
from bot.db.upsert import insert_ignoring_conflict
from bot.services.announcements import ServerRole
from bot.services.audit import record_action
from bot.services.errors import DomainError
from bot.services.lifecycle import CHECK_IN_CLOSES_AFTER, close_moment
from bot.services.organizers import Actor, require_organizer

_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_QUOTED_MAX = 100
ROLE_NAME_MAX = 100  # Discord's limit on a role's name


class RoleKind(enum.StrEnum):
    NONE = "none"
    NEW = "new"  # the bot makes a role named after the meetup, and deletes it when the meetup ends
    EXISTING = "existing"


@dataclass(frozen=True, slots=True)
class RoleChoice:
    kind: RoleKind
    role_id: int | None = None

    def stored(self) -> str | None:
        """How the server's default keeps it (None: no default)."""
        if self.kind is RoleKind.EXISTING:
            return str(self.role_id)
        return RoleKind.NEW.value if self.kind is RoleKind.NEW else None


NO_ROLE = RoleChoice(RoleKind.NONE)
NEW_ROLE = RoleChoice(RoleKind.NEW)


def choice_from_storage(stored: str | None) -> RoleChoice:
    if not stored:
        return NO_ROLE
    if stored == RoleKind.NEW.value:
        return NEW_ROLE
    return RoleChoice(RoleKind.EXISTING, int(stored))


def read_attendee_role(typed: str | None, *, guild_id: int, roles: Sequence[ServerRole]) -> RoleChoice | None:
    """The `attendee_role` option: `new`, `none`, or a role (its mention, id or name); None when not given."""
    text = (typed or "").strip()
    if not text:
        return None
    if text.lower() in (RoleKind.NONE.value, RoleKind.NEW.value):
        return RoleChoice(RoleKind(text.lower()))
    found = _ROLE_MENTION.fullmatch(text)
    wanted_id = int(found[1]) if found else int(text) if text.isdigit() else None
    if wanted_id is not None:
        matches = [r for r in roles if r.id == wanted_id and r.id != guild_id]
    else:
        name = text.removeprefix("@").casefold()
        matches = [r for r in roles if r.name.casefold() == name and r.id != guild_id]
    if len(matches) == 1:
        return RoleChoice(RoleKind.EXISTING, matches[0].id)
    quoted = text[:_QUOTED_MAX]
    if matches:
        raise DomainError(f"More than one role is called `{quoted}`: pick one by its mention (type @ and choose it).")
    raise DomainError(
        f"I can't find a role `{quoted}` in this server. `attendee_role` takes `new` (a role made for the "
        "meetup), a role (type @ and choose it, or write its name) or `none`."
    )


async def server_default(session: AsyncSession, *, guild_id: int) -> RoleChoice:
    row = await session.get(GuildSettings, guild_id)
    return choice_from_storage(row.attendee_role if row is not None else None)


@dataclass(frozen=True, slots=True)
class RoleSync:
    """What to do on Discord to make the role match the answers of one meetup."""

    meetup_id: int
    guild_id: int
    role_id: int | None
    give: tuple[int, ...]  # members to give the role to
    adopt: tuple[int, ...]  # Going members who hold it already through another open meetup
    take_back: tuple[tuple[int, int], ...]  # (member, role) to take away on Discord
    release: tuple[int, ...]  # grants to drop without touching Discord: another open meetup still gives it
    delete_role: bool  # the bot's own role of a meetup now closed or cancelled

    @property
    def settled(self) -> bool:
        return not (self.give or self.adopt or self.take_back or self.release or self.delete_role)


def is_open(meetup: Meetup, now: datetime) -> bool:
    return meetup.status == MeetupStatus.SCHEDULED and now < close_moment(meetup)


async def plan_role_sync(
    session: AsyncSession, *, meetup_id: int, now: datetime, ending: bool = False
) -> RoleSync | None:
    """What to change on Discord; `ending`: as if the meetup were over (it is about to be removed)."""
    meetup = await session.get(Meetup, meetup_id)
    if meetup is None:
        return None
    role_id = meetup.attendee_role_id
    open_now = is_open(meetup, now) and not ending
    want: set[int] = set()
    if role_id is not None and open_now:
        want = set(
            await session.scalars(
                select(Rsvp.user_id).where(Rsvp.meetup_id == meetup_id, Rsvp.status == RsvpStatus.GOING)
            )
        )
    grants = (await session.scalars(select(AttendeeRoleGrant).where(AttendeeRoleGrant.meetup_id == meetup_id))).all()
    held = {g.user_id for g in grants if g.role_id == role_id}
    stale = [g for g in grants if g.user_id not in want or g.role_id != role_id]
    missing = want - held
    given_elsewhere = await _given_elsewhere(
        session,
        meetup_id=meetup_id,
        pairs={(g.user_id, g.role_id) for g in stale} | {(u, role_id) for u in missing if role_id},
        now=now,
    )
    dropping_role = meetup.attendee_role_made and not open_now and role_id is not None
    take_back = tuple(
        (g.user_id, g.role_id)
        for g in stale
        if (g.user_id, g.role_id) not in given_elsewhere and not (dropping_role and g.role_id == role_id)
    )
    release = tuple(
        g.user_id
        for g in stale
        if (g.user_id, g.role_id) in given_elsewhere or (dropping_role and g.role_id == role_id)
    )
    assert role_id is not None or not missing
    return RoleSync(
        meetup_id=meetup_id,
        guild_id=meetup.guild_id,
        role_id=role_id,
        give=tuple(sorted(u for u in missing if (u, role_id) not in given_elsewhere)),
        adopt=tuple(sorted(u for u in missing if (u, role_id) in given_elsewhere)),
        take_back=take_back,
        release=release,
        delete_role=dropping_role,
    )


async def _given_elsewhere(
    session: AsyncSession, *, meetup_id: int, pairs: set[tuple[int, int | None]], now: datetime
) -> set[tuple[int, int]]:
    """Of (member, role) pairs, those another open meetup's grant still gives."""
    role_ids = {role for _, role in pairs if role is not None}
    if not role_ids:
        return set()
    rows = await session.execute(
        select(AttendeeRoleGrant.user_id, AttendeeRoleGrant.role_id)
        .join(Meetup, Meetup.id == AttendeeRoleGrant.meetup_id)
        .where(
            AttendeeRoleGrant.meetup_id != meetup_id,
            AttendeeRoleGrant.role_id.in_(role_ids),
            Meetup.status == MeetupStatus.SCHEDULED,
            Meetup.ends_at > now - CHECK_IN_CLOSES_AFTER,
        )
    )
    found = {(user_id, role_id) for user_id, role_id in rows}
    return {pair for pair in found if pair in pairs}


async def record_given(session: AsyncSession, *, meetup_id: int, role_id: int, user_ids: Sequence[int]) -> None:
    # Two processes may sync one meetup at once: the grant is the same whoever writes it first.
    for user_id in user_ids:
        await insert_ignoring_conflict(
            session, AttendeeRoleGrant, meetup_id=meetup_id, user_id=user_id, role_id=role_id
        )


async def record_taken_back(session: AsyncSession, *, meetup_id: int, user_ids: Sequence[int]) -> None:
    if user_ids:
        await session.execute(
            delete(AttendeeRoleGrant).where(
                AttendeeRoleGrant.meetup_id == meetup_id, AttendeeRoleGrant.user_id.in_(user_ids)
            )
        )


async def record_role_deleted(session: AsyncSession, *, meetup_id: int, role_id: int) -> None:
    """The meetup's role is gone (deleted by the bot at the end, or by the server's admins)."""
    await session.execute(
        delete(AttendeeRoleGrant).where(
            and_(AttendeeRoleGrant.meetup_id == meetup_id, AttendeeRoleGrant.role_id == role_id)
        )
    )
    meetup = await session.get(Meetup, meetup_id)
    if meetup is not None and meetup.attendee_role_id == role_id:
        meetup.attendee_role_id = None
        meetup.attendee_role_made = False


async def set_meetup_role(
    session: AsyncSession, *, meetup_id: int, role_id: int | None, made: bool
) -> tuple[int | None, bool]:
    """Give the meetup its role (None: none); the role it had before, and whether the bot made it."""
    meetup = await session.get(Meetup, meetup_id, with_for_update=True)
    assert meetup is not None
    previous = (meetup.attendee_role_id, meetup.attendee_role_made)
    meetup.attendee_role_id = role_id
    meetup.attendee_role_made = made and role_id is not None
    return previous


async def meetups_to_reconcile(session: AsyncSession, *, guild_id: int, now: datetime) -> list[int]:
    """Meetups of a server whose role may not match the answers: open ones with a role, and any
    with grants left (closed or cancelled while the bot was down)."""
    with_role = await session.scalars(
        select(Meetup.id).where(
            Meetup.guild_id == guild_id,
            Meetup.attendee_role_id.is_not(None),
            Meetup.status == MeetupStatus.SCHEDULED,
            Meetup.ends_at > now - CHECK_IN_CLOSES_AFTER,
        )
    )
    with_grants = await session.scalars(
        select(AttendeeRoleGrant.meetup_id)
        .join(Meetup, Meetup.id == AttendeeRoleGrant.meetup_id)
        .where(Meetup.guild_id == guild_id)
        .distinct()
    )
    made_left = await session.scalars(
        select(Meetup.id).where(
            Meetup.guild_id == guild_id, Meetup.attendee_role_made.is_(True), Meetup.attendee_role_id.is_not(None)
        )
    )
    return sorted(set(with_role) | set(with_grants) | set(made_left))


async def set_server_default(session: AsyncSession, *, guild_id: int, actor: Actor, choice: RoleChoice) -> RoleChoice:
    """`/settings roles`: the attendee role new meetups get when their organizer names none."""
    await insert_ignoring_conflict(session, GuildSettings, guild_id=guild_id)
    row = await session.scalar(select(GuildSettings).where(GuildSettings.guild_id == guild_id).with_for_update())
    assert row is not None  # inserted just above if it was missing
    require_organizer(actor, row.organizer_role_id)
    previous = row.attendee_role
    row.attendee_role = choice.stored()
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="settings.attendee_role",
        details={"from": previous, "to": row.attendee_role},
    )
    return choice


async def carried_role(session: AsyncSession, *, meetup_id: int) -> RoleChoice | None:
    """The attendee role the occurrence before this one of its recurring series had: the same role,
    or a new one of its own if the bot made the one before; None if there is nothing to carry."""
    meetup = await session.get(Meetup, meetup_id)
    if meetup is None or meetup.recurring_series_id is None or meetup.occurrence_index is None:
        return None
    before = await session.scalar(
        select(Meetup)
        .where(
            Meetup.recurring_series_id == meetup.recurring_series_id,
            Meetup.occurrence_index < meetup.occurrence_index,
            Meetup.attendee_role_id.is_not(None),
        )
        .order_by(Meetup.occurrence_index.desc())
        .limit(1)
    )
    if before is None:
        return None
    return NEW_ROLE if before.attendee_role_made else RoleChoice(RoleKind.EXISTING, before.attendee_role_id)

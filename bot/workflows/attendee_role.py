"""The attendee role of /meetup create and /meetup edit: checked against what the bot may do in the
server, made when it is `new`, stored with the meetup, then given by the role sync. Without Manage
Roles, or with a role not below the bot's highest role, the meetup goes on without one and the
organizer is told which is missing."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.db.models import Meetup
from bot.services import attendee_roles
from bot.services.attendee_roles import ROLE_NAME_MAX, RoleChoice, RoleKind
from bot.services.guild_settings import require_guild_organizer
from bot.services.meetup_lookup import get_meetup
from bot.services.organizers import Actor

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


def role_problem(guild: discord.Guild | None, role_id: int | None) -> str | None:
    """Why the bot cannot give `role_id` (None: a role it would make) in `guild`, or None if it can."""
    if guild is None:
        return "I can't see this server's roles right now"
    me = guild.me
    if not me.guild_permissions.manage_roles:
        return "I need the **Manage Roles** permission in this server"
    return None if role_id is None else _existing_role_problem(me, guild.get_role(role_id))


def _existing_role_problem(me: discord.Member, role: discord.Role | None) -> str | None:
    if role is None:
        return "that role no longer exists"
    if role.managed or role.is_default():
        return f"{role.mention} belongs to an integration (or is @everyone): nobody can give it"
    if role >= me.top_role:
        return (
            f"{role.mention} is not below my highest role ({me.top_role.mention}): move my role above it "
            "in Server Settings → Roles"
        )
    return None


async def apply_attendee_role(
    runtime: Runtime, *, guild_id: int, meetup_id: int, actor: Actor, choice: RoleChoice | None, creating: bool
) -> str:
    """Give the meetup its attendee role (a new meetup without a choice takes the server's default);
    the line to add to the organizer's answer ("" when there is nothing to say)."""
    async with runtime.db.reading() as session:
        await require_guild_organizer(session, guild_id=guild_id, actor=actor)
        meetup = await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
        if choice is None and creating:
            choice = await attendee_roles.server_default(session, guild_id=guild_id)
    if choice is None or (creating and choice.kind is RoleKind.NONE):
        return ""
    return await _give_role(runtime, meetup, choice)


async def carry_attendee_role(runtime: Runtime, *, meetup_id: int) -> None:
    """A recurring series' next occurrence takes the attendee role of the one before (a role the bot
    made is made anew for it), so its regulars get it as they are seated; problems are logged."""
    async with runtime.db.reading() as session:
        meetup = await session.get(Meetup, meetup_id)
        choice = await attendee_roles.carried_role(session, meetup_id=meetup_id)
    if meetup is None or choice is None or meetup.attendee_role_id is not None:
        return
    note = await _give_role(runtime, meetup, choice)
    if "No attendee role" in note:
        log.warning("Meetup #%s has no attendee role:%s", meetup_id, note.removeprefix("\nNo attendee role:"))


async def _give_role(runtime: Runtime, meetup: Meetup, choice: RoleChoice) -> str:
    guild_id, meetup_id = meetup.guild_id, meetup.id
    role_id: int | None = None
    if choice.kind is not RoleKind.NONE:
        problem = role_problem(runtime.discord.get_guild(guild_id), choice.role_id)
        if problem is not None:
            return f"\nNo attendee role: {problem}. Everything else is as usual."
        role_id = choice.role_id
        if choice.kind is RoleKind.NEW:
            try:
                made = await runtime.discord.http.create_role(
                    guild_id, name=meetup.title[:ROLE_NAME_MAX], mentionable=False, reason="meetup attendee role"
                )
            except discord.HTTPException as exc:
                log.warning("Could not make the attendee role of meetup #%s: %s", meetup_id, exc)
                return "\nNo attendee role: Discord refused to make it. Everything else is as usual."
            role_id = int(made["id"])
    async with runtime.db.transaction() as session:
        previous_id, previous_made = await attendee_roles.set_meetup_role(
            session, meetup_id=meetup_id, role_id=role_id, made=choice.kind is RoleKind.NEW
        )
    if previous_made and previous_id is not None and previous_id != role_id:
        await _delete_old_role(runtime, meetup, previous_id)
    runtime.attendee_roles.sync_soon(meetup_id)
    if role_id is None:
        return "\nNo attendee role any more: it is taken back from those who had it."
    return f"\nGoing members get <@&{role_id}> while the meetup is open."


async def _delete_old_role(runtime: Runtime, meetup: Meetup, role_id: int) -> None:
    try:
        await runtime.discord.http.delete_role(meetup.guild_id, role_id, reason="the meetup has another role now")
    except discord.NotFound:
        pass
    except discord.HTTPException as exc:  # it stays; its members keep it until an admin deletes it
        log.warning("Could not delete the old attendee role of meetup #%s: %s", meetup.id, exc)
    async with runtime.db.transaction() as session:
        await attendee_roles.record_role_deleted(session, meetup_id=meetup.id, role_id=role_id)

"""Giving and taking attendee roles on Discord so that they follow the stored answers.

One sync per meetup at a time (`MeetupPasses`): a burst of 500 clicks costs one pass, and each
member one request. Requests go one after another, so discord.py paces them by the member-role
route's rate limit headers instead of meeting 429s; what was done is recorded in batches, and a
sync interrupted by a restart is finished by the reconcile at start (`reconcile_guild`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

import discord

from bot.db.database import Database
from bot.db.models import Meetup
from bot.discord_access import DiscordAccess
from bot.publishing.discord_codes import UNKNOWN_ROLE
from bot.publishing.meetup_passes import MeetupPasses
from bot.services import attendee_roles
from bot.services.attendee_roles import ROLE_NAME_MAX, RoleSync

log = logging.getLogger(__name__)

_RECORD_EVERY = 20  # grants written per transaction during a long pass
_REASON = "meetup attendee role"


class AttendeeRoles:
    def __init__(self, db: Database, discord_access: DiscordAccess) -> None:
        self.db = db
        self.discord = discord_access
        self._passes = MeetupPasses(self._sync, what="the attendee role")

    def sync_soon(self, meetup_id: int) -> None:
        """Make the meetup's role match its answers, now or right after the pass under way."""
        self._passes.soon(meetup_id)

    async def stop(self) -> None:
        """At shutdown: what is left is finished by the reconcile at the next start."""
        await self._passes.stop()

    async def follow_title(self, meetup: Meetup) -> None:
        """A role the bot made is named after its meetup: it is renamed when the title changes."""
        if not meetup.attendee_role_made or meetup.attendee_role_id is None:
            return
        try:
            await self.discord.http.edit_role(
                meetup.guild_id, meetup.attendee_role_id, name=meetup.title[:ROLE_NAME_MAX], reason="meetup renamed"
            )
        except discord.HTTPException as exc:  # it keeps the old name; everything else goes on
            log.warning("Could not rename the attendee role of meetup #%s: %s", meetup.id, exc)

    async def reconcile_guild(self, guild_id: int) -> None:
        async with self.db.reading() as session:
            meetup_ids = await attendee_roles.meetups_to_reconcile(
                session, guild_id=guild_id, now=discord.utils.utcnow()
            )
        for meetup_id in meetup_ids:
            self.sync_soon(meetup_id)

    async def _sync(self, meetup_id: int) -> None:
        async with self.db.reading() as session:
            plan = await attendee_roles.plan_role_sync(session, meetup_id=meetup_id, now=discord.utils.utcnow())
        if plan is not None and not plan.settled:
            await self.carry_out(plan)

    async def carry_out(self, plan: RoleSync) -> None:
        """Give and take back what `plan` says, recording each step."""
        meetup_id = plan.meetup_id
        http = self.discord.http
        await self._take_back(plan)
        if self._passes.stopping:
            return
        if plan.release:
            async with self.db.transaction() as session:
                await attendee_roles.record_taken_back(session, meetup_id=meetup_id, user_ids=plan.release)
        if plan.delete_role and plan.role_id is not None:
            with contextlib.suppress(discord.NotFound):
                await http.delete_role(plan.guild_id, plan.role_id, reason="the meetup is over")
            async with self.db.transaction() as session:
                await attendee_roles.record_role_deleted(session, meetup_id=meetup_id, role_id=plan.role_id)
            return
        if plan.role_id is None:
            return
        if plan.adopt:
            async with self.db.transaction() as session:
                await attendee_roles.record_given(
                    session, meetup_id=meetup_id, role_id=plan.role_id, user_ids=plan.adopt
                )
        await self._give(plan, plan.role_id)

    async def _give(self, plan: RoleSync, role_id: int) -> None:
        given: list[int] = []
        try:
            for user_id in plan.give:
                if self._passes.stopping:
                    return
                try:
                    await self.discord.http.add_role(plan.guild_id, user_id, role_id, reason=_REASON)
                except discord.NotFound as exc:
                    if exc.code == UNKNOWN_ROLE:
                        await self._role_gone(plan.meetup_id, role_id)
                        return
                    # The member left the server: recorded all the same, so that it is not asked again.
                given.append(user_id)
                if len(given) >= _RECORD_EVERY:
                    await self._record_given(plan.meetup_id, role_id, given)
                    given = []
        finally:
            if given:
                await self._record_given(plan.meetup_id, role_id, given)

    async def _take_back(self, plan: RoleSync) -> None:
        taken: list[int] = []
        try:
            for user_id, role_id in plan.take_back:
                if self._passes.stopping:
                    return
                with contextlib.suppress(discord.NotFound):  # the role or the member is gone
                    await self.discord.http.remove_role(plan.guild_id, user_id, role_id, reason=_REASON)
                taken.append(user_id)
        finally:
            if taken:
                async with self.db.transaction() as session:
                    await attendee_roles.record_taken_back(session, meetup_id=plan.meetup_id, user_ids=taken)

    async def _record_given(self, meetup_id: int, role_id: int, user_ids: Sequence[int]) -> None:
        async with self.db.transaction() as session:
            await attendee_roles.record_given(session, meetup_id=meetup_id, role_id=role_id, user_ids=user_ids)

    async def _role_gone(self, meetup_id: int, role_id: int) -> None:
        log.info("The attendee role of meetup #%s was deleted; the meetup has none now", meetup_id)
        async with self.db.transaction() as session:
            await attendee_roles.record_role_deleted(session, meetup_id=meetup_id, role_id=role_id)

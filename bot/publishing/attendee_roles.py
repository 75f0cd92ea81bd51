"""Giving and taking attendee roles on Discord so that they follow the stored answers.

One sync per meetup at a time: a change that comes while it runs asks for one more pass, so a
burst of 500 clicks costs one pass (and each member one request), not 500. Requests go one after
another, so discord.py paces them by the member-role route's rate limit headers instead of
meeting 429s; what was done is recorded in batches, and a sync interrupted by a restart is
finished by the reconcile at start (`reconcile_guild`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

import discord

from bot.db.database import Database
from bot.discord_access import DiscordAccess
from bot.publishing.discord_codes import UNKNOWN_ROLE
from bot.services import attendee_roles
from bot.services.attendee_roles import RoleSync

log = logging.getLogger(__name__)

_RECORD_EVERY = 20  # grants written per transaction during a long pass
_REASON = "meetup attendee role"
_PASSES_AT_ONCE = 4


class AttendeeRoles:
    def __init__(self, db: Database, discord_access: DiscordAccess) -> None:
        self.db = db
        self.discord = discord_access
        self._again: set[int] = set()
        self._passes: dict[int, asyncio.Task[None]] = {}
        # Passes at once: a thousand meetups redrawn together (their phase moved) must not take every
        # database connection for a look that finds nothing to do in most of them.
        self._slots = asyncio.Semaphore(_PASSES_AT_ONCE)

    def sync_soon(self, meetup_id: int) -> None:
        """Make the meetup's role match its answers, now or right after the pass under way."""
        if meetup_id in self._passes:
            self._again.add(meetup_id)
            return
        self._passes[meetup_id] = asyncio.get_running_loop().create_task(
            self._run(meetup_id), name=f"attendee role of meetup {meetup_id}"
        )

    async def settled(self) -> None:
        """Wait until no sync is running (tests, and the end of a command that changed roles)."""
        while self._passes:
            await asyncio.gather(*self._passes.values(), return_exceptions=True)

    async def stop(self) -> None:
        """At shutdown: what is left is finished by the reconcile at the next start. Waits
        for the passes to wind down: one stopped inside a transaction must have rolled it back
        before the shutdown's own writes (SQLite has one writer)."""
        passes = list(self._passes.values())
        for task in passes:
            task.cancel()
        await asyncio.gather(*passes, return_exceptions=True)

    async def reconcile_guild(self, guild_id: int) -> None:
        async with self.db.reading() as session:
            meetup_ids = await attendee_roles.meetups_to_reconcile(
                session, guild_id=guild_id, now=discord.utils.utcnow()
            )
        for meetup_id in meetup_ids:
            self.sync_soon(meetup_id)

    async def _run(self, meetup_id: int) -> None:
        try:
            while True:
                self._again.discard(meetup_id)
                try:
                    async with self._slots:
                        await self._sync(meetup_id)
                except discord.HTTPException as exc:
                    log.warning("Could not bring the attendee role of meetup #%s up to date: %s", meetup_id, exc)
                    self._again.discard(meetup_id)  # the next change tries again; no retry storm
                except Exception:
                    log.exception("The attendee role sync of meetup #%s failed", meetup_id)
                    self._again.discard(meetup_id)
                if meetup_id not in self._again:
                    return
        finally:
            self._passes.pop(meetup_id, None)

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

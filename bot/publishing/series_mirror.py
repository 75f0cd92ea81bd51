"""A recurring series in the Events tab as one recurring scheduled event, where Discord can say it.

The event is made with the first occurrence mirrored (its `recurrence_rule` from that occurrence
on) and is the same event for every later one: as each occurrence is posted, the event is moved on
to it (start, end, its message link, and the rule from it on), much as Discord itself moves a
recurring event on when an occurrence ends. Where the rule cannot be said for an occurrence (see
`recurring_events.py`; also an occurrence moved or lengthened on its own, and a series that stops
with it), the event drops its rule and becomes that occurrence's own event; later occurrences are
then mirrored each as its own event, or carried again by a new recurring event once they can be.

A cancelled or skipped occurrence does not cancel the series' event: it moves on to the next
occurrence at once (the series posts that one at once too). Discord's event exceptions would mark
one date as not held, but its guide does not document them yet; no date is ever left out ahead of
the open occurrence, so moving the start on is exact.

discord.py's `create_guild_scheduled_event` and `edit_scheduled_event` leave `recurrence_rule` out
of what they send, so these requests are made on the routes directly.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import discord
from discord.http import Route

from bot.db.database import Database
from bot.db.models import Meetup
from bot.discord_access import DiscordAccess
from bot.publishing.recurring_events import discord_recurrence_rule
from bot.services import meetups
from bot.services.recurrence import occurrence_start
from bot.services.series_events import SeriesEvent, adopt_series_event, release_series_event, series_event

log = logging.getLogger(__name__)

EXTERNAL = 3  # entity type: somewhere outside Discord
GUILD_ONLY = 2  # privacy level


class SeriesMirror:
    """The recurring event of each series whose rule Discord can say."""

    def __init__(self, db: Database, discord_access: DiscordAccess) -> None:
        self.db = db
        self.discord = discord_access

    async def mirror(self, meetup: Meetup, payload: dict[str, Any]) -> bool:
        """Mirror an occurrence through its series' event; False when it is to be mirrored as its
        own event instead (the meetup does not repeat, or Discord cannot say its series)."""
        async with self.db.reading() as session:
            found = await series_event(session, meetup)
        if found is None:
            return False
        rule = _rule_for(found, meetup)
        if rule is None:
            return await self._let_go(meetup, found, payload)
        payload = payload | {"recurrence_rule": rule}
        event_id = found.event_id or meetup.scheduled_event_id
        if event_id is not None and not await self._edit(meetup.guild_id, event_id, payload):
            await self._forget(found, event_id)  # deleted in the Events tab: a new one carries the series
            event_id = None
        if event_id is None:
            created = await self._request("POST", meetup.guild_id, None, _new(payload))
            event_id = int(created["id"])
        async with self.db.transaction() as session:
            kept = await adopt_series_event(session, series_id=found.series_id, meetup_id=meetup.id, event_id=event_id)
        if kept != event_id:
            log.info("Series #%s already has event %s; deleting the one just made", found.series_id, kept)
            await self._delete(meetup.guild_id, event_id)
        return True

    async def cancel(self, meetup: Meetup) -> bool:
        """A cancelled occurrence carried by its series' event: the event moves on to the next
        occurrence. False when the event is to be cancelled as a meetup's own event."""
        async with self.db.reading() as session:
            found = await series_event(session, meetup)
        if found is None or not found.carries(meetup) or found.event_id is None:
            return False
        following = None
        if found.rule is not None and meetup.occurrence_index is not None:
            following = discord_recurrence_rule(found.rule, from_index=meetup.occurrence_index + 1)
        if following is None:
            await self._forget(found, found.event_id)
            return False
        start = datetime.fromisoformat(following["start"])
        moved = {
            "scheduled_start_time": start.isoformat(),
            "scheduled_end_time": (start + found.length).isoformat(),
            "recurrence_rule": following,
        }
        if not await self._edit(meetup.guild_id, found.event_id, moved):
            await self._forget(found, found.event_id)
        return True

    async def _let_go(self, meetup: Meetup, found: SeriesEvent, payload: dict[str, Any]) -> bool:
        """The rule cannot be said for this occurrence: the series' event, if any, stops carrying it."""
        if found.event_id is None:
            return False
        if meetup.scheduled_event_id not in (None, found.event_id):
            # The occurrence has an event of its own already: the series' one would show it twice.
            await self._forget(found, found.event_id)
            await self._delete(meetup.guild_id, found.event_id)
            return False
        if not await self._edit(meetup.guild_id, found.event_id, payload | {"recurrence_rule": None}):
            await self._forget(found, found.event_id)
            return False
        async with self.db.transaction() as session:
            await release_series_event(session, series_id=found.series_id, event_id=found.event_id)
            await meetups.record_scheduled_event(session, meetup_id=meetup.id, event_id=found.event_id)
        log.info("Series #%s: its event %s now mirrors meetup #%s alone", found.series_id, found.event_id, meetup.id)
        return True

    async def _forget(self, found: SeriesEvent, event_id: int) -> None:
        async with self.db.transaction() as session:
            await release_series_event(session, series_id=found.series_id, event_id=event_id)

    async def _edit(self, guild_id: int, event_id: int, payload: dict[str, Any]) -> bool:
        """False when the event is gone (deleted in the Events tab)."""
        try:
            await self._request("PATCH", guild_id, event_id, payload)
        except discord.NotFound:
            return False
        return True

    async def _delete(self, guild_id: int, event_id: int) -> None:
        try:
            await self._request("DELETE", guild_id, event_id, None)
        except discord.HTTPException as exc:
            log.info("Could not delete scheduled event %s: %s", event_id, exc)

    async def _request(self, method: str, guild_id: int, event_id: int | None, body: dict[str, Any] | None) -> Any:
        if event_id is None:
            route = Route(method, "/guilds/{guild_id}/scheduled-events", guild_id=guild_id)
        else:
            route = Route(
                method,
                "/guilds/{guild_id}/scheduled-events/{event_id}",
                guild_id=guild_id,
                event_id=event_id,
            )
        if body is None:
            return await self.discord.http.request(route)
        return await self.discord.http.request(route, json=body)


def _rule_for(found: SeriesEvent, meetup: Meetup) -> dict[str, Any] | None:
    """The recurrence rule of the series' event from this occurrence on, if Discord can say it and
    this occurrence is where and as long as the rule has it."""
    index = meetup.occurrence_index
    if found.rule is None or index is None or meetup.ends_at - meetup.starts_at != found.length:
        return None
    if occurrence_start(found.rule, index) != meetup.starts_at:
        return None
    return discord_recurrence_rule(found.rule, from_index=index)


def _new(payload: dict[str, Any]) -> dict[str, Any]:
    return {"entity_type": EXTERNAL, "privacy_level": GUILD_ONLY, **payload}

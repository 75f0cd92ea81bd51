"""Guild scheduled events through discord.py: create, edit, delete, events, and the permission rule."""

from __future__ import annotations

import asyncio
import datetime as dt

import discord
import pytest
from discord.http import Route

from tests.emulator import DEFAULT_BOT_PERMISSIONS, DiscordEmulator, Permission

from .conftest import ClientFactory, World

START = dt.datetime(2030, 5, 1, 10, 0, tzinfo=dt.UTC)


async def _create(guild: discord.Guild) -> discord.ScheduledEvent:
    return await guild.create_scheduled_event(
        name="Dinner",
        start_time=START,
        end_time=START + dt.timedelta(hours=2),
        entity_type=discord.EntityType.external,
        location="Gangnam",
        privacy_level=discord.PrivacyLevel.guild_only,
        description="ICCV folks",
    )


async def test_create_edit_delete_with_gateway_events(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    guild = client.get_guild(world.guild.id)
    assert guild is not None
    seen: asyncio.Queue[str] = asyncio.Queue()

    @client.event
    async def on_scheduled_event_create(event: discord.ScheduledEvent) -> None:
        await seen.put(f"create {event.name}")

    @client.event
    async def on_scheduled_event_update(before: discord.ScheduledEvent, after: discord.ScheduledEvent) -> None:
        await seen.put(f"update {after.name}")

    @client.event
    async def on_scheduled_event_delete(event: discord.ScheduledEvent) -> None:
        await seen.put(f"delete {event.name}")

    event = await _create(guild)
    event = await event.edit(name="Dinner (moved)", location="Itaewon")
    await event.delete()

    assert [await asyncio.wait_for(seen.get(), 2) for _ in range(3)] == [
        "create Dinner",
        "update Dinner (moved)",
        "delete Dinner (moved)",
    ]
    stored = emu.state.scheduled_events[event.id]
    assert stored.deleted and stored.entity_metadata == {"location": "Itaewon"}
    assert stored.scheduled_start_time.startswith("2030-05-01T10:00:00")


async def test_creating_events_needs_manage_or_create_events(emu: DiscordEmulator, start_client: ClientFactory) -> None:
    no_events = DEFAULT_BOT_PERMISSIONS & ~int(Permission.MANAGE_EVENTS | Permission.CREATE_EVENTS)
    guild_record = emu.create_guild(
        "strict", bot_permissions=no_events, everyone_permissions=int(Permission.VIEW_CHANNEL)
    )
    client = await start_client()
    guild = client.get_guild(guild_record.id)
    assert guild is not None

    with pytest.raises(discord.Forbidden) as refused:
        await _create(guild)

    assert refused.value.code == 50013
    with pytest.raises(discord.NotFound) as unknown:
        await guild.fetch_scheduled_event(1)
    assert unknown.value.code == 10070


def _external_event(**extra: object) -> dict[str, object]:
    return {
        "name": "Reading group",
        "scheduled_start_time": START.isoformat(),
        "scheduled_end_time": (START + dt.timedelta(hours=2)).isoformat(),
        "entity_type": 3,
        "privacy_level": 2,
        "entity_metadata": {"location": "Library"},
        **extra,
    }


def _events_route(guild_id: int, event_id: int | None = None) -> Route:
    if event_id is None:
        return Route("POST", "/guilds/{guild_id}/scheduled-events", guild_id=guild_id)
    return Route(
        "PATCH",
        "/guilds/{guild_id}/scheduled-events/{event_id}",
        guild_id=guild_id,
        event_id=event_id,
    )


WEDNESDAYS = {"start": START.isoformat(), "frequency": 2, "interval": 1, "by_weekday": [2]}


async def test_a_recurrence_rule_is_stored_answered_and_taken_away(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    created = await client.http.request(_events_route(world.guild.id), json=_external_event(recurrence_rule=WEDNESDAYS))
    event_id = int(created["id"])
    expected = WEDNESDAYS | {
        "end": None,
        "by_n_weekday": None,
        "by_month": None,
        "by_month_day": None,
        "by_year_day": None,
        "count": None,
    }
    assert created["recurrence_rule"] == expected
    fetched = await client.http.get_scheduled_event(world.guild.id, event_id, False)
    assert fetched["recurrence_rule"] == expected

    every_other = {"start": START.isoformat(), "frequency": 2, "interval": 2, "by_weekday": [2]}
    moved = await client.http.request(_events_route(world.guild.id, event_id), json={"recurrence_rule": every_other})
    assert moved["recurrence_rule"]["interval"] == 2
    renamed = await client.http.request(_events_route(world.guild.id, event_id), json={"name": "Renamed"})
    assert renamed["recurrence_rule"]["interval"] == 2  # a PATCH without the rule keeps it
    once = await client.http.request(_events_route(world.guild.id, event_id), json={"recurrence_rule": None})
    assert once["recurrence_rule"] is None
    assert emu.state.scheduled_events[event_id].recurrence_rule is None
    assert emu.schema_errors == []


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        pytest.param({"frequency": 2, "by_weekday": [2], "count": 10}, "count", id="count"),
        pytest.param({"frequency": 2, "by_weekday": [2], "end": "2030-12-01T10:00:00+00:00"}, "end", id="end"),
        pytest.param({"frequency": 0, "by_year_day": [100]}, "by_year_day", id="by_year_day"),
        pytest.param({"frequency": 2, "by_weekday": [1, 2]}, "by_weekday", id="weekly-two-days"),
        pytest.param({"frequency": 3, "by_weekday": [0, 2]}, "by_weekday", id="daily-unknown-set"),
        pytest.param({"frequency": 1, "by_weekday": [2]}, "by_weekday", id="monthly-by-weekday"),
        pytest.param({"frequency": 2, "by_n_weekday": [{"n": 1, "day": 2}]}, "by_n_weekday", id="weekly-n-weekday"),
        pytest.param(
            {"frequency": 1, "by_n_weekday": [{"n": 1, "day": 2}, {"n": 3, "day": 2}]},
            "by_n_weekday",
            id="two-n-weekdays",
        ),
        pytest.param({"frequency": 1, "by_month_day": [15]}, "by_month", id="monthly-on-a-date"),
        pytest.param({"frequency": 0, "by_month": [7]}, "by_month", id="yearly-without-day"),
        pytest.param({"frequency": 0, "by_month": [7, 8], "by_month_day": [24]}, "by_month", id="yearly-two-months"),
        pytest.param(
            {"frequency": 2, "by_weekday": [2], "by_n_weekday": [{"n": 1, "day": 2}]},
            "by_n_weekday",
            id="exclusive",
        ),
        pytest.param({"frequency": 2, "interval": 3, "by_weekday": [2]}, "interval", id="every-third-week"),
        pytest.param({"frequency": 1, "interval": 2, "by_n_weekday": [{"n": 1, "day": 2}]}, "interval", id="bimonthly"),
        pytest.param({"frequency": 1, "by_n_weekday": [{"n": 6, "day": 2}]}, "by_n_weekday.0.n", id="schema-n"),
    ],
)
@pytest.mark.expect_problems
async def test_rules_past_discords_limitations_are_refused(
    emu: DiscordEmulator, world: World, start_client: ClientFactory, rule: dict[str, object], field: str
) -> None:
    client = await start_client()
    body = _external_event(recurrence_rule={"start": START.isoformat(), **rule})

    with pytest.raises(discord.HTTPException) as refused:
        await client.http.request(_events_route(world.guild.id), json=body)

    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert f"In recurrence_rule.{field}" in str(refused.value)
    assert {v.json_path for v in emu.schema_errors} == {f"recurrence_rule.{field}"}
    assert emu.state.guild(world.guild.id).scheduled_event_ids == []


@pytest.mark.expect_problems
async def test_a_patch_is_held_to_the_same_limitations(
    emu: DiscordEmulator, world: World, start_client: ClientFactory
) -> None:
    client = await start_client()
    created = await client.http.request(_events_route(world.guild.id), json=_external_event())
    monthly_on_the_15th = {"start": START.isoformat(), "frequency": 1, "by_month_day": [15]}

    with pytest.raises(discord.HTTPException) as refused:
        await client.http.request(
            _events_route(world.guild.id, int(created["id"])), json={"recurrence_rule": monthly_on_the_15th}
        )

    assert refused.value.code == 50035
    assert emu.state.scheduled_events[int(created["id"])].recurrence_rule is None

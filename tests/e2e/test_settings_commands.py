"""/settings through Discord: answered privately, stored, checked for permission, kept across restarts."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import AuditLogEntry, GuildSettings
from tests.e2e.harness import BotRunner, Server, run_command
from tests.emulator import DiscordEmulator

EPHEMERAL = 64


async def stored_settings(runner: BotRunner, guild_id: int) -> GuildSettings | None:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        return await session.get(GuildSettings, guild_id)


async def test_organizer_sets_the_timezone(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    ix = await run_command(emu, server, server.organizer, "settings timezone", zone="asia/seoul")
    assert ix.ephemeral
    assert ix.content == "Times typed in this server are now read in `Asia/Seoul`."
    row = await stored_settings(bot_running, server.guild.id)
    assert row is not None
    assert row.timezone == "Asia/Seoul"


async def test_member_without_permission_is_refused_and_nothing_is_stored(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    ix = await run_command(emu, server, server.member, "settings timezone", zone="Asia/Seoul")
    assert ix.ephemeral
    assert ix.content is not None
    assert ix.content.startswith("Only organizers can do that")
    assert await stored_settings(bot_running, server.guild.id) is None


async def test_unknown_zone_gets_a_clear_answer(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    ix = await run_command(emu, server, server.organizer, "settings timezone", zone="Mars/Olympus")
    assert ix.ephemeral
    assert ix.content is not None
    assert "I don't know the time zone `Mars/Olympus`" in ix.content
    assert await stored_settings(bot_running, server.guild.id) is None


async def test_timezone_autocomplete_suggests_zones(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    choices = await emu.autocomplete(
        server.guild.id, server.channel.id, server.organizer.id, "settings timezone", focused="zone", value="seoul"
    )
    assert {"name": "Asia/Seoul", "value": "Asia/Seoul"} in choices


async def test_organizer_role_lets_its_members_organize(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    helpers = emu.create_role(server.guild.id, "Helpers")
    helper = emu.create_member(server.guild.id, "helper", roles=[helpers])
    refused = await run_command(emu, server, helper, "settings timezone", zone="Europe/Berlin")
    assert refused.content is not None and refused.content.startswith("Only organizers")
    set_role = await run_command(emu, server, server.organizer, "settings organizer-role", role=helpers.id)
    assert set_role.content == f"Members with <@&{helpers.id}> can now organize meetups."
    allowed = await run_command(emu, server, helper, "settings timezone", zone="Europe/Berlin")
    assert allowed.content == "Times typed in this server are now read in `Europe/Berlin`."
    not_reassigned = await run_command(emu, server, helper, "settings organizer-role")
    assert not_reassigned.content is not None and "Manage Server or Manage Events" in not_reassigned.content
    assert bot_running.bot is not None
    async with bot_running.bot.db.reading() as session:
        actions = (await session.scalars(select(AuditLogEntry.action).order_by(AuditLogEntry.id))).all()
    assert actions == ["settings.organizer_role", "settings.timezone"]


async def test_show_is_for_anyone_and_shows_the_stored_values(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    await run_command(emu, server, server.organizer, "settings timezone", zone="Asia/Seoul")
    ix = await run_command(emu, server, server.member, "settings show")
    assert ix.ephemeral
    fields = {f["name"]: f["value"] for f in ix.embeds[0]["fields"]}
    assert fields["Time zone"] == "`Asia/Seoul`"
    assert "none set" in fields["Organizers"]


async def test_settings_survive_a_restart(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    await run_command(emu, server, server.organizer, "settings timezone", zone="Asia/Seoul")
    await bot_running.restart()
    ix = await run_command(emu, server, server.member, "settings show")
    fields = {f["name"]: f["value"] for f in ix.embeds[0]["fields"]}
    assert fields["Time zone"] == "`Asia/Seoul`"


async def test_commands_are_synced_only_when_they_change(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    def syncs() -> int:
        return len([c for c in emu.calls if c.method == "PUT" and c.route.endswith("/commands")])

    assert syncs() == 1
    names = {c.name for c in emu.commands()}
    assert {"settings", "meetup"} <= names
    await bot_running.restart()
    assert syncs() == 1  # unchanged definitions: no second sync
    await bot_running.restart(force_sync=True)
    assert syncs() == 2


async def test_with_a_dev_guild_commands_go_to_that_guild_only(
    emu: DiscordEmulator, server: Server, bots: BotRunner
) -> None:
    await bots.start(dev_guild_id=server.guild.id)
    guild_syncs = [c for c in emu.calls if c.method == "PUT" and c.route.endswith("/guilds/{guild_id}/commands")]
    assert len(guild_syncs) == 1 and str(server.guild.id) in guild_syncs[0].path
    assert {c.name for c in emu.commands(server.guild.id)} >= {"settings", "meetup"}
    ix = await run_command(emu, server, server.member, "settings show")
    assert ix.embeds


async def test_zones_that_cannot_be_used_are_refused_with_what_to_write(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    answers = {
        "America": "`America` is a region of the zone database, not a zone: add the place, like `America/New_York`",
        "EST": "`EST` is not a zone I can use",
        "Europe/" + "x" * 293: "I don't know the time zone `Europe/xxx",
        "Europe/Berln": "I don't know the time zone `Europe/Berln`. Did you mean `Europe/Berlin`?",
    }
    for zone, says in answers.items():
        ix = await run_command(emu, server, server.organizer, "settings timezone", zone=zone)
        assert ix.ephemeral and ix.content is not None
        assert ix.content.startswith(says), ix.content
        assert "x" * 101 not in ix.content
    assert await stored_settings(bot_running, server.guild.id) is None
    old_name = await run_command(emu, server, server.organizer, "settings timezone", zone="US/Pacific")
    assert old_name.content == "Times typed in this server are now read in `America/Los_Angeles`."


async def test_autocomplete_offers_current_zones_never_old_aliases(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    async def ask(value: str) -> list[str]:
        choices = await emu.autocomplete(
            server.guild.id, server.channel.id, server.organizer.id, "settings timezone", focused="zone", value=value
        )
        return [c["value"] for c in choices]

    assert await ask("calcutta") == ["Asia/Kolkata"]
    names = await ask("US/")
    assert names and not [n for n in names if n.startswith("US/")]

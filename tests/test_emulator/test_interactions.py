"""Interactions served to a real command tree: slash commands, deferrals, components, modals, the rules."""

from __future__ import annotations

import asyncio
import io

import discord
import pytest
from discord import app_commands

from tests.emulator import DiscordEmulator
from tests.emulator.command_options import CommandNotRegistered

from .conftest import ClientFactory, World, all_intents


class Settings(app_commands.Group):
    """/settings timezone zone:<text> — a group with a subcommand, a string option with autocomplete."""

    @app_commands.command(description="Set the server's time zone")
    async def timezone(self, interaction: discord.Interaction, zone: str, notify: bool = False) -> None:
        await interaction.response.send_message(f"Time zone set to {zone} (notify={notify})", ephemeral=True)

    @timezone.autocomplete("zone")
    async def zone_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        zones = ["Europe/Berlin", "Europe/Paris", "Asia/Seoul"]
        return [app_commands.Choice(name=z, value=z) for z in zones if z.startswith(current)]


class Rsvp(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Going", custom_id="rsvp:going", style=discord.ButtonStyle.success)
    async def going(self, interaction: discord.Interaction, button: discord.ui.Button[Rsvp]) -> None:
        await interaction.response.edit_message(content=f"{interaction.user.name} is going")

    @discord.ui.select(
        custom_id="rsvp:when",
        options=[discord.SelectOption(label=t, value=t) for t in ("18", "19")],
        max_values=2,
    )
    async def when(self, interaction: discord.Interaction, select: discord.ui.Select[Rsvp]) -> None:
        await interaction.response.send_message(f"works for you: {', '.join(select.values)}", ephemeral=True)

    @discord.ui.button(label="Note", custom_id="rsvp:note")
    async def note(self, interaction: discord.Interaction, button: discord.ui.Button[Rsvp]) -> None:
        await interaction.response.send_modal(NoteModal())


class NoteModal(discord.ui.Modal, title="Add a note"):
    note: discord.ui.TextInput[NoteModal] = discord.ui.TextInput(label="Note", custom_id="note", max_length=200)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"noted: {self.note.value}", ephemeral=True)


def build_tree(client: discord.Client, world: World) -> app_commands.CommandTree[discord.Client]:
    tree = app_commands.CommandTree(client)
    tree.add_command(Settings(name="settings", description="Server settings"))

    @tree.command(description="Announce a meetup to someone")
    async def announce(
        interaction: discord.Interaction, who: discord.Member, where: discord.TextChannel, role: discord.Role
    ) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content=f"{who.name} in #{where.name} for {role.name}")
        await interaction.followup.send("followup sent", ephemeral=True)

    @tree.command(description="Post the RSVP panel")
    async def panel(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("RSVP here", view=Rsvp())

    @tree.command(description="Answers twice")
    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")
        try:
            await interaction.response.send_message("second")
        except discord.InteractionResponded:  # discord.py guards this; go around it to reach Discord
            await interaction._state.http.request(
                discord.http.Route(
                    "POST",
                    "/interactions/{interaction_id}/{token}/callback",
                    interaction_id=interaction.id,
                    token=interaction.token,
                ),
                json={"type": 4, "data": {"content": "second"}},
            )

    @tree.command(description="Calendar file")
    async def export(interaction: discord.Interaction) -> None:
        calendar = discord.File(io.BytesIO(b"BEGIN:VCALENDAR"), filename="meetup.ics")
        await interaction.response.send_message("Add it to your calendar", file=calendar, ephemeral=True)

    @tree.command(description="Thinks privately, then answers with a followup")
    async def ponder(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("first thought")  # no ephemeral flag: Discord keeps the deferral's
        await interaction.followup.send("second thought")

    @tree.command(description="Too slow")
    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.3)  # longer than the test's short deadline
        await interaction.response.send_message("finally")

    return tree


@pytest.fixture
async def tree_client(emu: DiscordEmulator, world: World, start_client: ClientFactory) -> discord.Client:
    client = discord.Client(intents=all_intents(), guild_ready_timeout=0.05)
    tree = build_tree(client, world)
    client.add_view(Rsvp())
    client = await start_client(client)
    await tree.sync()
    return client


async def test_registered_commands_are_stored(emu: DiscordEmulator, tree_client: discord.Client) -> None:
    names = sorted(c.name for c in emu.commands())
    assert names == ["announce", "export", "panel", "ponder", "settings", "slow", "twice"]
    settings = next(c for c in emu.commands() if c.name == "settings")
    assert settings.definition["options"][0]["name"] == "timezone"


async def test_slash_command_with_subcommand_and_options_answered_ephemerally(
    emu: DiscordEmulator, world: World, tree_client: discord.Client
) -> None:
    ix = await emu.slash_command(
        world.guild.id,
        world.channel.id,
        world.alice.id,
        "settings timezone",
        zone="Europe/Berlin",
        notify=True,
    )
    response = await ix.wait_response()

    assert response.type == 4
    assert ix.ephemeral and ix.content == "Time zone set to Europe/Berlin (notify=True)"
    assert ix.message is not None and ix.message.ephemeral_user_id == world.alice.id
    payload = ix.record.payload
    assert payload["member"]["permissions"] == str(
        emu.state.permissions_in(emu.state.channels[world.channel.id], world.alice.id)
    )
    assert payload["app_permissions"] and payload["version"] == 1 and payload["attachment_size_limit"] > 0


async def test_autocomplete_returns_the_bots_choices(
    emu: DiscordEmulator, world: World, tree_client: discord.Client
) -> None:
    choices = await emu.autocomplete(
        world.guild.id, world.channel.id, world.alice.id, "settings timezone", focused="zone", value="Euro"
    )
    assert [c["value"] for c in choices] == ["Europe/Berlin", "Europe/Paris"]


async def test_deferred_answer_then_edit_and_followup_with_resolved_options(
    emu: DiscordEmulator, world: World, tree_client: discord.Client
) -> None:
    ix = await emu.slash_command(
        world.guild.id,
        world.channel.id,
        world.alice.id,
        "announce",
        who=world.bob.id,
        where=world.channel.id,
        role=world.organizers.id,
    )
    assert (await ix.wait_response()).type == 5
    await ix.wait_final()
    await emu.wait_for(lambda: ix.followups, 2, "the followup")

    assert ix.message is not None and ix.message.content == "bob in #general for Organizers"
    assert ix.followups[0].content == "followup sent" and ix.followups[0].ephemeral
    assert not ix.message.ephemeral


async def test_the_first_followup_after_a_deferral_replaces_the_thinking_message(
    emu: DiscordEmulator, world: World, tree_client: discord.Client
) -> None:
    ix = await emu.slash_command(world.guild.id, world.channel.id, world.alice.id, "ponder")
    await ix.wait_response()
    await emu.wait_for(lambda: len(ix.followups) == 2, 2, "both followups")
    first, second = ix.followups
    assert ix.message is first
    assert first.content == "first thought" and first.ephemeral  # inherited from the deferral
    assert not first.flags & 128  # no longer loading
    assert second.content == "second thought" and not second.ephemeral


async def test_button_select_and_modal(emu: DiscordEmulator, world: World, tree_client: discord.Client) -> None:
    panel = await emu.slash_command(world.guild.id, world.channel.id, world.alice.id, "panel")
    await panel.wait_response()
    assert panel.message is not None
    message_id = panel.message.id

    click = await emu.click_button(world.channel.id, message_id, "rsvp:going", world.alice.id)
    assert (await click.wait_response()).type == 7
    assert emu.message(message_id).content == "alice is going"

    chosen = await emu.select(world.channel.id, message_id, "rsvp:when", ["18", "19"], world.bob.id)
    await chosen.wait_response()
    assert chosen.content == "works for you: 18, 19" and chosen.ephemeral

    opened = await emu.click_button(world.channel.id, message_id, "rsvp:note", world.alice.id)
    assert (await opened.wait_response()).type == 9 and opened.modal is not None
    submitted = await emu.submit_modal(opened, {"note": "vegetarian"})
    await submitted.wait_response()
    assert submitted.content == "noted: vegetarian"


async def test_a_second_response_is_rejected_with_40060(
    emu: DiscordEmulator, world: World, tree_client: discord.Client
) -> None:
    ix = await emu.slash_command(world.guild.id, world.channel.id, world.alice.id, "twice")
    await ix.wait_response()
    await emu.wait_for(lambda: ix.rejected, 2, "the second response")

    assert [e.code for e in ix.rejected] == [40060] and ix.content == "first"


async def test_a_response_after_the_deadline_is_10062(
    emu: DiscordEmulator, world: World, tree_client: discord.Client
) -> None:
    emu.interactions.deadline = 0.1
    ix = await emu.slash_command(world.guild.id, world.channel.id, world.alice.id, "slow")
    await emu.wait_for(lambda: ix.rejected, 3, "the late response")

    assert [e.code for e in ix.rejected] == [10062] and not ix.acknowledged


async def test_unregistered_commands_and_bad_options_fail_loudly(
    emu: DiscordEmulator, world: World, tree_client: discord.Client
) -> None:
    with pytest.raises(CommandNotRegistered, match="'meetup'"):
        await emu.slash_command(world.guild.id, world.channel.id, world.alice.id, "meetup create")
    with pytest.raises(CommandNotRegistered, match="is a group"):
        await emu.slash_command(world.guild.id, world.channel.id, world.alice.id, "settings")
    with pytest.raises(ValueError, match="required"):
        await emu.slash_command(world.guild.id, world.channel.id, world.alice.id, "settings timezone")


async def test_followups_stop_working_when_the_token_expires(
    emu: DiscordEmulator, world: World, tree_client: discord.Client
) -> None:
    ix = await emu.slash_command(world.guild.id, world.channel.id, world.alice.id, "panel")
    await ix.wait_response()
    emu.interactions.token_ttl = 0.0
    route = discord.http.Route(
        "POST",
        "/webhooks/{webhook_id}/{webhook_token}",
        webhook_id=emu.application_id,
        webhook_token=ix.token,
    )
    with pytest.raises(discord.HTTPException) as expired:
        await tree_client.http.request(route, json={"content": "too late"})
    assert (expired.value.status, expired.value.code) == (401, 50027)


async def test_slash_command_in_a_dm(emu: DiscordEmulator, world: World, tree_client: discord.Client) -> None:
    dm = emu.state.dm_channel_for(world.alice.id)
    ix = await emu.slash_command(None, dm.id, world.alice.id, "settings timezone", zone="Asia/Seoul")
    await ix.wait_response()
    assert ix.content == "Time zone set to Asia/Seoul (notify=False)"
    assert "user" in ix.record.payload and "member" not in ix.record.payload
    assert ix.record.payload["context"] == 1


async def test_a_response_with_a_file(emu: DiscordEmulator, world: World, tree_client: discord.Client) -> None:
    ix = await emu.slash_command(world.guild.id, world.channel.id, world.alice.id, "export")
    await ix.wait_response()
    [attachment] = ix.attachments
    assert (attachment.filename, attachment.data) == ("meetup.ics", b"BEGIN:VCALENDAR")
    assert ix.ephemeral and attachment.ephemeral

"""Who may organize, where the bot posts for them, and what autocomplete shows to whom.

Organizer status is read from the member's server-level permissions and roles, never from the
channel the command is typed in; a post goes only where the organizer may write too; autocomplete
suggests nothing to members who are not organizers and nothing of a channel the asker cannot view."""

from __future__ import annotations

from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import create_meetup, future, meetup_id_of, public_messages
from tests.emulator import DiscordEmulator, Permission
from tests.emulator.models import ChannelType

NOT_ORGANIZER = "Only organizers can do that"
VIEW_AND_SEND = int(Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES)


async def test_a_channel_overwrite_granting_manage_events_does_not_make_an_organizer(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    stage = emu.world.create_channel(server.guild.id, "main-stage", kind=ChannelType.GUILD_VOICE)
    emu.set_channel_overwrite(stage.id, server.member.id, allow=int(Permission.MANAGE_EVENTS), target_type=1)
    create = await emu.slash_command(
        server.guild.id,
        stage.id,
        server.member.id,
        "meetup create",
        title="Side event",
        when=future(),
        channel=server.channel.id,
    )
    await create.wait_final(timeout=10)
    assert create.ephemeral and create.content is not None and create.content.startswith(NOT_ORGANIZER)
    listing = await emu.slash_command(server.guild.id, stage.id, server.member.id, "meetup list")
    await listing.wait_final(timeout=10)
    assert listing.content is not None and listing.content.startswith(NOT_ORGANIZER)
    assert public_messages(emu, server.channel.id) == []


async def test_the_owner_and_administrators_organize_and_a_denied_channel_overwrite_does_not_unmake_them(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    admins = emu.create_role(server.guild.id, "Admins", permissions=int(Permission.ADMINISTRATOR))
    admin = emu.create_member(server.guild.id, "admin", roles=[admins])
    owner = emu.state.guild(server.guild.id).owner_id
    for user_id in (admin.id, owner):
        ix = await emu.slash_command(server.guild.id, server.channel.id, user_id, "meetup list")
        await ix.wait_final(timeout=10)
        assert ix.content is not None and not ix.content.startswith(NOT_ORGANIZER), ix.content
    # Manage Events denied in this one channel: the organizer is still an organizer of the server.
    emu.set_channel_overwrite(server.channel.id, server.organizers.id, deny=int(Permission.MANAGE_EVENTS))
    _, message = await create_meetup(emu, server, title="Still mine")
    assert meetup_id_of(message) > 0


async def test_the_bot_posts_only_where_the_organizer_may_view_and_write(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    read_only = emu.create_text_channel(server.guild.id, "announcements")
    hidden = emu.create_text_channel(server.guild.id, "staff-room")
    emu.set_channel_overwrite(read_only.id, server.guild.id, deny=int(Permission.SEND_MESSAGES))
    emu.set_channel_overwrite(hidden.id, server.guild.id, deny=int(Permission.VIEW_CHANNEL))
    for channel in (read_only, hidden):  # the bot itself may post in both
        emu.set_channel_overwrite(channel.id, emu.bot_user_id, allow=VIEW_AND_SEND, target_type=1)
    for channel in (read_only, hidden):
        for command, options in (
            ("meetup create", {"title": "t", "when": future()}),
            ("meetup poll", {"title": "t", "options": f"{future(10)}; {future(11)}"}),
        ):
            ix = await run_command(emu, server, server.organizer, command, channel=channel.id, **options)
            assert ix.ephemeral and ix.content is not None
            what = "meetup" if command == "meetup create" else "poll"
            assert ix.content.startswith(f"You can't post the {what} in <#{channel.id}>"), ix.content
            assert public_messages(emu, channel.id) == []
    # Once the organizers may write there, the same command posts.
    emu.set_channel_overwrite(read_only.id, server.organizers.id, allow=VIEW_AND_SEND)
    await create_meetup(emu, server, channel=read_only.id)


async def test_autocomplete_suggests_nothing_to_members_and_nothing_of_hidden_channels(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    staff = emu.create_role(server.guild.id, "Staff room")
    senior = emu.create_member(server.guild.id, "senior", roles=[server.organizers, staff])
    private = emu.create_text_channel(server.guild.id, "staff-only")
    emu.set_channel_overwrite(private.id, server.guild.id, deny=int(Permission.VIEW_CHANNEL))
    emu.set_channel_overwrite(private.id, staff.id, allow=VIEW_AND_SEND)
    emu.set_channel_overwrite(private.id, emu.bot_user_id, allow=int(Permission.VIEW_CHANNEL), target_type=1)
    await create_meetup(emu, server, title="Open karaoke")
    await create_meetup(emu, server, by=senior, title="Secret karaoke", channel=private.id)
    await run_command(
        emu,
        server,
        senior,
        "meetup poll",
        title="Secret poll",
        options=f"{future(10)}; {future(11)}",
        channel=private.id,
    )

    async def suggested(user_id: int, command: str, focused: str, value: str = "") -> list[str]:
        choices = await emu.autocomplete(
            server.guild.id, server.channel.id, user_id, command, focused=focused, value=value
        )
        return [str(c["name"]) for c in choices]

    senior_sees = await suggested(senior.id, "meetup cancel", "meetup", "karaoke")
    assert len(senior_sees) == 2
    organizer_sees = await suggested(server.organizer.id, "meetup cancel", "meetup", "karaoke")
    assert len(organizer_sees) == 1 and "Open karaoke" in organizer_sees[0]
    assert await suggested(server.organizer.id, "meetup attendees", "meetup") == organizer_sees
    assert await suggested(server.organizer.id, "meetup finalize", "poll") == []
    assert len(await suggested(senior.id, "meetup finalize", "poll")) == 1
    for command, focused in (
        ("meetup cancel", "meetup"),
        ("meetup attendees", "meetup"),
        ("meetup finalize", "poll"),
        ("meetup create", "timezone"),
        ("settings timezone", "zone"),
    ):
        assert await suggested(server.member.id, command, focused) == [], command


async def test_numbers_past_32_bits_are_not_found_rather_than_failing(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    for number in (2**31, 2**40, 2**53 - 1):
        cancel = await run_command(emu, server, server.organizer, "meetup cancel", meetup=number)
        assert cancel.ephemeral and cancel.content == f"I can't find meetup #{number} in this server."
        finalize = await run_command(emu, server, server.organizer, "meetup finalize", poll=number)
        assert finalize.ephemeral and finalize.content == f"I can't find poll #{number} in this server."
    zero = await run_command(emu, server, server.organizer, "meetup attendees", meetup=-5)
    assert zero.content == "I can't find meetup #-5 in this server."
    choices = await emu.autocomplete(
        server.guild.id, server.channel.id, server.organizer.id, "meetup cancel", focused="meetup", value="#99999999999"
    )
    assert choices == []

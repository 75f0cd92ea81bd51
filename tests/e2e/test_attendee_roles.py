"""Attendee roles through Discord: the role follows the answers (clicks, promotions, withdrawals),
a role made for a meetup is deleted when it is cancelled or closed, a member keeps a role another
open meetup still gives, a burst of 500 clicks gives each member the role once within the rate
limits, a restart in the middle finishes the job, and without Manage Roles or with a role above
the bot's the organizer is told and the meetup is posted all the same."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import BotRunner, Server, poll_until, run_command
from tests.e2e.meetup_steps import click, create_meetup, custom_id, meetup_id_of, move_meetup
from tests.e2e.test_polls import make_poll, vote
from tests.e2e.test_regulars import post_next
from tests.e2e.test_undo import press_undo
from tests.emulator import DEFAULT_BOT_PERMISSIONS, DiscordEmulator, Permission

WAIT = 60.0  # the CI machine is slow: conditions are waited for, never timed


def allow_manage_roles(emu: DiscordEmulator, guild_id: int) -> None:
    bot_role = next(r for r in emu.state.guild(guild_id).roles.values() if r.bot_id == emu.state.bot_user.id)
    emu.set_role_permissions(guild_id, bot_role.id, DEFAULT_BOT_PERMISSIONS | Permission.MANAGE_ROLES)


def holders(emu: DiscordEmulator, guild_id: int, role_id: int) -> set[int]:
    return {m.user_id for m in emu.state.guild(guild_id).members.values() if role_id in m.role_ids}


async def wait_holders(emu: DiscordEmulator, server: Server, role_id: int, expected: set[int], what: str) -> None:
    await poll_until(lambda: holders(emu, server.guild.id, role_id) == expected, what=what, timeout=WAIT)


def role_named(emu: DiscordEmulator, guild_id: int, name: str) -> int | None:
    return next((r.id for r in emu.state.guild(guild_id).roles.values() if r.name == name), None)


async def test_a_new_role_follows_the_answers_and_is_deleted_when_the_meetup_is_cancelled(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    allow_manage_roles(emu, server.guild.id)
    ix, message = await create_meetup(emu, server, title="Karaoke night", capacity=1, attendee_role="new")
    role_id = role_named(emu, server.guild.id, "Karaoke night")
    assert role_id is not None
    assert f"Going members get <@&{role_id}>" in (ix.content or "")
    alice, bob = server.members[:2]
    await click(emu, server, message, "Going", alice)
    await wait_holders(emu, server, role_id, {alice.id}, "alice to get the role")
    assert "waitlist" in ((await click(emu, server, message, "Going", bob)).content or "")
    await click(emu, server, message, "Can't go", alice)  # bob moves in, and gets the role
    await wait_holders(emu, server, role_id, {bob.id}, "the role to move to the promoted member")
    await click(emu, server, message, "Maybe", bob)
    await wait_holders(emu, server, role_id, set(), "Maybe to take the role back")
    await click(emu, server, message, "Going", bob)
    await wait_holders(emu, server, role_id, {bob.id}, "bob to get it again")

    await run_command(emu, server, server.organizer, "meetup cancel", meetup=meetup_id_of(message))
    await poll_until(
        lambda: role_id not in emu.state.guild(server.guild.id).roles, what="the role to be deleted", timeout=WAIT
    )
    assert emu.sent_429 == 0


async def test_an_existing_role_stays_while_another_open_meetup_gives_it_and_goes_at_the_close(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    allow_manage_roles(emu, server.guild.id)
    attendees = emu.create_role(server.guild.id, "Attendees", below_bot=True)
    ix, first = await create_meetup(emu, server, title="Dinner", attendee_role=attendees.name)
    assert f"<@&{attendees.id}>" in (ix.content or "")
    _, second = await create_meetup(emu, server, title="Lunch", attendee_role=f"<@&{attendees.id}>")
    alice, bob = server.members[:2]
    await click(emu, server, first, "Going", alice)
    await click(emu, server, second, "Going", alice)
    await click(emu, server, second, "Going", bob)
    await wait_holders(emu, server, attendees.id, {alice.id, bob.id}, "both to hold the role")
    await click(emu, server, first, "Can't go", alice)
    await click(emu, server, second, "Can't go", bob)
    await wait_holders(emu, server, attendees.id, {alice.id}, "alice to keep it through the second meetup")

    await move_meetup(bot_running, meetup_id_of(second), starts_in=-timedelta(hours=6))  # closed
    await wait_holders(emu, server, attendees.id, set(), "the close to take the role back")
    assert attendees.id in emu.state.guild(server.guild.id).roles  # not the bot's own: never deleted


async def test_without_manage_roles_the_organizer_is_told_and_the_meetup_is_posted(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    ix, message = await create_meetup(emu, server, title="Board games", attendee_role="new")
    assert "Manage Roles" in (ix.content or "")
    assert role_named(emu, server.guild.id, "Board games") is None
    assert (await click(emu, server, message, "Going", server.member)).content == "You're going: seat 1."
    assert emu.member_role_changes == []


async def test_a_role_above_the_bots_is_refused_by_name_and_the_meetup_is_posted(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    allow_manage_roles(emu, server.guild.id)
    high = emu.create_role(server.guild.id, "Moderators")  # at the top, above the bot's role
    ix, message = await create_meetup(emu, server, title="Board games", attendee_role="Moderators")
    assert f"<@&{high.id}> is not below my highest role" in (ix.content or "")
    await click(emu, server, message, "Going", server.member)
    edited = await run_command(
        emu, server, server.organizer, "meetup edit", meetup=meetup_id_of(message), attendee_role=high.name
    )
    assert "not below my highest role" in (edited.content or "")
    assert emu.member_role_changes == []


async def test_a_member_without_organizer_rights_cannot_set_a_role(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    allow_manage_roles(emu, server.guild.id)
    _, message = await create_meetup(emu, server, title="Picnic")
    refused = await run_command(
        emu, server, server.member, "meetup edit", meetup=meetup_id_of(message), attendee_role="new"
    )
    assert role_named(emu, server.guild.id, "Picnic") is None
    assert "Going members get" not in (refused.content or "")


async def test_500_going_clicks_give_each_member_the_role_once_within_the_rate_limits(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    allow_manage_roles(emu, server.guild.id)
    _, message = await create_meetup(emu, server, title="Poster party", attendee_role="new")
    role_id = role_named(emu, server.guild.id, "Poster party")
    assert role_id is not None
    members = [emu.create_member(server.guild.id, f"fan{i}") for i in range(500)]
    going = custom_id(message, "Going")
    clicks = [await emu.click_button(server.channel.id, message.id, going, m.id) for m in members]
    for ix in clicks:
        await ix.wait_final(timeout=WAIT)
    everyone = {m.id for m in members}
    await wait_holders(emu, server, role_id, everyone, "all 500 to hold the role")
    added = [user for _, user, role, add in emu.member_role_changes if role == role_id and add]
    assert sorted(added) == sorted(everyone)  # each once

    leaving = members[:50]
    for member in leaving:
        await click(emu, server, message, "Going", member)  # withdraws
    await wait_holders(emu, server, role_id, everyone - {m.id for m in leaving}, "the 50 to lose it")
    assert emu.sent_429 == 0


async def test_a_restart_in_the_middle_of_giving_roles_finishes_the_job(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    allow_manage_roles(emu, server.guild.id)
    emu.configure_rate_limit("PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}", limit=5, per=1.0)
    attendees = emu.create_role(server.guild.id, "Attendees", below_bot=True)
    _, message = await create_meetup(emu, server, title="Hike", attendee_role=str(attendees.id))
    members = [emu.create_member(server.guild.id, f"hiker{i}") for i in range(40)]
    going = custom_id(message, "Going")
    clicks = [await emu.click_button(server.channel.id, message.id, going, m.id) for m in members]
    for ix in clicks:
        await ix.wait_final(timeout=WAIT)
    await poll_until(lambda: len(holders(emu, server.guild.id, attendees.id)) >= 5, what="a first few", timeout=WAIT)
    await bot_running.restart()
    await wait_holders(emu, server, attendees.id, {m.id for m in members}, "the rest after the restart")
    # A new process knows nothing of the bucket the old one was using: its first request may meet
    # one 429, which discord.py waits out; after that it follows the headers.
    assert emu.sent_429 <= 1


async def test_the_server_default_gives_new_meetups_a_role_of_their_own(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    allow_manage_roles(emu, server.guild.id)
    shown = await run_command(emu, server, server.organizer, "settings roles")
    assert "no attendee role" in (shown.content or "")
    changed = await run_command(emu, server, server.organizer, "settings roles", attendee_role="new")
    assert "a new role for each meetup" in (changed.content or "")
    shown = await run_command(emu, server, server.member, "settings show")
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert fields["Attendee role"].startswith("New meetups: a new role for each meetup")
    refused = await run_command(emu, server, server.member, "settings roles", attendee_role="none")
    assert "a new role for each meetup" not in (refused.content or "")
    _, message = await create_meetup(emu, server, title="Quiz night")
    role_id = role_named(emu, server.guild.id, "Quiz night")
    assert role_id is not None
    await click(emu, server, message, "Going", server.member)
    await wait_holders(emu, server, role_id, {server.member.id}, "the member to get the default role")
    await create_meetup(emu, server, title="Coffee", attendee_role="none")
    assert role_named(emu, server.guild.id, "Coffee") is None


async def test_the_voters_a_finalized_poll_carries_over_get_the_servers_default_role(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    allow_manage_roles(emu, server.guild.id)
    attendees = emu.create_role(server.guild.id, "Attendees", below_bot=True)
    await run_command(emu, server, server.organizer, "settings roles", attendee_role=attendees.name)
    poll_id = await make_poll(emu, server, capacity=1)
    a, b = server.members[:2]
    await vote(emu, server, a, "Works for me", [3])
    await vote(emu, server, b, "Works for me", [3])
    await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id)
    await wait_holders(emu, server, attendees.id, {a.id}, "the voter seated to get the role, not the waitlisted one")


async def test_regulars_get_the_role_of_each_next_meetup_of_their_series(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    allow_manage_roles(emu, server.guild.id)
    _, message = await create_meetup(emu, server, title="Weekly run", repeat="weekly", attendee_role="new")
    first_role = role_named(emu, server.guild.id, "Weekly run")
    assert first_role is not None
    regular = server.member
    await click(emu, server, message, "Every time", regular)
    await wait_holders(emu, server, first_role, {regular.id}, "the regular to get the first meetup's role")
    await post_next(emu, server, bot_running, made=2)
    await poll_until(
        lambda: len([r for r in emu.state.guild(server.guild.id).roles.values() if r.name == "Weekly run"]) == 2,
        what="the next meetup's own role",
        timeout=WAIT,
    )
    second_role = max(r.id for r in emu.state.guild(server.guild.id).roles.values() if r.name == "Weekly run")
    await wait_holders(emu, server, second_role, {regular.id}, "the regular to get the next meetup's role")


async def test_undo_takes_back_an_existing_role_and_deletes_a_new_one(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    allow_manage_roles(emu, server.guild.id)
    attendees = emu.create_role(server.guild.id, "Attendees", below_bot=True)
    existing, first = await create_meetup(emu, server, title="Typo night", attendee_role=attendees.name)
    made, second = await create_meetup(emu, server, title="Typo day", attendee_role="new")
    role_id = role_named(emu, server.guild.id, "Typo day")
    assert role_id is not None
    await click(emu, server, first, "Going", server.member)
    await click(emu, server, second, "Going", server.member)
    await wait_holders(emu, server, attendees.id, {server.member.id}, "the member to hold the role")
    await wait_holders(emu, server, role_id, {server.member.id}, "the member to hold the new role")
    await press_undo(emu, server, existing, server.organizer.id)
    await press_undo(emu, server, made, server.organizer.id)
    await wait_holders(emu, server, attendees.id, set(), "the undo to take the role back")
    assert role_id not in emu.state.guild(server.guild.id).roles


async def test_a_role_the_bot_made_and_the_thread_follow_a_new_title(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    allow_manage_roles(emu, server.guild.id)
    _, message = await create_meetup(emu, server, title="Karaoke nihgt", attendee_role="new", thread="on")
    role_id = role_named(emu, server.guild.id, "Karaoke nihgt")
    assert role_id is not None
    await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id_of(message), title="Karaoke night")
    assert emu.state.guild(server.guild.id).roles[role_id].name == "Karaoke night"
    thread = emu.state.channels[message.id]
    assert (thread.name or "").startswith("Karaoke night")

"""The buttons under a `/meetup followup` confirmation: stored plans, one follow-up per plan, a
restart in between, refused posts that leave nothing behind, and invitations that fail after."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from bot.db.models import FollowupPlan, Meetup, Poll, Reminder
from tests.e2e.followup_steps import ended_meetup
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import future, public_messages
from tests.emulator import DiscordEmulator, InteractionHandle, MessageRecord, Permission, User

POST_MESSAGE = ("POST", "/channels/{channel_id}/messages")


async def confirmation(emu: DiscordEmulator, server: Server, meetup_id: int, **options: object) -> MessageRecord:
    asked = await run_command(emu, server, server.organizer, "meetup followup", meetup=meetup_id, **options)
    message = asked.last_message
    assert message is not None and message.components, asked.content
    return message


def buttons(emu: DiscordEmulator, message: MessageRecord) -> dict[str, str]:
    """Label -> custom id, of the message as it is now."""
    shown = emu.message(message.id)
    return {c["label"]: str(c["custom_id"]) for row in shown.components for c in row["components"]}


async def press(
    emu: DiscordEmulator, server: Server, message: MessageRecord, label: str, user: User | None = None
) -> InteractionHandle:
    user = user or server.organizer
    ix = await emu.click_button(server.channel.id, message.id, buttons(emu, message)[label], user.id)
    await ix.wait_final(timeout=10)
    return ix


async def buttons_gone(emu: DiscordEmulator, message: MessageRecord) -> bool:
    """Wait until the confirmation shows no buttons (a refused click is told first, then they go)."""
    await emu.wait_for(lambda: emu.message(message.id).components == [], timeout=5, what="the buttons to go")
    return True


async def followups_of(runner: BotRunner, meetup_id: int) -> list[Meetup]:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        return list((await session.scalars(select(Meetup).where(Meetup.followup_of == meetup_id))).all())


async def count(runner: BotRunner, model: type) -> int:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def invitations(emu: DiscordEmulator, server: Server) -> list[MessageRecord]:
    return [m for m in public_messages(emu, server.channel.id) if m.content.startswith("📣 A follow-up session")]


async def test_a_confirmation_works_after_a_restart_and_makes_one_follow_up(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    audience = server.members[:3]
    first_id = await ended_meetup(emu, server, bot_running, audience)
    asked = await confirmation(emu, server, first_id, when=future(3))
    assert "**3 members** showed interest and did not attend" in asked.content
    assert "The buttons work for you until <t:" in asked.content and "even if the bot restarts" in asked.content
    assert list(buttons(emu, asked)) == ["Create follow-up", "Cancel"]
    old_copy = copy.deepcopy(asked.components)

    await bot_running.restart()
    created = await press(emu, server, asked, "Create follow-up")
    assert created.rejected == []
    text = emu.message(asked.id).content
    assert text.startswith("Follow-up meetup #") and "Invited 3 members (3 pinged in the channel, 0 by DM)." in text
    assert emu.message(asked.id).components == []
    [made] = await followups_of(bot_running, first_id)
    assert f"#{made.id}" in text and made.message_id is not None
    [invitation] = invitations(emu, server)
    assert sorted(invitation.pinged_user_ids) == sorted(u.id for u in audience)

    # A copy of the confirmation still showing its buttons (a client that missed the edit).
    emu.message(asked.id).components = old_copy
    again = await press(emu, server, asked, "Create follow-up")
    assert again.content == f"This follow-up was already settled (follow-up meetup #{made.id}); nothing more was done."
    assert again.last_message is not None and again.last_message.ephemeral
    assert await buttons_gone(emu, asked) and emu.message(asked.id).content == text
    assert len(await followups_of(bot_running, first_id)) == 1 and len(invitations(emu, server)) == 1


async def test_two_clicks_at_once_make_one_follow_up(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    first_id = await ended_meetup(emu, server, bot_running, server.members[:2])
    asked = await confirmation(emu, server, first_id, when=future(3))
    create = buttons(emu, asked)["Create follow-up"]
    clicks = [await emu.click_button(server.channel.id, asked.id, create, server.organizer.id) for _ in range(2)]

    def settled() -> bool:
        """The confirmation shows the follow-up, and the click that came second was told."""
        shown = emu.message(asked.id)
        return (
            shown.content.startswith("Follow-up meetup #")
            and not shown.components
            and any(ix.followups for ix in clicks)
        )

    await emu.wait_for(settled, timeout=10, what="both clicks to be answered")
    assert all(ix.acknowledged and ix.rejected == [] for ix in clicks)
    [made] = await followups_of(bot_running, first_id)
    [told] = [m.content for ix in clicks for m in ix.followups]
    assert told in (
        "Your other click is making this follow-up right now; nothing more was done.",
        f"This follow-up was already settled (follow-up meetup #{made.id}); nothing more was done.",
    )
    assert f"Follow-up meetup #{made.id} is posted" in emu.message(asked.id).content
    assert len(invitations(emu, server)) == 1


async def test_a_member_who_is_no_longer_an_organizer_is_refused_and_nothing_changes(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    first_id = await ended_meetup(emu, server, bot_running, server.members[:2])
    asked = await confirmation(emu, server, first_id, when=future(3))
    emu.set_member_roles(server.guild.id, server.organizer.id, [])
    refused = await press(emu, server, asked, "Create follow-up")
    assert (refused.content or "").startswith("Only organizers can do that")
    assert await followups_of(bot_running, first_id) == [] and invitations(emu, server) == []
    assert list(buttons(emu, asked)) == ["Create follow-up", "Cancel"]  # still there for a retry

    emu.set_member_roles(server.guild.id, server.organizer.id, [server.organizers])
    created = await press(emu, server, asked, "Create follow-up")
    assert (created.content or "").startswith("Follow-up meetup #")
    assert len(await followups_of(bot_running, first_id)) == 1


async def test_an_expired_confirmation_makes_nothing_and_loses_its_buttons(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    first_id = await ended_meetup(emu, server, bot_running, server.members[:2])
    asked = await confirmation(emu, server, first_id, when=future(3))
    assert bot_running.bot is not None
    async with bot_running.bot.db.transaction() as session:
        await session.execute(update(FollowupPlan).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    late = await press(emu, server, asked, "Create follow-up")
    assert re.fullmatch(
        r"This follow-up confirmation expired <t:\d+:F> \(<t:\d+:R>\), so nothing was created\. "
        r"Run `/meetup followup` again for a fresh one\.",
        late.content or "",
    ), late.content
    assert await buttons_gone(emu, asked)
    assert await followups_of(bot_running, first_id) == [] and invitations(emu, server) == []


async def test_cancel_makes_nothing_and_a_later_click_is_told(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    first_id = await ended_meetup(emu, server, bot_running, server.members[:2])
    asked = await confirmation(emu, server, first_id, when=future(3))
    old_copy = copy.deepcopy(asked.components)
    before = len(public_messages(emu, server.channel.id))
    cancelled = await press(emu, server, asked, "Cancel")
    assert cancelled.content == "Cancelled: nothing was created or posted."
    assert emu.message(asked.id).components == []
    emu.message(asked.id).components = old_copy
    again = await press(emu, server, asked, "Create follow-up")
    assert again.content == "This follow-up was already cancelled; nothing was created or posted."
    assert await buttons_gone(emu, asked)
    assert len(public_messages(emu, server.channel.id)) == before
    assert await followups_of(bot_running, first_id) == []


def deny_posting(emu: DiscordEmulator, server: Server) -> None:
    emu.set_channel_overwrite(server.channel.id, emu.bot_user_id, deny=int(Permission.SEND_MESSAGES), target_type=1)


def allow_posting(emu: DiscordEmulator, server: Server) -> None:
    emu.set_channel_overwrite(server.channel.id, emu.bot_user_id, target_type=1)


def fail_next_post_with_503(emu: DiscordEmulator, server: Server) -> None:
    emu.inject_fault(*POST_MESSAGE, status=503, channel_id=server.channel.id)


@dataclass(frozen=True)
class Trouble:
    """A way Discord refuses the follow-up's post, how it is put right, and what the organizer reads."""

    cause: Callable[[DiscordEmulator, Server], None]
    fix: Callable[[DiscordEmulator, Server], None]
    told: str


TROUBLES = {
    "missing permission": Trouble(
        deny_posting,
        allow_posting,
        "Discord did not let me post the follow-up meetup message in <#{channel}>; nothing was created. Give me "
        "View Channel, Send Messages, Embed Links, Add Reactions and Read Message History there, or pick "
        "another channel with `channel`. The Create button works again once that is fixed.",
    ),
    "5xx": Trouble(
        fail_next_post_with_503,
        lambda emu, server: None,  # the fault fires once
        "Discord could not take the follow-up meetup message just now (error 503); nothing was created. "
        "Try again in a moment. The Create button works again once that is fixed.",
    ),
}


@pytest.mark.parametrize("trouble", TROUBLES.values(), ids=TROUBLES.keys())
async def test_a_refused_follow_up_post_leaves_nothing_and_the_button_works_again(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, trouble: Trouble
) -> None:
    first_id = await ended_meetup(emu, server, bot_running, server.members[:2])
    asked = await confirmation(emu, server, first_id, when=future(3))
    reminders = await count(bot_running, Reminder)
    trouble.cause(emu, server)
    refused = await press(emu, server, asked, "Create follow-up")
    assert refused.content == trouble.told.format(channel=server.channel.id)
    assert await followups_of(bot_running, first_id) == []
    assert await count(bot_running, Meetup) == 1 and await count(bot_running, Reminder) == reminders
    assert invitations(emu, server) == []
    assert list(buttons(emu, asked)) == ["Create follow-up", "Cancel"]

    trouble.fix(emu, server)
    created = await press(emu, server, asked, "Create follow-up")
    assert (created.content or "").startswith("Follow-up meetup #"), created.content
    [made] = await followups_of(bot_running, first_id)
    assert made.message_id is not None and await count(bot_running, Reminder) > reminders
    assert len(invitations(emu, server)) == 1


async def test_a_follow_up_for_a_channel_deleted_since_leaves_nothing(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    side = emu.create_text_channel(server.guild.id, "side")
    first_id = await ended_meetup(emu, server, bot_running, server.members[:2])
    asked = await confirmation(emu, server, first_id, when=future(3), channel=side.id)
    emu.delete_channel(side.id)
    refused = await press(emu, server, asked, "Create follow-up")
    assert refused.content == (
        f"The channel <#{side.id}> no longer exists, so the follow-up meetup message could not be posted; "
        "nothing was created. Pick another channel with `channel`. Run `/meetup followup` again to pick it."
    ), refused.content
    assert await followups_of(bot_running, first_id) == [] and await count(bot_running, Meetup) == 1


async def test_a_refused_follow_up_poll_leaves_no_poll_and_opens_once_fixed(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    audience = server.members[:2]
    first_id = await ended_meetup(emu, server, bot_running, audience)
    asked = await confirmation(emu, server, first_id, options=f"{future(3)}; {future(4)}")
    assert list(buttons(emu, asked)) == ["Open a poll", "Cancel"]
    deny_posting(emu, server)
    refused = await press(emu, server, asked, "Open a poll")
    assert (refused.content or "").startswith(
        f"Discord did not let me post the follow-up poll in <#{server.channel.id}>; no poll was opened."
    ) and (refused.content or "").endswith("The poll button works again once that is fixed."), refused.content
    assert await count(bot_running, Poll) == 0 and invitations(emu, server) == []

    allow_posting(emu, server)
    opened = await press(emu, server, asked, "Open a poll")
    assert (opened.content or "").startswith("Poll #") and "Invited 2 members (2 pinged, 0 by DM)." in (
        opened.content or ""
    )
    assert await count(bot_running, Poll) == 1 and emu.message(asked.id).components == []
    [invitation] = invitations(emu, server)
    assert "is being planned" in invitation.content
    assert sorted(invitation.pinged_user_ids) == sorted(u.id for u in audience)


async def test_an_invitation_refused_after_the_post_keeps_the_follow_up_and_says_who_was_not_told(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    by_dm, *pinged = server.members[:3]
    first_id = await ended_meetup(emu, server, bot_running, [by_dm, *pinged])
    await run_command(emu, server, by_dm, "meetup notify", dm="on")
    asked = await confirmation(emu, server, first_id, when=future(3))
    # The meetup message goes through; the channel post with the invitation is refused.
    emu.inject_fault(*POST_MESSAGE, status=503, channel_id=server.channel.id, skip=1)
    created = await press(emu, server, asked, "Create follow-up")
    text = created.content or ""
    assert text.startswith("Follow-up meetup #"), text
    assert text.endswith(
        "Invited 1 of 3 members (0 pinged in the channel, 1 by DM): Discord refused the invitation post for the "
        "other 2, so they were not told. The follow-up stays posted; share its link with them."
    ), text
    [made] = await followups_of(bot_running, first_id)
    assert made.message_id is not None and invitations(emu, server) == []
    assert len(emu.dm_messages(by_dm.id)) == 1
    assert emu.message(asked.id).components == []

"""Steps of the chat-request tests: a gathering both members are at, asking, and answering by the
buttons of a DM or of a private post in the channel."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db.database import Database
from bot.db.migrate import upgrade_to_head
from bot.db.models import ChatRequest, ChatState, Gathering, GatheringMember
from tests.e2e.harness import BotRunner, Server, run_command
from tests.emulator import DiscordEmulator, InteractionHandle, MessageRecord, User

ZONE = "Asia/Seoul"


def seoul_today() -> date:
    return datetime.now(ZoneInfo(ZONE)).date()


def typed_at(day: date, clock: str) -> str:
    return f"{day:%Y-%m-%d} {clock}"


def unix_at(day: date, clock: str) -> int:
    hour, minute = map(int, clock.split(":"))
    return int(datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(ZONE)).timestamp())


async def add_gathering(
    runner: BotRunner, server: Server, members: dict[int, list[date]], *, first: date, last: date
) -> int:
    """A gathering in Seoul from `first` to `last` with these members on its roll call, on their days."""
    assert runner.bot is not None
    async with runner.bot.db.transaction() as session:
        gathering = Gathering(
            guild_id=server.guild.id,
            channel_id=server.channel.id,
            title="ICCV",
            timezone=ZONE,
            starts_on=first,
            ends_on=last,
            created_by=server.organizer.id,
        )
        session.add(gathering)
        await session.flush()
        for user_id, days in members.items():
            session.add(GatheringMember(gathering_id=gathering.id, user_id=user_id, days=[d.isoformat() for d in days]))
        return gathering.id


def all_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


async def ask(emu: DiscordEmulator, server: Server, asker: User, member: User, **options: Any) -> InteractionHandle:
    return await run_command(emu, server, asker, "meetup chat", member=member.id, **options)


def buttons_of(message: MessageRecord) -> dict[str, str]:
    """Label -> custom id of the message's buttons."""
    return {
        str(c.get("label")): str(c["custom_id"])
        for row in message.components
        for c in row.get("components", [])
        if c.get("type") == 2
    }


def last_dm(emu: DiscordEmulator, user: User) -> MessageRecord:
    dms = [m for m in emu.dm_messages(user.id) if m.ephemeral_user_id is None and m.webhook_id is None]
    assert dms, f"no DM to {user.username}"
    return dms[-1]


async def click(emu: DiscordEmulator, message: MessageRecord, label: str, user: User) -> InteractionHandle:
    ix = await emu.click_button(message.channel_id, message.id, buttons_of(message)[label], user.id)
    await ix.wait_final(timeout=10)
    return ix


async def click_and_fill(
    emu: DiscordEmulator, message: MessageRecord, label: str, user: User, time: str
) -> InteractionHandle:
    """Click a button that opens the time form, type `time`, submit it."""
    opened = await emu.click_button(message.channel_id, message.id, buttons_of(message)[label], user.id)
    await opened.wait_response(timeout=10)
    assert opened.modal is not None, opened.content
    submitted = await emu.submit_modal(opened, {"time": time})
    await submitted.wait_final(timeout=10)
    return submitted


async def chat_rows(runner: BotRunner) -> list[ChatRequest]:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        return list((await session.scalars(select(ChatRequest).order_by(ChatRequest.id))).all())


def channel_posts(emu: DiscordEmulator, server: Server) -> list[MessageRecord]:
    """The bot's public posts in the channel (private replies left out)."""
    return [
        m
        for m in emu.channel_messages(server.channel.id)
        if m.author_id == emu.bot_user_id
        and m.ephemeral_user_id is None
        and m.interaction_id is None
        and m.webhook_id is None
    ]


def utc(unix: int) -> datetime:
    return datetime.fromtimestamp(unix, UTC)


async def move_expiry(runner: BotRunner, request_id: int, from_now: timedelta) -> None:
    """Let a request's time run out (rather than wait for the gathering's end)."""
    assert runner.bot is not None
    async with runner.bot.db.transaction() as session:
        row = await session.get(ChatRequest, request_id)
        assert row is not None
        row.expires_at = datetime.now(UTC) + from_now


async def click_stale(emu: DiscordEmulator, message: MessageRecord, user: User) -> InteractionHandle | None:
    """Click Accept on a message that may have lost its buttons: None when it has none."""
    current = emu.message(message.id)
    return await click(emu, current, "Accept", user) if "Accept" in buttons_of(current) else None


async def accepted_chat(database_url: str, server: Server, asker: User, member: User, *, remind_in: timedelta) -> int:
    """An accepted chat whose reminder falls due in `remind_in`, made as an Accept click would leave it."""
    database = Database.from_url(database_url)
    try:
        await upgrade_to_head(database.engine)
        now = datetime.now(UTC)
        async with database.transaction() as session:
            row = ChatRequest(
                guild_id=server.guild.id,
                channel_id=server.channel.id,
                asker_id=asker.id,
                member_id=member.id,
                asker_name=asker.username,
                member_name=member.username,
                timezone="UTC",
                state=ChatState.ACCEPTED,
                proposed=[],
                awaiting_id=member.id,
                starts_at=now + remind_in + timedelta(minutes=15),
                reminder_due_at=now + remind_in,
                expires_at=now + timedelta(days=1),
            )
            session.add(row)
            await session.flush()
            return row.id
    finally:
        await database.dispose()


async def read_chat(database_url: str, request_id: int) -> ChatRequest:
    database = Database.from_url(database_url)
    try:
        async with database.reading() as session:
            row = await session.get(ChatRequest, request_id)
            assert row is not None
            return row
    finally:
        await database.dispose()


async def reminder_recorded(database_url: str, request_id: int) -> bool:
    return (await read_chat(database_url, request_id)).reminder_sent_at is not None

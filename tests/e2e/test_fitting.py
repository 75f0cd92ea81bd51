"""Every answer fits Discord, whatever was typed: the answers that used to be refused by Discord
(a Korean meetup's calendar link, a 25-option poll's confirmation, a refusal quoting a long input)
arrive whole, and whatever still comes out too long is cut on its way out, never lost."""

from __future__ import annotations

import io
import logging
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import discord
import icalendar
import pytest
from discord import app_commands
from discord.http import handle_message_parameters

from tests.e2e.harness import BotRunner, Server, poll_until, run_command
from tests.e2e.meetup_steps import click, create_meetup, meetup_id_of, public_messages, stored_meetup
from tests.emulator import DiscordEmulator

CUT_WARNING = "Cut to fit Discord's limits"
GOOGLE_LINK = re.compile(r"\(<(https://calendar\.google\.com/[^>]+)>\)")
LONG_ZONE = "America/Argentina/Buenos_Aires"

# An ordinary meetup written in Korean: each letter is nine characters once in a URL.
KOREAN_TITLE = "ICCV 2019 한국인 연구자 모임: 학생부터 교수님까지 모두 환영합니다"
KOREAN_PLACE = "서울 코엑스 컨벤션센터 3층 로비, 등록 데스크 옆 카페 앞에서 만나요"
KOREAN_DESCRIPTION = (
    "학회 기간 동안 한국에서 오신 분들끼리 저녁 식사를 함께 하려고 합니다. "
    "발표 일정이 바쁘시더라도 잠깐 들러 인사 나누세요. 장소는 걸어서 5분 거리이고, "
    "식사 비용은 각자 부담입니다. 채식 메뉴도 있습니다. 늦게 오셔도 괜찮으니 편하게 오세요! "
) * 2


def cut_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if CUT_WARNING in r.getMessage()]


async def test_add_to_calendar_answers_a_meetup_written_in_korean(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    _, message = await create_meetup(
        emu, server, title=KOREAN_TITLE, where=KOREAN_PLACE, description=KOREAN_DESCRIPTION
    )
    meetup = await stored_meetup(bot_running, meetup_id_of(message))
    ix = await click(emu, server, message, "Add to calendar", server.member)
    assert ix.ephemeral and ix.content is not None
    assert len(ix.content) <= 2000
    (attachment,) = ix.attachments
    event = icalendar.Calendar.from_ical(attachment.data).walk("VEVENT")[0]
    assert str(event["summary"]) == KOREAN_TITLE
    assert event.decoded("dtstart") == meetup.starts_at
    found = GOOGLE_LINK.search(ix.content)
    assert found is not None, ix.content
    query = parse_qs(urlparse(found.group(1)).query)
    assert query["text"] == [KOREAN_TITLE]  # the link is whole: the details gave way, not the title
    assert query["location"] == [KOREAN_PLACE]
    assert cut_warnings(caplog) == []  # fitted where it was written, not cut on the way out


def poll_options(count: int) -> str:
    start = datetime.now(UTC) + timedelta(days=3)
    return "; ".join(f"{start + timedelta(days=n):%Y-%m-%d} {18 + n % 3}:30" for n in range(count))


async def test_a_25_option_poll_in_a_long_zone_is_confirmed_with_every_time(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    ix = await run_command(
        emu,
        server,
        server.organizer,
        "meetup poll",
        title="서울 저녁 모임 🇰🇷 " * 10,
        options=poll_options(25),
        timezone=LONG_ZONE,
        closes="in 2 days",
    )
    assert ix.ephemeral and ix.content is not None
    assert ix.content.startswith("Poll #"), ix.content
    assert len(ix.content) <= 2000
    lines = ix.content.splitlines()
    assert LONG_ZONE in lines[1]
    numbered = [line for line in lines if re.match(r"\d+\. <t:\d+:F>", line)]
    assert [int(line.split(".")[0]) for line in numbered] == list(range(1, 26))
    assert "18:30" in numbered[0] and "20:30" in numbered[2]  # the wall clock in the poll's zone
    assert cut_warnings(caplog) == []


@pytest.mark.parametrize(
    ("option", "typed"),
    [
        ("when", "다음 주 금요일 저녁쯤 어떨까요 🙂 " * 300),
        ("when", "کل شام سات بجے\u200b" * 400),
        ("duration", "दो घंटे के लिए " * 400),
        ("reminders", "1h, " + "x" * 5000),
    ],
)
async def test_a_refusal_quoting_a_very_long_input_is_answered_privately(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, option: str, typed: str
) -> None:
    options = {"title": "Karaoke night", "when": "tomorrow 19:00", option: typed[:6000]}
    ix = await run_command(emu, server, server.organizer, "meetup create", **options)
    assert ix.ephemeral and ix.content is not None
    assert len(ix.content) < 500, ix.content  # a short excerpt of the input, not all of it
    assert public_messages(emu, server.channel.id) == []


async def test_whatever_is_still_too_long_is_cut_on_its_way_out_with_a_warning(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, caplog: pytest.LogCaptureFixture
) -> None:
    """A command that answers with whatever it is given, added as a plugin would be: its answers
    and suggestions go through discord.py's ordinary paths, and still fit."""
    bot = bot_running.bot
    assert bot is not None

    async def suggest(interaction: object, current: str) -> list[app_commands.Choice[str]]:
        # 30 suggestions, the last 3 with values too long for Discord, every name too long.
        return [app_commands.Choice(name=f"{n} {current}", value=str(n) if n < 27 else current) for n in range(30)]

    @app_commands.command(name="echo", description="Say it back")
    @app_commands.autocomplete(text=suggest)
    async def echo(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(f"<@{server.member.id}> " + text * 3, ephemeral=True)
        file = discord.File(io.BytesIO(b"BEGIN:VCALENDAR"), filename=f"{text * 20}.ics")
        await interaction.followup.send(text * 3, file=file, ephemeral=True)  # a form, not JSON

    bot.tree.add_command(echo)
    await bot.sync_commands(force=True)
    caplog.set_level(logging.WARNING)
    typed = "회의 🇰🇷 https://example.com/한국 " * 60
    ix = await run_command(emu, server, server.member, "echo", text=typed)
    await poll_until(lambda: ix.followups, what="the follow-up")
    for message in (ix.message, ix.followups[0]):
        assert message is not None and message.ephemeral
        assert len(message.content) <= 2000 and message.content.endswith("…")
        assert all(word.endswith("한국") for word in message.content.split() if word.startswith("https://"))
    assert ix.message is not None and ix.message.content.startswith(f"<@{server.member.id}> 회의")
    (attachment,) = ix.followups[0].attachments
    assert len(attachment.filename) <= 1024 and attachment.filename.endswith("….ics")
    choices = await emu.autocomplete(
        server.guild.id, server.channel.id, server.member.id, "echo", focused="text", value="짧은 " * 40
    )
    assert [c["value"] for c in choices] == [str(n) for n in range(25)]  # too long a value: left out, not cut
    assert all(len(c["name"]) <= 100 and c["name"].endswith("짧은…") for c in choices)
    warnings = cut_warnings(caplog)
    assert any("/interactions/" in w and "data.content" in w for w in warnings), warnings
    assert any("/webhooks/" in w and "attachments.0.filename" in w for w in warnings), warnings
    assert any("data.choices" in w for w in warnings), warnings


async def test_a_channel_post_too_long_is_cut_on_its_way_out(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, caplog: pytest.LogCaptureFixture
) -> None:
    bot = bot_running.bot
    assert bot is not None
    caplog.set_level(logging.WARNING)
    mentions = " ".join(f"<@{100_000_000_000_000_000 + n}>" for n in range(150))
    embed = discord.Embed(title="모임 " * 100, description="설명 " * 1500)
    params = handle_message_parameters(content=mentions, embed=embed, allowed_mentions=discord.AllowedMentions.none())
    await bot.http.send_message(server.channel.id, params=params)
    (posted,) = public_messages(emu, server.channel.id)
    assert len(posted.content) <= 2000
    assert posted.content.removesuffix("…").split() == mentions.split()[: len(posted.content.split())]
    assert all(re.fullmatch(r"<@\d{18}>", m) for m in posted.content.removesuffix("…").split())  # none half
    assert len(posted.embeds[0]["title"]) <= 256 and len(posted.embeds[0]["description"]) <= 4096
    assert any("POST /channels/{channel_id}/messages" in w for w in cut_warnings(caplog))


async def test_suggestions_for_long_titles_fit_without_any_cut_on_the_way_out(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    title = ("한국인 연구자 모임 🇰🇷 " * 30)[:256].strip()
    await create_meetup(emu, server, title=title)
    await run_command(emu, server, server.organizer, "meetup poll", title=title, options=poll_options(25))
    lists = [
        await emu.autocomplete(
            server.guild.id, server.channel.id, server.organizer.id, command, focused=focused, value="한국인"
        )
        for command, focused in (("meetup edit", "meetup"), ("meetup finalize", "poll"))
    ]
    for choices in lists:
        (choice,) = choices
        assert len(choice["name"]) <= 100 and "…" in choice["name"]
        assert title.startswith(choice["name"].split(" ", 1)[1].split("…")[0])  # the start of the title
    assert cut_warnings(caplog) == []

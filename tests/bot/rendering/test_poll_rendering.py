"""The poll's picture and its Results answer, at the sizes Discord allows."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta

import discord
import pytest
from PIL import Image

from bot.db.models import Poll, PollOption, PollStatus
from bot.rendering import poll_grid
from bot.rendering.limits import EMBED_DESCRIPTION, EMBED_TOTAL
from bot.rendering.poll_embed import EMBEDS_PER_MESSAGE, render_results_detail
from bot.services.polls import OptionTally, PollResults

# Discord refuses a bot's upload over 10 MiB (the attachment_size_limit of an ordinary server).
ATTACHMENT_LIMIT = 10 * 1024 * 1024
START = datetime(2027, 3, 20, 10, tzinfo=UTC)
FIRST_USER = 400_000_000_000_000_000  # real ids are 18 to 19 digits, which is what fills messages


def poll_results(options: int, voters: int, *, works: float = 0.4, maybe: float = 0.3, seed: int = 1) -> PollResults:
    rng = random.Random(seed)
    poll = Poll(id=7, title="Poster-session dinner", timezone="Asia/Seoul", status=PollStatus.CLOSED, created_by=1)
    users = [FIRST_USER + n for n in range(voters)]
    tallies = []
    for position in range(options):
        option = PollOption(
            id=position + 1, poll_id=7, position=position, starts_at=START + timedelta(hours=7 * position)
        )
        yes = [u for u in users if rng.random() < works]
        if_need_be = [u for u in users if u not in yes and rng.random() < maybe]
        tallies.append(OptionTally(option, yes, if_need_be))
    # Everyone voted at least once: the first option catches those the dice skipped.
    voted = {u for t in tallies for u in (*t.yes, *t.if_need_be)}
    tallies[0].if_need_be.extend(u for u in users if u not in voted and u not in tallies[0].yes)
    return PollResults(poll, tallies, {u: f"Member {u % 1000} with a long display name" for u in users})


def shown_text_px(image: Image.Image, layout: poll_grid.GridLayout) -> float:
    """The smallest text's height in Discord's preview, which scales the image down to fit its box."""
    scale = min(1.0, poll_grid.PREVIEW_W / image.width, poll_grid.PREVIEW_H / image.height)
    return min(poll_grid.TITLE_PX, poll_grid.TEXT_PX) * poll_grid.RENDER_SCALE * scale


def test_a_25_option_poll_with_300_voters_is_legible_at_preview_size() -> None:
    results = poll_results(25, 300)
    png = poll_grid.render_poll_grid(results)
    assert len(png) < ATTACHMENT_LIMIT
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    image.load()  # decodes every pixel: a truncated or corrupt file fails here
    layout = poll_grid.plan_grid(poll_grid.option_labels(results), poll_grid.option_totals(results), 300)
    assert image.size == (layout.width * poll_grid.RENDER_SCALE, layout.height * poll_grid.RENDER_SCALE)
    assert layout.width <= poll_grid.PREVIEW_W and layout.height <= poll_grid.PREVIEW_H
    assert image.width <= poll_grid.PREVIEW_W * poll_grid.RENDER_SCALE
    assert image.height <= poll_grid.PREVIEW_H * poll_grid.RENDER_SCALE
    assert shown_text_px(image, layout) >= poll_grid.MIN_TEXT_PX
    assert layout.upright and layout.column_w >= 14  # a cell is still a visible square
    assert layout.rows >= 8 and layout.hidden == 300 - layout.rows


def test_the_cells_show_each_drawn_voter_s_answers() -> None:
    results = poll_results(25, 300)
    layout = poll_grid.plan_grid(poll_grid.option_labels(results), poll_grid.option_totals(results), 300)
    image = Image.open(io.BytesIO(poll_grid.render_poll_grid(results))).convert("RGB")
    top = poll_grid.PAD + poll_grid.HEADING_H + layout.header_h
    for row, user_id in enumerate(results.voters[: layout.rows]):
        for col, tally in enumerate(results.options):
            x = poll_grid.PAD + poll_grid.NAME_W + col * layout.column_w + layout.column_w // 2
            y = top + row * poll_grid.ROW_H + poll_grid.ROW_H // 2
            expected = (
                poll_grid.WORKS
                if user_id in tally.yes
                else poll_grid.IF_NEED_BE
                if user_id in tally.if_need_be
                else poll_grid.NO
            )
            assert image.getpixel((x * poll_grid.RENDER_SCALE, y * poll_grid.RENDER_SCALE)) == expected


@pytest.mark.parametrize(("options", "voters"), [(2, 0), (2, 1), (3, 5), (8, 40), (12, 100), (19, 3), (25, 500)])
def test_every_poll_size_stays_in_the_preview_box(options: int, voters: int) -> None:
    results = poll_results(options, voters)
    png = poll_grid.render_poll_grid(results)
    image = Image.open(io.BytesIO(png))
    image.load()
    layout = poll_grid.plan_grid(poll_grid.option_labels(results), poll_grid.option_totals(results), voters)
    assert len(png) < ATTACHMENT_LIMIT
    assert image.width <= poll_grid.PREVIEW_W * poll_grid.RENDER_SCALE
    assert image.height <= poll_grid.PREVIEW_H * poll_grid.RENDER_SCALE
    assert shown_text_px(image, layout) >= poll_grid.MIN_TEXT_PX
    assert layout.rows + layout.hidden == voters


def test_fonts_are_scalable_at_the_sizes_the_layout_counts_on() -> None:
    assert poll_grid._font(poll_grid.TEXT_PX).size == poll_grid.TEXT_PX * poll_grid.RENDER_SCALE


def discord_embed_length(embed: dict[str, object]) -> int:
    """What Discord counts against the 6,000 characters of a message's embeds."""
    footer = embed.get("footer") or {}
    assert isinstance(footer, dict)
    return len(str(embed.get("title", ""))) + len(str(embed.get("description", ""))) + len(footer.get("text", ""))


def embed_dicts(embeds: list[discord.Embed]) -> list[dict[str, object]]:
    return [dict(e.to_dict()) for e in embeds]


def within_discord_limits(embeds: list[dict[str, object]]) -> None:
    assert 1 <= len(embeds) <= EMBEDS_PER_MESSAGE
    assert all(len(str(e.get("description", ""))) <= EMBED_DESCRIPTION for e in embeds)
    assert sum(discord_embed_length(e) for e in embeds) <= EMBED_TOTAL


def test_results_of_a_small_poll_list_everyone_per_option() -> None:
    results = poll_results(3, 5)
    detail = render_results_detail(results)
    embeds = embed_dicts(detail.embeds)
    within_discord_limits(embeds)
    assert detail.csv is None and detail.note == ""
    text = "\n".join(str(e.get("description")) for e in embeds)
    for tally in results.options:
        assert f"**{tally.option.position + 1}.** <t:{int(tally.option.starts_at.timestamp())}:F>" in text
    assert all(f"<@{u}>" in text for u in results.voters)


def test_results_switch_to_one_line_per_voter_when_options_would_not_fit() -> None:
    results = poll_results(25, 60, works=0.4, maybe=0.1)
    detail = render_results_detail(results)
    embeds = embed_dicts(detail.embeds)
    within_discord_limits(embeds)
    assert detail.csv is None
    text = "\n".join(str(e.get("description")) for e in embeds)
    assert "**Each voter**" in text
    for user_id in results.voters:
        line = next(line for line in text.splitlines() if line.startswith(f"<@{user_id}>"))
        works = [str(t.option.position + 1) for t in results.options if user_id in t.yes]
        if works:
            assert f"✅ {','.join(works)}" in line


def test_results_of_hundreds_of_voters_attach_everyone_as_csv() -> None:
    results = poll_results(25, 300)
    detail = render_results_detail(results)
    embeds = embed_dicts(detail.embeds)
    within_discord_limits(embeds)
    assert detail.note.startswith("300 voters' choices are more than one Discord message can show")
    assert "attached CSV" in detail.note and detail.csv_name == "poll-7-votes.csv"
    text = "\n".join(str(e.get("description")) for e in embeds)
    shown = [u for u in results.voters if f"<@{u}>" in text]
    assert shown == results.voters[: len(shown)] and len(shown) >= 20
    assert f"and {300 - len(shown)} more voters: everyone is in the attached CSV" in text
    assert detail.csv is not None
    rows = list(csv.reader(io.StringIO(detail.csv.decode())))
    assert rows[0][:3] == ["user_id", "name", "1. 2027-03-20 19:00 Asia/Seoul"] and len(rows[0]) == 27
    assert [int(r[0]) for r in rows[1:]] == results.voters
    for row in rows[1:]:
        user_id = int(row[0])
        for tally, cell in zip(results.options, row[2:], strict=True):
            assert cell == ("works" if user_id in tally.yes else "if need be" if user_id in tally.if_need_be else "")


def test_results_csv_neutralises_formulas_in_names() -> None:
    results = poll_results(25, 300)
    results.names[results.voters[0]] = "=HYPERLINK(1)"
    detail = render_results_detail(results)
    assert detail.csv is not None
    assert "'=HYPERLINK(1)" in detail.csv.decode()

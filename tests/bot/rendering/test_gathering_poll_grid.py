"""The picture of a gathering's poll: who is there under each time, away votes in their own colour,
still inside Discord's preview box."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image

from bot.rendering import poll_grid
from bot.services.poll_tallies import PollResults
from tests.bot.rendering.test_poll_rendering import ATTACHMENT_LIMIT, poll_results, shown_text_px


def among_gathering(results: PollResults) -> PollResults:
    """The same votes, with a roll call: each option's present count, and some voters away on it."""
    tallies = []
    for n, tally in enumerate(results.options):
        voted = {*tally.yes, *tally.if_need_be}
        away = tuple(u for u in results.voters[n % 3 :: 7] if u not in voted)
        tallies.append(replace(tally, present=1000 + 97 * n, away=away))
    return PollResults(results.poll, tallies, results.names, roll_call=4000)


@pytest.mark.parametrize(("options", "voters"), [(2, 1), (3, 40), (8, 40), (25, 500)])
def test_a_gathering_s_poll_picture_stays_in_the_preview_box(options: int, voters: int) -> None:
    results = among_gathering(poll_results(options, voters))
    png = poll_grid.render_poll_grid(results)
    image = Image.open(io.BytesIO(png))
    image.load()
    present = poll_grid.option_present(results)
    assert present is not None and present[0] == "1000 there"
    layout = poll_grid.plan_grid(poll_grid.option_labels(results), poll_grid.option_totals(results), voters, present)
    assert len(png) < ATTACHMENT_LIMIT
    assert image.size == (layout.width * poll_grid.RENDER_SCALE, layout.height * poll_grid.RENDER_SCALE)
    assert layout.width <= poll_grid.PREVIEW_W and layout.height <= poll_grid.PREVIEW_H
    assert shown_text_px(image, layout) >= poll_grid.MIN_TEXT_PX
    assert layout.rows + layout.hidden == voters
    if not layout.upright:  # a line more under each time
        assert layout.header_h == poll_grid.ROW_H * 3 + 4


def test_away_votes_have_their_own_colour() -> None:
    results = among_gathering(poll_results(3, 30))
    present = poll_grid.option_present(results)
    layout = poll_grid.plan_grid(poll_grid.option_labels(results), poll_grid.option_totals(results), 30, present)
    image = Image.open(io.BytesIO(poll_grid.render_poll_grid(results))).convert("RGB")
    top = poll_grid.PAD + poll_grid.HEADING_H + layout.header_h
    seen = set()
    for row, user_id in enumerate(results.voters[: layout.rows]):
        for col, tally in enumerate(results.options):
            x = poll_grid.PAD + poll_grid.NAME_W + col * layout.column_w + layout.column_w // 2
            y = top + row * poll_grid.ROW_H + poll_grid.ROW_H // 2
            expected = (
                poll_grid.WORKS
                if user_id in tally.yes
                else poll_grid.IF_NEED_BE
                if user_id in tally.if_need_be
                else poll_grid.AWAY
                if user_id in tally.away
                else poll_grid.NO
            )
            seen.add(expected)
            assert image.getpixel((x * poll_grid.RENDER_SCALE, y * poll_grid.RENDER_SCALE)) == expected
    assert poll_grid.AWAY in seen


def test_a_poll_without_a_gathering_has_no_present_line() -> None:
    assert poll_grid.option_present(poll_results(3, 5)) is None

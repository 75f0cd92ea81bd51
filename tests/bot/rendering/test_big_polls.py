"""Big polls render in time linear in the voters, and render right at 10,000 voters."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta

from PIL import Image

from bot.db.models import Poll, PollOption, PollStatus
from bot.rendering import poll_grid
from bot.rendering.limits import EMBED_DESCRIPTION, EMBED_TOTAL
from bot.rendering.poll_embed import (
    EMBEDS_PER_MESSAGE,
    render_poll_closed_summary,
    render_poll_embed,
    render_results_csv,
    render_results_detail,
)
from bot.services.poll_tallies import OptionTally, PollResults

START = datetime(2027, 3, 20, 10, tzinfo=UTC)
FIRST_USER = 400_000_000_000_000_000
OPTIONS = 25


class WatchedVoters(list[int]):
    """An option's voters, counting every pass over them and every search in them."""

    passes = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        WatchedVoters.passes += 1
        return super().__iter__()

    def __contains__(self, user_id: object) -> bool:
        WatchedVoters.passes += 1
        return super().__contains__(user_id)


def big_poll(voters: int, *, seed: int = 5) -> tuple[PollResults, dict[int, tuple[set[int], set[int]]]]:
    """A poll and, for checking, each voter's (works, if need be) option numbers."""
    rng = random.Random(seed)
    poll = Poll(id=9, title="ICCV dinner", timezone="Asia/Seoul", status=PollStatus.OPEN, created_by=1)
    tallies = [
        OptionTally(
            PollOption(id=n + 1, poll_id=9, position=n, starts_at=START + timedelta(hours=3 * n)),
            WatchedVoters(),
            WatchedVoters(),
        )
        for n in range(OPTIONS)
    ]
    chosen: dict[int, tuple[set[int], set[int]]] = {}
    for number in range(voters):
        user_id = FIRST_USER + number
        yes = set(rng.sample(range(OPTIONS), rng.randint(1, 10)))
        maybe = set(rng.sample([n for n in range(OPTIONS) if n not in yes], rng.randint(0, 3)))
        for n in yes:
            tallies[n].yes.append(user_id)
        for n in maybe:
            tallies[n].if_need_be.append(user_id)
        chosen[user_id] = ({n + 1 for n in yes}, {n + 1 for n in maybe})
    names = {FIRST_USER + n: f"Voter {n}" for n in range(voters)}
    return PollResults(poll, tallies, names, tuple(chosen)), chosen


def passes_over_voters(voters: int) -> int:
    results, _ = big_poll(voters)
    WatchedVoters.passes = 0
    render_results_detail(results)
    render_results_csv(results)
    poll_grid.render_poll_grid(results)
    render_poll_embed(results)
    render_poll_closed_summary(results)
    return WatchedVoters.passes


def test_rendering_passes_over_each_option_s_voters_a_fixed_number_of_times() -> None:
    """Four times the voters, the same number of passes over the voter lists: no voter's row
    searches the options' lists, so the work is the votes, not voters times votes."""
    small, large = passes_over_voters(2_000), passes_over_voters(8_000)
    assert small == large
    assert large <= 4 * 2 * OPTIONS  # a few passes over each option's two lists, in all


def test_10_000_voters_on_25_options_render_right() -> None:
    results, chosen = big_poll(10_000)
    detail = render_results_detail(results)
    assert detail.note.startswith("10000 voters' choices are more than one Discord message can show")
    embeds = [e.to_dict() for e in detail.embeds]
    assert len(embeds) <= EMBEDS_PER_MESSAGE
    assert all(len(e.get("description", "")) <= EMBED_DESCRIPTION for e in embeds)
    assert sum(len(e.get("description", "")) + len(e.get("title", "")) for e in embeds) <= EMBED_TOTAL
    lines = [line for e in embeds for line in e.get("description", "").splitlines() if line.startswith("<@")]
    assert lines and len(lines) < 10_000
    for line in lines:  # each shown voter's line lists their options
        user_id = int(line[2 : line.index(">")])
        yes, maybe = chosen[user_id]
        assert f"✅ {','.join(map(str, sorted(yes)))}" in line
        if maybe:
            assert f"🤷 {','.join(map(str, sorted(maybe)))}" in line

    assert detail.csv is not None
    rows = list(csv.reader(io.StringIO(detail.csv.decode())))
    assert len(rows) == 10_001 and len(rows[0]) == 2 + OPTIONS
    for row in rows[1:]:
        yes, maybe = chosen[int(row[0])]
        assert row[1] == f"Voter {int(row[0]) - FIRST_USER}"
        expected = ["works" if n in yes else "if need be" if n in maybe else "" for n in range(1, OPTIONS + 1)]
        assert row[2:] == expected

    embed = render_poll_embed(results).to_dict()
    assert {"name": "Voters", "value": "10000", "inline": True} in embed["fields"]
    counts = [(len(t.yes), len(t.if_need_be)) for t in results.options]
    for number, (yes_count, maybe_count) in enumerate(counts, start=1):
        assert f"**{number}.**" in embed["description"] and f"✅ {yes_count} · 🤷 {maybe_count}" in embed["description"]

    picture = Image.open(io.BytesIO(poll_grid.render_poll_grid(results)))
    picture.load()
    assert picture.width <= poll_grid.PREVIEW_W * poll_grid.RENDER_SCALE

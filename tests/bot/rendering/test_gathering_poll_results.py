"""What a gathering's poll shows of its votes: present counts, and votes on a day the voter is away
kept apart from the counted ones in the message, Results and the CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from bot.db.models import Poll, PollOption, PollStatus
from bot.rendering.poll_embed import (
    ROLL_CALL_RULE,
    render_poll_closed_summary,
    render_poll_embed,
    render_results_csv,
    render_results_detail,
)
from bot.services.poll_tallies import OptionTally, PollResults

START = datetime(2026, 12, 5, 10, tzinfo=UTC)


def results() -> PollResults:
    poll = Poll(id=4, title="Dinner", timezone="Asia/Seoul", status=PollStatus.CLOSED, created_by=1)
    first, second = (PollOption(id=n + 1, poll_id=4, position=n, starts_at=START + timedelta(days=n)) for n in range(2))
    tallies = [OptionTally(first, [11, 12], [13], 19, (14,)), OptionTally(second, [14], [], 12, (11, 12))]
    return PollResults(
        poll, tallies, {11: "Ana", 14: "Dmitri"}, (11, 12, 13, 14), roll_call=30, gathering_title="NeurIPS"
    )


def test_the_message_shows_present_counts_and_the_rule() -> None:
    embed = render_poll_embed(results())
    assert embed.description is not None
    assert "✅ 2 · 🤷 1 · present 19" in embed.description and "✅ 1 · 🤷 0 · present 12" in embed.description
    assert ROLL_CALL_RULE in embed.description
    assert {f.name: f.value for f in embed.fields}["Among"] == "**NeurIPS**: 30 on the roll call"
    assert "(2 works for me, 1 if need be, 19 of the roll call there that day)" in render_poll_closed_summary(results())


def test_results_and_the_csv_keep_away_votes_apart() -> None:
    detail = render_results_detail(results())
    text = "\n".join(e.description or "" for e in detail.embeds)
    assert "💤 away that day: <@14>" in text and "💤 away that day: <@11> <@12>" in text
    rows = list(csv.reader(io.StringIO(render_results_csv(results()).decode("utf-8-sig"))))
    by_user = {row[0]: row[2:] for row in rows[1:]}
    assert by_user["11"] == ["works", "away that day"]
    assert by_user["14"] == ["away that day", "works"]

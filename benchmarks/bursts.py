"""Timing bursts of interactions: what the emulator measured, summarized."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from typing import Any

from benchmarks.common import median, percentile
from tests.emulator.control_client import EmulatorControlClient


@dataclass
class BurstResult:
    clicks: int
    seconds: float  # first dispatch to last acknowledgement
    ack_ms: list[float]
    unanswered: int
    rejected: int
    going: int = 0
    waitlisted: int = 0
    edits: int = 0
    converge_s: float = float("nan")  # last edit, after the last click was dispatched
    converge_after_ack_s: float = float("nan")  # last edit, after the last click was acknowledged
    shortest_edit_gap_s: float = float("nan")  # between two edits of the message during the burst
    sent_429: int = 0

    @property
    def per_second(self) -> float:
        return self.clicks / self.seconds if self.seconds else float("nan")


def summarize(timings: list[dict[str, Any]]) -> BurstResult:
    acked = [t for t in timings if t["ack_ms"] is not None]
    first = min(t["dispatched_at"] for t in timings)
    last = max(t["dispatched_at"] + t["ack_ms"] / 1000 for t in acked) if acked else first
    return BurstResult(
        clicks=len(timings),
        seconds=last - first,
        ack_ms=[t["ack_ms"] for t in acked],
        unanswered=len(timings) - len(acked),
        rejected=sum(1 for t in timings if t["rejected"]),
    )


def record_convergence(result: BurstResult, edits: dict[str, Any], timings: list[dict[str, Any]], since: int) -> None:
    """Note when the message last changed, relative to the burst, and how closely its edits
    followed each other; `edits` is the emulator's record of the message, `since` its edit count
    before the burst."""
    last_click = max(t["dispatched_at"] for t in timings)
    last_ack = max(t["dispatched_at"] + (t["ack_ms"] or 0) / 1000 for t in timings)
    times = edits["edit_times"][since:]
    result.edits = len(times)
    if times:
        result.converge_s = max(0.0, times[-1] - last_click)
        result.converge_after_ack_s = max(0.0, times[-1] - last_ack)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    result.shortest_edit_gap_s = min(gaps, default=float("nan"))


async def wait_until_connected(
    control: EmulatorControlClient, identified_before: int, bot: asyncio.subprocess.Process
) -> None:
    while (await control.stats())["identifies"] == identified_before:
        if bot.returncode is not None:
            raise RuntimeError(f"the bot exited with {bot.returncode}")
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.5)  # GUILD_CREATE for a guild of 1,000 members


def report(label: str, results: list[BurstResult]) -> str:
    rates = [r.per_second for r in results]
    p50 = median([percentile(r.ack_ms, 50) for r in results])
    p99 = median([percentile(r.ack_ms, 99) for r in results])
    worst = max(max(r.ack_ms, default=0) for r in results)
    return (
        f"{label}: {median(rates):.0f} clicks/s (median of {len(results)}: "
        f"{', '.join(f'{x:.0f}' for x in rates)}), ack p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {worst:.0f} ms, "
        f"unanswered {sum(r.unanswered for r in results)}, rejected {sum(r.rejected for r in results)}"
    )


def edits_line(result: BurstResult, *, message: str, action: str) -> str:
    """How the message followed the burst: edits, their closest spacing, and when it settled."""
    return (
        f"edits of the {message} {result.edits} (closest two {result.shortest_edit_gap_s:.2f} s apart); "
        f"last edit {result.converge_s:.2f} s after the last {action} was sent, "
        f"{result.converge_after_ack_s:.2f} s after it was answered"
    )

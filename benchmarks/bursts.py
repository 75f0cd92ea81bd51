"""Timing bursts of interactions: what the emulator measured, summarized."""

from __future__ import annotations

import asyncio
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

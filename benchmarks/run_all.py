"""Every benchmark, on SQLite and on PostgreSQL, into one table.

    .venv/bin/python -m benchmarks.run_all [--database-url postgresql://postgres@127.0.0.1:5432/test]
                                           [--sqlite-only] [--quick] [--out benchmarks/RESULTS.md]

Each benchmark runs in its own process (each starts the emulator and the bot in processes of
their own), prints its figures for people, and one `FIGURES {...}` line that this script
collects. The table, with the machine, goes to `--out` (the README quotes it). PostgreSQL's
database is emptied by the benchmarks. `--quick` runs one small run of each, to check that they
work, not to quote.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, machine

FULL: dict[str, list[str]] = {
    "startup": ["--runs", "7"],
    "rsvp_burst": ["--runs", "3"],
    "poll_burst": ["--runs", "3"],
    "reminders": ["--runs", "3"],
    "recurring_series": ["--runs", "3"],
    "memory": ["--runs", "3"],
    "poll_rendering": ["--runs", "6"],
}
QUICK: dict[str, list[str]] = {
    "startup": ["--runs", "2"],
    "rsvp_burst": ["--runs", "1", "--clicks", "200", "--capacity", "20"],
    "poll_burst": ["--runs", "1", "--voters", "100"],
    "reminders": ["--runs", "1", "--servers", "20", "--pending", "400", "--due", "50"],
    "recurring_series": ["--runs", "1", "--servers", "20", "--series", "400", "--due", "50"],
    "memory": ["--runs", "1", "--meetups", "500", "--rsvps", "5000", "--servers", "20"],
    "poll_rendering": ["--runs", "1", "--voters", "100", "1000"],
}
NAMED_FIELD = re.compile(r"\{[a-z_]")
# What the table shows of each benchmark: (figure, how it reads, format).
ROWS: dict[str, list[tuple[str, str, str]]] = {
    "startup": [("restart_median_s", "start-up to the first answered command (restart)", "{:.2f} s")],
    "rsvp_burst": [
        ("clicks_per_s", "RSVP burst, 1,000 clicks on 100 seats: clicks handled per second", "{:.0f}/s"),
        ("ratio", "same, throughput / a bare discord.py bot's in the same run (target ≥ 0.5)", "{:.2f}"),
        ("ack_p50_ms", "same, acknowledgement p50", "{:.0f} ms"),
        ("ack_p99_ms", "same, acknowledgement p99 (target < 1,000 ms)", "{:.0f} ms"),
        ("unanswered", "same, clicks not acknowledged within 3 s (target 0)", "{:.0f}"),
        ("going", "same, going / waitlisted at the end (target 100 / 900)", "{going:.0f} / {waitlisted:.0f}"),
        ("overbooked", "same, seats given past capacity (target 0)", "{:.0f}"),
        ("edits", "same, edits of the meetup message (at most one a second)", "{:.0f}"),
        ("converge_s", "same, last edit of the message after the last click was sent (target < 2 s)", "{:.2f} s"),
        ("converge_after_ack_s", "same, last edit after the last click was answered", "{:.2f} s"),
        ("rate_limited", "same, 429s received, Discord's per-channel limits on", "{:.0f}"),
    ],
    "poll_burst": [
        ("votes_per_s", "poll burst, 500 voters on 10 options: votes per second", "{:.0f}/s"),
        ("ack_p50_ms", "same, acknowledgement p50", "{:.0f} ms"),
        ("ack_p99_ms", "same, acknowledgement p99", "{:.0f} ms"),
        ("edits", "same, edits of the poll message", "{:.0f}"),
        ("converge_s", "same, last edit of the message after the last vote was sent", "{:.2f} s"),
        ("tally_exact", "same, final tally on the message exact", "{}"),
    ],
    "reminders": [
        ("rebuilt_s", "reminders, 10,000 pending: process start to timers rebuilt", "{:.2f} s"),
        ("rebuild_lag_ms", "same, event loop held at most, while rebuilding", "{:.0f} ms"),
        ("answer_p99_ms", "same, slash command answered while 1,000 fall due, p99 (target < 3,000 ms)", "{:.0f} ms"),
        ("lateness_p50_ms", "same, lateness p50 of 1,000 due in a minute", "{:.0f} ms"),
        ("lateness_p99_ms", "same, lateness p99 (target < 1,000 ms)", "{:.0f} ms"),
        ("duplicates", "same, duplicate posts (target 0)", "{:.0f}"),
        ("not_posted", "same, reminders not posted (target 0)", "{:.0f}"),
    ],
    "recurring_series": [
        ("rebuilt_s", "recurring series, 10,000 on 1,000 servers: process start to timers rebuilt", "{:.2f} s"),
        ("answer_p99_ms", "same, slash command answered while 1,000 next occurrences are posted, p99", "{:.0f} ms"),
        ("lateness_p50_ms", "same, lateness p50 of 1,000 falling due in a minute", "{:.0f} ms"),
        ("lateness_p99_ms", "same, lateness p99 (target < 2,000 ms)", "{:.0f} ms"),
        ("duplicates", "same, duplicate posts (target 0)", "{:.0f}"),
        ("not_posted", "same, occurrences not posted a minute after the last fell due (target 0)", "{:.0f}"),
    ],
    "memory": [
        ("peak_mb", "resident memory, 10,000 meetups and 100,000 RSVPs: peak (target < 200 MB)", "{:.0f} MB"),
    ],
    "poll_rendering": [
        ("results_1000_ms", "big poll, 25 options, 1,000 voters: Results rendered (embeds and CSV)", "{:.0f} ms"),
        ("results_10000_ms", "same, 10,000 voters (target well under 1 s)", "{:.0f} ms"),
        ("csv_1000_ms", "same, the CSV alone, 1,000 voters", "{:.0f} ms"),
        ("csv_10000_ms", "same, the CSV alone, 10,000 voters", "{:.0f} ms"),
        ("redraw_1000_ms", "same, the poll message's redraw from its counts, 1,000 voters", "{:.1f} ms"),
        ("redraw_10000_ms", "same, the redraw, 10,000 voters", "{:.1f} ms"),
        ("picture_1000_ms", "same, the grid picture (off the event loop), 1,000 voters", "{:.0f} ms"),
        ("picture_10000_ms", "same, the picture, 10,000 voters", "{:.0f} ms"),
        ("redraw_e2e_ms", "same, 10,000 voters through the emulator: a vote until the message is redrawn", "{:.0f} ms"),
        ("results_e2e_ms", "same, Results clicked until answered, CSV attached", "{:.0f} ms"),
        ("close_e2e_ms", "same, poll-close until answered, picture posted", "{:.0f} ms"),
        ("worst_lag_ms", "same, event loop held at most meanwhile (target ≤ 100 ms)", "{:.0f} ms"),
    ],
}


def run(benchmark: str, arguments: list[str], database_url: str | None) -> dict[str, Any] | None:
    command = [sys.executable, "-m", f"benchmarks.{benchmark}", *arguments]
    if database_url:
        command += ["--database-url", database_url]
    print(f"$ {' '.join(command[1:])}", flush=True)
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    figures = None
    for line in done.stdout.splitlines():
        if line.startswith("FIGURES "):
            figures = json.loads(line.removeprefix("FIGURES "))
        print(line, flush=True)  # the figures too: the log alone can rebuild the table
    if done.returncode != 0 or figures is None:
        print(f"  {benchmark} failed (exit {done.returncode}):\n{done.stderr[-2000:]}", flush=True)
    return figures


def table(results: dict[tuple[str, str], dict[str, Any]], databases: list[str], *, quick: bool) -> str:
    lines = [
        "# Benchmark figures",
        "",
        f"Machine: {machine()}. Medians over several runs{' (quick runs: not for quoting)' if quick else ''}; "
        "produced by `python -m benchmarks.run_all`.",
        "",
        "| Figure | " + " | ".join(databases) + " |",
        "| --- |" + " --- |" * len(databases),
    ]
    for benchmark, rows in ROWS.items():
        for key, label, fmt in rows:
            cells = []
            for database in databases:
                figures = results.get((benchmark, database), {})
                value = figures.get(key)
                if value is None:
                    cells.append("n/a")
                elif NAMED_FIELD.search(fmt):  # several figures of the benchmark in one cell
                    cells.append(fmt.format(**figures))
                else:
                    cells.append(fmt.format(value))
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    arguments = parser.parse_args()
    plans = QUICK if arguments.quick else FULL
    databases = {"SQLite": None} if arguments.sqlite_only else {"SQLite": None, "PostgreSQL": arguments.database_url}
    results: dict[tuple[str, str], dict[str, Any]] = {}
    failed = False
    for benchmark, options in plans.items():
        for name, url in databases.items():
            figures = run(benchmark, options, url)
            if figures is None:
                failed = True
            else:
                results[benchmark, name] = figures
    text = table(results, list(databases), quick=arguments.quick)
    arguments.out.write_text(text)
    print(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

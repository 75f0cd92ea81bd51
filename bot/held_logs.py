"""Holding back the log of a start until it is known to succeed: a start that fails is told in one
line, not after a page of progress that led nowhere."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class HeldLogs:
    """The records caught on their way out of the root handlers, each with its handler."""

    records: list[tuple[logging.Handler, logging.LogRecord]] = field(default_factory=list)
    dropped: bool = False

    def drop(self) -> None:
        """Nothing held will be written (the start failed and says so itself)."""
        self.dropped = True


class _Catch(logging.Filter):
    def __init__(self, held: HeldLogs, handler: logging.Handler) -> None:
        super().__init__()
        self.held, self.handler = held, handler

    def filter(self, record: logging.LogRecord) -> bool:
        self.held.records.append((self.handler, record))
        return False


@contextmanager
def held_logs() -> Iterator[HeldLogs]:
    """Hold what is logged inside; write it at the end unless `drop()` was called. The handlers'
    own filters (the secret redaction) run before the hold, so nothing held carries a secret."""
    held = HeldLogs()
    catches = [(handler, _Catch(held, handler)) for handler in logging.getLogger().handlers]
    for handler, catch in catches:
        handler.addFilter(catch)
    try:
        yield held
    finally:
        for handler, catch in catches:
            handler.removeFilter(catch)
        if not held.dropped:
            for handler, record in held.records:
                handler.handle(record)

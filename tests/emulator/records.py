"""What the emulator observed: every REST call, spec violations, and requests it could not serve."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CallRecord:
    """One REST request and the status it got."""

    time: float  # seconds since the emulator started
    method: str
    route: str | None  # "POST /channels/{channel_id}/messages", None if the spec has no such route
    path: str  # the concrete path, without /api/v10
    status: int
    body: Any  # the JSON body, or the payload_json of a multipart body
    query: dict[str, str] = field(default_factory=dict)
    file_names: tuple[str, ...] = ()
    operation_id: str | None = None
    duration_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True)
class UnhandledRequest:
    """A request for a route the spec lacks, or one the emulator does not implement."""

    method: str
    path: str
    reason: str
    operation_id: str | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.path}: {self.reason}"


@dataclass
class ValidationStats:
    """How much request validation costs, for the benchmarks' figures."""

    requests: int = 0
    seconds: float = 0.0
    cache_hits: int = 0

    @property
    def mean_ms(self) -> float:
        return 1000 * self.seconds / self.requests if self.requests else 0.0

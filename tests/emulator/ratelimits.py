"""Per-route rate limit buckets with Discord's headers and 429 answers (off unless configured)."""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field
from typing import Any

MAJOR_PARAMETERS = ("channel_id", "guild_id", "webhook_id", "webhook_token", "interaction_id")


@dataclass
class BucketConfig:
    limit: int
    per: float  # window length in seconds


@dataclass
class _Window:
    started: float
    used: int = 0


@dataclass
class RateLimitDecision:
    allowed: bool
    headers: dict[str, str]
    retry_after: float = 0.0
    is_global: bool = False

    def body(self) -> dict[str, Any]:
        return {
            "message": "You are being rate limited.",
            "retry_after": round(self.retry_after, 3),
            "global": self.is_global,
            "code": 0,
        }


@dataclass
class RateLimiter:
    """Fixed windows per (route, major parameters), like Discord's buckets; a global per-second cap too."""

    routes: dict[str, BucketConfig] = field(default_factory=dict)
    default: BucketConfig | None = None
    global_per_second: int | None = None
    sent_429: int = 0
    _windows: dict[tuple[str, str], _Window] = field(default_factory=dict)
    _global: _Window = field(default_factory=lambda: _Window(started=time.monotonic()))

    def configure(self, route_key: str, *, limit: int, per: float) -> None:
        """`route_key` is "METHOD /template", e.g. "PATCH /channels/{channel_id}/messages/{message_id}"."""
        self.routes[_normalise_key(route_key)] = BucketConfig(limit, per)

    def reset(self) -> None:
        self._windows.clear()

    def check(self, route_key: str, params: dict[str, str]) -> RateLimitDecision | None:
        """Count a request; None when the route is not limited at all (no headers, like a bare proxy)."""
        now = time.monotonic()
        if self.global_per_second is not None:
            if now - self._global.started >= 1.0:
                self._global = _Window(started=now)
            self._global.used += 1
            if self._global.used > self.global_per_second:
                retry = 1.0 - (now - self._global.started)
                self.sent_429 += 1
                headers = {
                    "Retry-After": str(max(1, math.ceil(retry))),
                    "X-RateLimit-Global": "true",
                    "X-RateLimit-Scope": "global",
                    "Via": "1.1 google",
                }
                return RateLimitDecision(False, headers, retry, is_global=True)
        config = self.routes.get(route_key) or self.default
        if config is None:
            return None
        major = "+".join(params[p] for p in MAJOR_PARAMETERS if p in params)
        window = self._windows.get((route_key, major))
        if window is None or now - window.started >= config.per:
            window = self._windows[(route_key, major)] = _Window(started=now)
        reset_after = max(0.0, config.per - (now - window.started))
        bucket = hashlib.sha1(route_key.encode()).hexdigest()[:16]
        headers = {
            "X-RateLimit-Limit": str(config.limit),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket,
        }
        if window.used >= config.limit:
            self.sent_429 += 1
            headers.update(
                {
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Scope": "user",
                    "Retry-After": str(max(1, math.ceil(reset_after))),
                    "Via": "1.1 google",
                }
            )
            return RateLimitDecision(False, headers, reset_after)
        window.used += 1
        headers["X-RateLimit-Remaining"] = str(config.limit - window.used)
        return RateLimitDecision(True, headers)


def _normalise_key(route_key: str) -> str:
    method, _, template = route_key.strip().partition(" ")
    return f"{method.upper()} {template.strip()}"

"""Injected failures: answer the next matching requests with 429/5xx, before or after doing the work;
and changes to the world made just as a matching request arrives (`BeforeRequest`)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .answers import json_answer

_PROXY_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
)
_UPSTREAM_503 = "upstream connect error or disconnect/reset before headers. reset reason: overflow"


@dataclass
class Fault:
    method: str
    template: str
    status: int
    times: int = 1
    retry_after: float = 1.0
    after_processing: bool = False  # do the work (e.g. create the message), then fail the answer
    is_global: bool = False
    # Hold the answer this long before giving it: a client killed meanwhile never learns whether
    # its request took effect (after_processing: it did; otherwise: it did not).
    hold_seconds: float = 0.0
    # Let this many matching requests through first (to fail, say, the second part of a post).
    skip: int = 0
    # Only requests for this channel (a `{channel_id}` route), where other channels are busy too.
    channel_id: int | None = None
    fired: int = 0
    passed: int = 0

    def matches(self, method: str, template: str, params: dict[str, str]) -> bool:
        return (
            self.fired < self.times
            and self.method == method
            and self.template == template
            and (self.channel_id is None or params.get("channel_id") == str(self.channel_id))
        )


@dataclass
class BeforeRequest:
    """Something that happens just as the next matching request arrives, before Discord looks at it:
    an admin takes a permission away or deletes the channel in the moment between the bot's own
    check and its post, or the request is held (an awaitable `action`) while another one overtakes it.
    The request is then served by the emulator's own rules, as the world now is."""

    method: str
    template: str
    action: Callable[[], Awaitable[None] | None]
    channel_id: int | None = None
    fired: bool = False

    def matches(self, method: str, template: str, params: dict[str, str]) -> bool:
        return (
            not self.fired
            and self.method == method
            and self.template == template
            and (self.channel_id is None or params.get("channel_id") == str(self.channel_id))
        )


@dataclass
class FaultInjector:
    faults: list[Fault] = field(default_factory=list)
    before: list[BeforeRequest] = field(default_factory=list)

    def add(self, fault: Fault) -> Fault:
        self.faults.append(fault)
        return fault

    async def run_before(self, method: str, template: str, params: dict[str, str]) -> None:
        for hook in self.before:
            if hook.matches(method, template, params):
                hook.fired = True
                done = hook.action()
                if inspect.isawaitable(done):
                    await done

    def take(self, method: str, template: str, params: dict[str, str], *, after_processing: bool) -> Fault | None:
        for fault in self.faults:
            if fault.after_processing == after_processing and fault.matches(method, template, params):
                if fault.passed < fault.skip:
                    fault.passed += 1
                    continue
                fault.fired += 1
                return fault
        return None

    def fired(self) -> list[dict[str, Any]]:
        return [
            {"method": f.method, "path_template": f.template, "status": f.status, "fired": f.fired} for f in self.faults
        ]

    def clear(self) -> None:
        self.faults.clear()
        self.before.clear()


async def held_fault_response(fault: Fault) -> web.Response:
    if fault.hold_seconds:
        await asyncio.sleep(fault.hold_seconds)
    return fault_response(fault)


def fault_response(fault: Fault) -> web.Response:
    """The answer Discord's edge would give: a proper 429, a JSON 500, a proxy's HTML 502, a text 503."""
    if fault.status == 429:
        body: dict[str, Any] = {
            "message": "You are being rate limited.",
            "retry_after": fault.retry_after,
            "global": fault.is_global,
            "code": 0,
        }
        headers = {
            "Retry-After": str(max(1, round(fault.retry_after))),
            "Via": "1.1 google",
            "X-RateLimit-Scope": "global" if fault.is_global else "shared",
        }
        if fault.is_global:
            headers["X-RateLimit-Global"] = "true"
        return json_answer(body, 429, headers)
    if fault.status == 500:
        return json_answer({"message": "500: Internal Server Error", "code": 0}, 500)
    if fault.status == 502:
        return web.Response(status=502, text=_PROXY_502, content_type="text/html")
    if fault.status == 503:
        return web.Response(status=503, text=_UPSTREAM_503, content_type="text/plain")
    return json_answer({"message": f"{fault.status}: injected", "code": 0}, fault.status)

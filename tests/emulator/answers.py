"""Building HTTP answers the way Discord sends them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


def json_answer(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON answer whose Content-Type is exactly `application/json`.

    discord.py compares the header to that string; aiohttp's json_response would append
    "; charset=utf-8" and discord.py would then treat every answer as text.
    """
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return web.Response(body=body, status=status, headers={**(headers or {}), "Content-Type": "application/json"})


@dataclass
class RestAnswer:
    """What a route handler returns: a status and a JSON body (None for 204)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def to_response(self, extra_headers: dict[str, str] | None = None) -> web.Response:
        headers = {**self.headers, **(extra_headers or {})}
        if self.status == 204 or self.body is None:
            return web.Response(status=self.status, headers=headers)
        return json_answer(self.body, self.status, headers)


def no_content() -> RestAnswer:
    return RestAnswer(204, None)

"""Control routes for load: many members acting at once, timed inside the emulator.

Dispatching a burst from here, rather than one control call per click, keeps the driver's own HTTP
overhead out of the figures: each interaction is timed from its dispatch on the gateway to the bot's
first callback, on the emulator's clock.
"""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .answers import json_answer
from .interaction_handle import InteractionHandle

if TYPE_CHECKING:
    from .emulator import DiscordEmulator


def _timing(handle: InteractionHandle, user_id: int, wall_offset: float) -> dict[str, Any]:
    record = handle.record
    ack_ms = None if record.callback_at is None else (record.callback_at - record.dispatched_at) * 1000
    return {
        "id": str(record.id),
        "user_id": str(user_id),
        "dispatched_at": record.dispatched_at + wall_offset,
        "ack_ms": ack_ms,
        "callback_type": record.callback_type,
        "content": handle.content,
        "rejected": [e.body() for e in record.rejected],
    }


def add_burst_routes(app: web.Application, emu: DiscordEmulator) -> None:
    # Monotonic times are turned into Unix times so that they compare with message edit times.
    wall_offset = time.time() - time.monotonic()

    async def settle(handles: list[tuple[int, InteractionHandle]], timeout: float) -> None:
        with contextlib.suppress(TimeoutError):  # unanswered ones are reported with ack_ms null
            await emu.wait_for(
                lambda: all(h.record.acknowledged for _, h in handles),
                timeout=timeout,
                what="every interaction of the burst to be answered",
            )

    async def buttons(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        channel_id, message_id, custom_id = int(body["channel_id"]), int(body["message_id"]), body["custom_id"]
        handles = [
            (int(user_id), await emu.click_button(channel_id, message_id, custom_id, int(user_id)))
            for user_id in body["user_ids"]
        ]
        await settle(handles, float(body.get("timeout", 30)))
        return json_answer({"interactions": [_timing(h, u, wall_offset) for u, h in handles]})

    async def selects(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        channel_id, message_id, custom_id = int(body["channel_id"]), int(body["message_id"]), body["custom_id"]
        handles = [
            (int(user_id), await emu.select(channel_id, message_id, custom_id, list(values), int(user_id)))
            for user_id, values in body["votes"]
        ]
        await settle(handles, float(body.get("timeout", 30)))
        return json_answer({"interactions": [_timing(h, u, wall_offset) for u, h in handles]})

    async def message_edits(request: web.Request) -> web.StreamResponse:
        message = emu.message(int(request.match_info["message_id"]))
        return json_answer(
            {
                "edit_count": message.edit_count,
                "edit_times": [t.timestamp() for t in message.edit_times],
                "embeds": message.embeds,
                "now": datetime.now(UTC).timestamp(),
            }
        )

    app.router.add_post("/_emulator/bursts/buttons", buttons)
    app.router.add_post("/_emulator/bursts/selects", selects)
    app.router.add_get("/_emulator/messages/{message_id}/edits", message_edits)

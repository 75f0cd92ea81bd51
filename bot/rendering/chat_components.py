"""The buttons and menu of chat requests. Their custom ids name the request, so they work after
a restart; the callbacks (`bot/ui/chat_buttons.py`) read the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord.ui import Button, Select

from bot.db.models import ChatRequest
from bot.rendering.limits import BUTTON_LABEL, SELECT_OPTION_LABEL, shorten

CHAT_PREFIX = "chat"
ANSWER_PREFIX = f"{CHAT_PREFIX}:answer"
OPEN_PREFIX = f"{CHAT_PREFIX}:open"
CANCEL_PREFIX = f"{CHAT_PREFIX}:cancel"
PICK_PREFIX = f"{CHAT_PREFIX}:pick"
TIME_MODAL_PREFIX = f"{CHAT_PREFIX}:time"


class ChatAction(StrEnum):
    ACCEPT = "accept"
    PROPOSE = "propose"
    DECLINE = "decline"
    BLOCK = "block"


_LABELS = {
    ChatAction.ACCEPT: ("Accept", discord.ButtonStyle.success),
    ChatAction.PROPOSE: ("Propose another time", discord.ButtonStyle.primary),
    ChatAction.DECLINE: ("Decline", discord.ButtonStyle.secondary),
    ChatAction.BLOCK: ("Block", discord.ButtonStyle.danger),
}


def answer_button(request_id: int, action: ChatAction) -> Button[Any]:
    label, style = _LABELS[action]
    return Button(label=label, style=style, custom_id=f"{ANSWER_PREFIX}:{request_id}:{action.value}")


def open_button(request_id: int, *, label: str = "Open") -> Button[Any]:
    return Button(
        label=shorten(label, BUTTON_LABEL), style=discord.ButtonStyle.primary, custom_id=f"{OPEN_PREFIX}:{request_id}"
    )


def cancel_button(request_id: int) -> Button[Any]:
    return Button(label="Cancel chat", style=discord.ButtonStyle.danger, custom_id=f"{CANCEL_PREFIX}:{request_id}")


def time_select(request_id: int, times: Sequence[datetime], zone: str) -> Select[Any]:
    """The proposed times to pick from, read in the request's zone (labels cannot hold timestamps)."""
    options = [
        discord.SelectOption(
            label=shorten(f"{t.astimezone(ZoneInfo(zone)):%a %-d %b, %H:%M} ({zone})", SELECT_OPTION_LABEL),
            value=str(int(t.timestamp())),
        )
        for t in times
    ]
    return Select(custom_id=f"{PICK_PREFIX}:{request_id}", placeholder="Pick a time", options=options)


def _view(*items: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    view.stop()  # discord.py keeps no copy per message: the persistent items answer
    return view


def request_view(request: ChatRequest) -> discord.ui.View:
    return _view(*(answer_button(request.id, action) for action in ChatAction))


def open_view(request_id: int) -> discord.ui.View:
    return _view(open_button(request_id))


def accepted_view(request_id: int) -> discord.ui.View:
    return _view(cancel_button(request_id))


def pick_view(request: ChatRequest, times: Sequence[datetime]) -> discord.ui.View:
    return _view(time_select(request.id, times, request.timezone))

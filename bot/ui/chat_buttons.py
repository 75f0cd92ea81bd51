"""The buttons, menu and form of chat requests. Custom ids carry the request, and every callback
reads the database, so an old message (after a restart, a second click, an answer given
elsewhere) is told what happened rather than acting twice."""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, cast

import discord
from discord.ui import Button, DynamicItem, Select

from bot.db.models import ChatRequest, ChatState
from bot.interaction_errors import report_interaction_error
from bot.rendering.chat_components import (
    ANSWER_PREFIX,
    CANCEL_PREFIX,
    OPEN_PREFIX,
    PICK_PREFIX,
    TIME_MODAL_PREFIX,
    ChatAction,
    accepted_view,
    answer_button,
    cancel_button,
    open_button,
    pick_view,
    request_view,
    time_select,
)
from bot.rendering.chat_texts import LAPSED, accepted_text, chat_ics_filename, render_chat_ics, request_text, state_text
from bot.rendering.limits import MODAL_TITLE, TEXT_INPUT_PLACEHOLDER, shorten
from bot.runtime import runtime_of
from bot.services import chats
from bot.services.chat_times import instants_from_storage
from bot.services.errors import DomainError
from bot.ui.forms import form_values
from bot.ui.replies import PrivateReply, reply_privately
from bot.workflows import chat_requests


async def _load(interaction: discord.Interaction, request_id: int) -> ChatRequest:
    async with runtime_of(interaction).db.reading() as session:
        return await chats.load_request(session, request_id=request_id)


class ChatAnswerButton(
    DynamicItem[Button[Any]], template=rf"{ANSWER_PREFIX}:(?P<id>\d+):(?P<action>accept|propose|decline|block)"
):
    def __init__(self, request_id: int, action: ChatAction) -> None:
        super().__init__(answer_button(request_id, action))
        self.request_id = request_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ChatAnswerButton:
        return cls(int(match["id"]), ChatAction(match["action"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        if self.action in (ChatAction.DECLINE, ChatAction.BLOCK):
            await self._decline(interaction)
            return
        try:
            request = await _load(interaction, self.request_id)
            chats.require_turn(request, interaction.user.id, now=discord.utils.utcnow())
        except DomainError as error:
            await report_interaction_error(interaction, error)
            return
        times = instants_from_storage(request.proposed)
        if self.action == ChatAction.PROPOSE or not times:
            await show_time_form(interaction, request, accepting=self.action == ChatAction.ACCEPT)
            return
        if len(times) > 1:
            await reply_privately(
                interaction, _ready(PrivateReply("Which time suits you?", view=pick_view(request, times)))
            )
            return
        runtime, user_id = runtime_of(interaction), interaction.user.id

        async def accept() -> str:
            return await chat_requests.accept_chat(runtime, request_id=self.request_id, user_id=user_id, at=times[0])

        await reply_privately(interaction, accept)

    async def _decline(self, interaction: discord.Interaction) -> None:
        runtime, user_id = runtime_of(interaction), interaction.user.id

        async def decline() -> str:
            return await chat_requests.decline_chat(
                runtime, request_id=self.request_id, user_id=user_id, and_block=self.action == ChatAction.BLOCK
            )

        await reply_privately(interaction, decline)


class ChatTimeSelect(DynamicItem[Select[Any]], template=rf"{PICK_PREFIX}:(?P<id>\d+)"):
    def __init__(self, request_id: int) -> None:
        super().__init__(time_select(request_id, [], "UTC"))
        self.request_id = request_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ChatTimeSelect:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime, user_id = runtime_of(interaction), interaction.user.id
        values = cast(dict[str, Any], interaction.data or {}).get("values", [])
        at = datetime.fromtimestamp(int(values[0]), UTC) if values else None

        async def accept() -> str:
            return await chat_requests.accept_chat(runtime, request_id=self.request_id, user_id=user_id, at=at)

        await reply_privately(interaction, accept)


class ChatOpenButton(DynamicItem[Button[Any]], template=rf"{OPEN_PREFIX}:(?P<id>\d+)"):
    """On a post in the channel for a member whose DMs are closed: shows the request to them alone."""

    def __init__(self, request_id: int) -> None:
        super().__init__(open_button(request_id))
        self.request_id = request_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ChatOpenButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        user_id = interaction.user.id

        async def show() -> PrivateReply:
            request = await _load(interaction, self.request_id)
            chats.require_party(request, user_id)
            return private_view_of(request, user_id)

        await reply_privately(interaction, show)


def private_view_of(request: ChatRequest, reader_id: int) -> PrivateReply:
    """The request as `reader_id` may act on it now."""
    now = discord.utils.utcnow()
    if request.state == ChatState.OPEN and request.expires_at <= now:
        return PrivateReply(LAPSED)  # its lapse is being recorded
    if request.state == ChatState.OPEN and request.awaiting_id == reader_id:
        return PrivateReply(request_text(request), view=request_view(request))
    if request.state == ChatState.ACCEPTED:
        ics = render_chat_ics(request, reader_id, now=now)
        return PrivateReply(
            accepted_text(request, reader_id),
            files=[discord.File(io.BytesIO(ics), filename=chat_ics_filename(request))],
            view=accepted_view(request.id),
        )
    return PrivateReply(state_text(request, reader_id))


class ChatCancelButton(DynamicItem[Button[Any]], template=rf"{CANCEL_PREFIX}:(?P<id>\d+)"):
    def __init__(self, request_id: int) -> None:
        super().__init__(cancel_button(request_id))
        self.request_id = request_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ChatCancelButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime, user_id = runtime_of(interaction), interaction.user.id

        async def cancel() -> str:
            return await chat_requests.cancel_chat(runtime, request_id=self.request_id, user_id=user_id)

        await reply_privately(interaction, cancel)


class ChatTimeModal(discord.ui.Modal):
    """A time typed by the member awaited: the one accepted (none was proposed), or another proposed.
    Its submission is answered by `answer_time_form`, which reads the request from the form's
    custom id, so a form still open when the bot restarts works all the same."""

    def __init__(self, request: ChatRequest, *, accepting: bool) -> None:
        title = "Choose a time for the chat" if accepting else "Propose another time"
        super().__init__(
            title=shorten(title, MODAL_TITLE),
            custom_id=f"{TIME_MODAL_PREFIX}:{request.id}:{'accept' if accepting else 'propose'}",
        )
        self.add_item(
            discord.ui.TextInput(
                label="Time",
                custom_id=TIME_FIELD,
                placeholder=shorten(
                    f"Read in {request.timezone}: tomorrow 14:30, Oct 31 9:00 ...", TEXT_INPUT_PLACEHOLDER
                ),
                max_length=100,
            )
        )


TIME_FIELD = "time"
_TIME_FORM = re.compile(rf"{TIME_MODAL_PREFIX}:(?P<id>\d+):(?P<what>accept|propose)")


async def show_time_form(interaction: discord.Interaction, request: ChatRequest, *, accepting: bool) -> None:
    modal = ChatTimeModal(request, accepting=accepting)
    await interaction.response.send_modal(modal)
    modal.stop()  # discord.py keeps no copy: the submission is answered from its custom id


async def answer_time_form(interaction: discord.Interaction) -> None:
    """The listener for submitted time forms (others are left to discord.py)."""
    if interaction.type != discord.InteractionType.modal_submit:
        return
    form_id, fields = form_values(interaction)
    match = _TIME_FORM.fullmatch(form_id)
    if match is None:
        return
    runtime, user_id, typed = runtime_of(interaction), interaction.user.id, fields.get(TIME_FIELD, "")
    request_id, accepting = int(match["id"]), match["what"] == "accept"
    # Dates are read as the server reads them (its date order, else its language), as in commands.
    locale = str(interaction.guild_locale.value) if interaction.guild_locale else None

    async def answer() -> str:
        if accepting:
            return await chat_requests.accept_chat(
                runtime, request_id=request_id, user_id=user_id, typed=typed, locale=locale
            )
        return await chat_requests.propose_time(
            runtime, request_id=request_id, user_id=user_id, typed=typed, locale=locale
        )

    await reply_privately(interaction, answer)


def _ready(reply: PrivateReply) -> Callable[[], Awaitable[PrivateReply]]:
    """Work for `reply_privately` whose answer is known already."""

    async def work() -> PrivateReply:
        return reply

    return work


CHAT_ITEMS: tuple[type[DynamicItem[Any]], ...] = (
    ChatAnswerButton,
    ChatTimeSelect,
    ChatOpenButton,
    ChatCancelButton,
)

"""Telling a member about a chat privately: by DM, or, when their DMs are closed, by a post in
the request's channel that mentions only them and says nothing more than that there is something
only they can open (its `Open` button shows it to them alone)."""

from __future__ import annotations

import contextlib
import io
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

import discord

from bot.db.models import ChatRequest
from bot.discord_access import DiscordAccess
from bot.publishing.nonces import post_nonce
from bot.rendering.chat_components import accepted_view, open_view, request_view
from bot.rendering.chat_texts import (
    accepted_text,
    chat_ics_filename,
    expired_text,
    lapse_reader,
    news_post,
    reminder_post,
    reminder_text,
    render_chat_ics,
    request_post,
    request_text,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Delivered:
    channel_id: int
    message_id: int
    by_dm: bool


@dataclass(frozen=True, slots=True)
class PrivateNote:
    """What the member reads in a DM, and the bare post for the channel if the DM is refused."""

    content: str
    fallback: str
    view: discord.ui.View | None = None
    file: tuple[str, bytes] | None = None  # (filename, content): a fresh file for each attempt
    nonce: str | None = None  # for a post that must be made once (a retry returns the first); else a fresh one


class ChatMessenger:
    def __init__(self, discord_access: DiscordAccess) -> None:
        self.discord = discord_access

    async def tell(self, request: ChatRequest, user_id: int, note: PrivateNote) -> Delivered | None:
        """DM first, else the post in the channel; None if neither went out."""
        try:
            channel = await self.discord.create_dm(discord.Object(user_id))
            message = await channel.send(
                note.content,
                view=note.view or discord.utils.MISSING,
                files=_files(note),
                allowed_mentions=discord.AllowedMentions.none(),
                nonce=note.nonce or secrets.randbits(64),
            )
            return Delivered(channel.id, message.id, by_dm=True)
        except discord.HTTPException as exc:
            log.info("Chat #%s: no DM to %s (%s); a post in the channel instead", request.id, user_id, exc)
        try:
            post = await self.discord.get_partial_messageable(request.channel_id, guild_id=request.guild_id).send(
                note.fallback,
                view=open_view(request.id),
                allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=[discord.Object(user_id)]),
                nonce=f"{note.nonce}c" if note.nonce else secrets.randbits(64),
            )
            return Delivered(request.channel_id, post.id, by_dm=False)
        except discord.HTTPException as exc:
            log.warning("Chat #%s: nothing could reach %s (%s)", request.id, user_id, exc)
            return None

    async def take_buttons_away(self, channel_id: int, message_id: int) -> None:
        """The answered request's message keeps its text and loses its buttons (a message already
        gone, or one Discord refuses to edit, is left as it is: a click on it is told what happened)."""
        message = self.discord.get_partial_messageable(channel_id).get_partial_message(message_id)
        with contextlib.suppress(discord.HTTPException):
            await message.edit(view=None)


def _files(note: PrivateNote) -> list[discord.File]:
    if note.file is None:
        return []
    name, content = note.file
    return [discord.File(io.BytesIO(content), filename=name)]


# -- what each side is told, as private notes --
def request_note(request: ChatRequest) -> PrivateNote:
    """The request for whoever is awaited now, with its buttons."""
    return PrivateNote(request_text(request), request_post(request.awaiting_id), view=request_view(request))


def accepted_note(request: ChatRequest, reader_id: int, *, now: datetime) -> PrivateNote:
    ics = render_chat_ics(request, reader_id, now=now)
    return PrivateNote(
        accepted_text(request, reader_id),
        news_post(reader_id),
        view=accepted_view(request.id),
        file=(chat_ics_filename(request), ics),
    )


def news_note(reader_id: int, content: str, *, nonce: str | None = None) -> PrivateNote:
    return PrivateNote(content, news_post(reader_id), nonce=nonce)


def lapse_note(request: ChatRequest) -> PrivateNote:
    """For whoever waited on a request that lapsed; its nonce makes a second telling (by a process
    that died before recording the lapse, or another one at the same moment) return the first."""
    return news_note(
        lapse_reader(request), expired_text(request), nonce=post_nonce("cx", request.id, request.created_at)
    )


def reminder_note(request: ChatRequest, reader_id: int, *, late: bool) -> PrivateNote:
    side = 0 if reader_id == request.asker_id else 1
    return PrivateNote(
        reminder_text(request, reader_id, late=late),
        reminder_post(reader_id, request),
        nonce=post_nonce(f"cm{side}-", request.id, request.created_at),
    )

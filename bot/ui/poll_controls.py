"""The menus and buttons under a poll message; their custom ids carry the poll, so they survive restarts."""

from __future__ import annotations

import asyncio
import io
import re
from typing import Any, cast

import discord
from discord.ui import Button, DynamicItem, Select

from bot.db.models import VoteKind
from bot.rendering.components import (
    CLEAR_PREFIX,
    RESULTS_PREFIX,
    VOTE_PREFIX,
    clear_votes_button,
    results_button,
    vote_select,
)
from bot.rendering.poll_embed import render_cleared, render_my_choices, render_results_detail
from bot.runtime import runtime_of
from bot.services import poll_tallies, polls
from bot.services.polls import VoteRequest
from bot.ui.replies import PrivateReply, reply_privately


class VoteSelect(DynamicItem[Select[Any]], template=rf"{VOTE_PREFIX}:(?P<id>\d+):(?P<kind>yes|if_need_be)"):
    def __init__(self, poll_id: int, kind: VoteKind, options: list[discord.SelectOption], *, disabled: bool = False):
        super().__init__(vote_select(poll_id, kind, options, disabled=disabled))
        self.poll_id = poll_id
        self.kind = kind

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteSelect:
        return cls(int(match["id"]), VoteKind(match["kind"]), [])

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)
        data = cast(dict[str, Any], interaction.data or {})
        chosen = [int(v) for v in data.get("values", [])]

        async def work() -> str:
            choices = await runtime.votes.submit_vote(
                guild_id=interaction.guild_id or 0,
                poll_id=self.poll_id,
                request=VoteRequest(
                    interaction.user.id,
                    self.kind,
                    chosen,
                    discord.utils.utcnow(),
                    voter_name=interaction.user.display_name,
                ),
            )
            runtime.poll_messages.refresh(self.poll_id)
            return render_my_choices(choices)

        await reply_privately(interaction, work)


class ClearVotesButton(DynamicItem[Button[Any]], template=rf"{CLEAR_PREFIX}:(?P<id>\d+)"):
    def __init__(self, poll_id: int, *, disabled: bool = False) -> None:
        super().__init__(clear_votes_button(poll_id, disabled=disabled))
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ClearVotesButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)

        async def work() -> str:
            choices = await runtime.votes.submit_vote(
                guild_id=interaction.guild_id or 0,
                poll_id=self.poll_id,
                request=VoteRequest(interaction.user.id, None, [], discord.utils.utcnow()),
            )
            if choices.cleared:
                runtime.poll_messages.refresh(self.poll_id)
            return render_cleared(choices)

        await reply_privately(interaction, work)


class ResultsButton(DynamicItem[Button[Any]], template=rf"{RESULTS_PREFIX}:(?P<id>\d+)"):
    def __init__(self, poll_id: int) -> None:
        super().__init__(results_button(poll_id))
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ResultsButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        runtime = runtime_of(interaction)

        async def work() -> PrivateReply:
            async with runtime.db.reading() as session:
                poll = await polls.get_poll(session, guild_id=interaction.guild_id or 0, poll_id=self.poll_id)
                results = await poll_tallies.poll_results(session, poll)
            # Thousands of voters make a large CSV: it is written off the event loop.
            detail = await asyncio.to_thread(render_results_detail, results)
            files = [discord.File(io.BytesIO(detail.csv), filename=detail.csv_name)] if detail.csv else []
            return PrivateReply(content=detail.note, embeds=detail.embeds, files=files)

        await reply_privately(interaction, work)

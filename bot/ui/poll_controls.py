"""The menus and buttons under a poll message; their custom ids carry the poll, so they survive restarts."""

from __future__ import annotations

import asyncio
import io
import re
from typing import TYPE_CHECKING, Any, cast

import discord
from discord.ui import Button, DynamicItem, Select

from bot.db.models import PollStatus, VoteKind
from bot.rendering.poll_embed import option_label, render_cleared, render_my_choices, render_results_detail
from bot.services import poll_tallies, polls
from bot.services.poll_tallies import PollResults, PollSummary
from bot.services.polls import VoteRequest
from bot.ui.replies import PrivateReply, reply_privately

if TYPE_CHECKING:
    from bot.client import MeetupBot

VOTE_PREFIX = "poll:vote"
CLEAR_PREFIX = "poll:clear"
RESULTS_PREFIX = "poll:results"
_PLACEHOLDERS = {VoteKind.YES: "✅ Works for me", VoteKind.IF_NEED_BE: "🤷 If need be"}


def _bot(interaction: discord.Interaction) -> MeetupBot:
    return cast("MeetupBot", interaction.client)


class VoteSelect(DynamicItem[Select[Any]], template=rf"{VOTE_PREFIX}:(?P<id>\d+):(?P<kind>yes|if_need_be)"):
    def __init__(self, poll_id: int, kind: VoteKind, options: list[discord.SelectOption], *, disabled: bool = False):
        super().__init__(
            Select(
                custom_id=f"{VOTE_PREFIX}:{poll_id}:{kind.value}",
                placeholder=_PLACEHOLDERS[kind],
                min_values=0,
                max_values=max(1, len(options)),
                options=options or [discord.SelectOption(label="-", value="0")],
                disabled=disabled,
            )
        )
        self.poll_id = poll_id
        self.kind = kind

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteSelect:
        return cls(int(match["id"]), VoteKind(match["kind"]), [])

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        data = cast(dict[str, Any], interaction.data or {})
        chosen = [int(v) for v in data.get("values", [])]

        async def work() -> str:
            choices = await bot.votes.submit_vote(
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
            bot.poll_messages.refresh(self.poll_id)
            return render_my_choices(choices)

        await reply_privately(interaction, work)


class ClearVotesButton(DynamicItem[Button[Any]], template=rf"{CLEAR_PREFIX}:(?P<id>\d+)"):
    def __init__(self, poll_id: int, *, disabled: bool = False) -> None:
        super().__init__(
            Button(
                label="Clear my votes",
                style=discord.ButtonStyle.secondary,
                custom_id=f"{CLEAR_PREFIX}:{poll_id}",
                disabled=disabled,
            )
        )
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ClearVotesButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)

        async def work() -> str:
            choices = await bot.votes.submit_vote(
                guild_id=interaction.guild_id or 0,
                poll_id=self.poll_id,
                request=VoteRequest(interaction.user.id, None, [], discord.utils.utcnow()),
            )
            if choices.cleared:
                bot.poll_messages.refresh(self.poll_id)
            return render_cleared(choices)

        await reply_privately(interaction, work)


class ResultsButton(DynamicItem[Button[Any]], template=rf"{RESULTS_PREFIX}:(?P<id>\d+)"):
    def __init__(self, poll_id: int) -> None:
        super().__init__(
            Button(label="Results", style=discord.ButtonStyle.primary, custom_id=f"{RESULTS_PREFIX}:{poll_id}")
        )
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ResultsButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)

        async def work() -> PrivateReply:
            async with bot.db.reading() as session:
                poll = await polls.get_poll(session, guild_id=interaction.guild_id or 0, poll_id=self.poll_id)
                results = await poll_tallies.poll_results(session, poll)
            # Thousands of voters make a large CSV: it is written off the event loop.
            detail = await asyncio.to_thread(render_results_detail, results)
            files = [discord.File(io.BytesIO(detail.csv), filename=detail.csv_name)] if detail.csv else []
            return PrivateReply(content=detail.note, embeds=detail.embeds, files=files)

        await reply_privately(interaction, work)


def poll_view(results: PollResults | PollSummary) -> discord.ui.View:
    poll = results.poll
    closed = poll.status != PollStatus.OPEN
    options = [
        discord.SelectOption(label=option_label(t.option, poll.timezone), value=str(t.option.id))
        for t in results.options
    ]
    view = discord.ui.View(timeout=None)
    view.add_item(VoteSelect(poll.id, VoteKind.YES, options, disabled=closed))
    view.add_item(VoteSelect(poll.id, VoteKind.IF_NEED_BE, options, disabled=closed))
    view.add_item(ClearVotesButton(poll.id, disabled=closed))
    view.add_item(ResultsButton(poll.id))
    view.stop()  # dispatch goes through the templates; see meetup_view
    return view

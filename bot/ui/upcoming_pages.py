"""`/meetup upcoming`'s private pages and their Previous / Next buttons.

A button's custom id carries the member who asked and the page it leads to; a click reads the
database again, so the pages work after a restart and always show what is true now. Only the
member who asked may turn them (the answer is private, but a forwarded or shared screen is not)."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord.ui import Button, DynamicItem

from bot.interaction_errors import report_interaction_error, send_ephemeral
from bot.rendering.upcoming import UPCOMING_PREFIX, Page, page_buttons, render_upcoming_page
from bot.runtime import Runtime, runtime_of
from bot.services.upcoming import my_answers, whats_coming
from bot.ui.actors import visible_channel_ids

NOT_YOURS = "These pages are someone else's answer. Run `/meetup upcoming` to see your own."


async def upcoming_page(runtime: Runtime, interaction: discord.Interaction, page: int) -> tuple[Page, discord.ui.View]:
    """The member's page `page` of what is coming up in the channels they can view, with its buttons."""
    async with runtime.db.reading() as session:
        coming = await whats_coming(
            session,
            guild_id=interaction.guild_id or 0,
            now=discord.utils.utcnow(),
            channel_ids=visible_channel_ids(interaction),
        )
        answers = await my_answers(session, user_id=interaction.user.id, items=coming.items)
    drawn = render_upcoming_page(coming, answers, page=page, now=discord.utils.utcnow())
    return drawn, page_view(interaction.user.id, drawn)


def page_view(user_id: int, page: Page) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if page.count > 1:
        for button in page_buttons(user_id, page):
            view.add_item(button)
    view.stop()  # the buttons are matched by `UpcomingPageButton`; nothing is kept per message
    return view


class UpcomingPageButton(
    DynamicItem[Button[Any]], template=rf"{UPCOMING_PREFIX}:(?P<user>\d+):(?P<page>-?\d+):(?P<way>prev|next)"
):
    def __init__(self, user_id: int, page: int, way: str) -> None:
        super().__init__(
            Button(label="Previous" if way == "prev" else "Next", custom_id=f"{UPCOMING_PREFIX}:{user_id}:{page}:{way}")
        )
        self.user_id = user_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> UpcomingPageButton:
        return cls(int(match["user"]), int(match["page"]), match["way"])

    async def callback(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.user_id:
            await send_ephemeral(interaction, NOT_YOURS)
            return
        runtime = runtime_of(interaction)
        try:
            with runtime.in_flight.holding():
                page, view = await upcoming_page(runtime, interaction, self.page)
            await interaction.response.edit_message(embed=page.embed, view=view)
        except Exception as error:
            await report_interaction_error(interaction, error)

"""/meetup chat (ask a member for a one-to-one chat) and /meetup chats (your requests and chats)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.rendering.chat_components import open_button
from bot.rendering.chat_texts import chat_list_text
from bot.rendering.components import persistent_row
from bot.runtime import runtime_of
from bot.services import chats
from bot.services.chats import ChatAsk
from bot.ui.chat_buttons import answer_time_form
from bot.workflows import chat_requests
from cogs._context import guild_id_of
from cogs._locale import guild_locale_of
from cogs._meetup_group import add_meetup_commands


@app_commands.command(name="chat", description="Ask a member for a one-to-one chat, with up to five times")
@app_commands.describe(
    member="Who you would like to talk to",
    topic="What about (they see it with the request)",
    times="Up to 5 times, separated by ; (for example: tomorrow 14:00; Oct 31 9:30)",
)
async def chat(
    interaction: discord.Interaction,
    member: discord.Member,
    topic: app_commands.Range[str, 1, chats.TOPIC_MAX] | None = None,
    times: str | None = None,
) -> None:
    guild_id = guild_id_of(interaction)
    channel_id = interaction.channel_id or 0
    await interaction.response.defer(ephemeral=True, thinking=True)
    ask = ChatAsk(
        guild_id=guild_id,
        channel_id=channel_id,
        asker_id=interaction.user.id,
        asker_name=interaction.user.display_name,
        member_id=member.id,
        member_name=member.display_name,
        member_is_bot=member.bot,
        topic=topic,
        times=times,
    )
    text = await chat_requests.ask_for_chat(
        runtime_of(interaction), ask=ask, locale=guild_locale_of(interaction), now=discord.utils.utcnow()
    )
    await interaction.followup.send(text, ephemeral=True)


@app_commands.command(name="chats", description="Your chat requests waiting for an answer, and your accepted chats")
async def list_chats(interaction: discord.Interaction) -> None:
    runtime = runtime_of(interaction)
    user_id = interaction.user.id
    async with runtime.db.reading() as session:
        listed = await chats.chats_of(
            session, guild_id=guild_id_of(interaction), user_id=user_id, now=discord.utils.utcnow()
        )
    text = chat_list_text(listed.open, listed.accepted, user_id)
    # Each request waiting for this member can be opened from here too (its DM may be long gone).
    awaiting = [r for r in listed.open if r.awaiting_id == user_id][:5]
    buttons = [open_button(r.id, label=f"Answer {chats.name_of(r, chats.other_party(r, user_id))}") for r in awaiting]
    if buttons:
        await interaction.response.send_message(text, view=persistent_row(*buttons), ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, chat, list_chats)
    bot.add_listener(answer_time_form, "on_interaction")

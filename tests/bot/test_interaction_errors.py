"""The command tree's one error handler: friendly words for known errors, an apology and a
traceback in the log for everything else."""

from __future__ import annotations

import logging
from typing import Any, cast

import discord
import pytest
from discord import app_commands

from bot.command_tree import MeetupCommandTree
from bot.interaction_errors import GENERIC_APOLOGY
from bot.services.errors import InvalidInput


@app_commands.command(name="explode", description="A command that fails")
async def explode(interaction: discord.Interaction) -> None:
    raise RuntimeError("the database fell over")


class RecordedAnswers:
    """The two ways an interaction can be answered, recording what was sent and how."""

    def __init__(self, *, acknowledged: bool) -> None:
        self.acknowledged = acknowledged
        self.initial: list[tuple[str, bool]] = []
        self.followups: list[tuple[str, bool]] = []

    def is_done(self) -> bool:
        return self.acknowledged

    async def send_message(self, content: str, *, ephemeral: bool = False) -> None:
        assert not self.acknowledged, "an interaction can be answered only once"
        self.initial.append((content, ephemeral))
        self.acknowledged = True

    async def send(self, content: str, *, ephemeral: bool = False) -> None:
        assert self.acknowledged, "a followup needs the interaction answered or deferred first"
        self.followups.append((content, ephemeral))


class FailingInteraction:
    """The parts of an interaction the error handler reads: its id, command, and answers."""

    def __init__(self, *, acknowledged: bool) -> None:
        self.id = 1234
        self.created_at = discord.utils.utcnow()
        self.command = explode
        self.data: dict[str, Any] = {"name": "explode"}
        self.answers = RecordedAnswers(acknowledged=acknowledged)
        self.response = self.answers
        self.followup = self.answers


def the_tree() -> MeetupCommandTree:
    return MeetupCommandTree(cast("Any", discord.Client(intents=discord.Intents.default())))


def invoke_error(original: Exception) -> app_commands.CommandInvokeError:
    """The error discord.py hands the tree when a command raised `original` (with its traceback)."""
    try:
        raise original
    except Exception as raised:
        return app_commands.CommandInvokeError(explode, raised)


@pytest.mark.parametrize("acknowledged", [False, True], ids=["not yet answered", "deferred"])
async def test_an_unexpected_error_gets_the_generic_apology_and_a_logged_traceback(
    acknowledged: bool, caplog: pytest.LogCaptureFixture
) -> None:
    interaction = FailingInteraction(acknowledged=acknowledged)
    error = invoke_error(RuntimeError("the database fell over"))
    tree = the_tree()
    with caplog.at_level(logging.ERROR, logger="bot.interaction_errors"):
        await tree.on_error(cast("Any", interaction), error)

    sent = interaction.answers.followups if acknowledged else interaction.answers.initial
    assert sent == [(GENERIC_APOLOGY, True)]
    assert len(GENERIC_APOLOGY) < 120 and "database" not in GENERIC_APOLOGY  # short, and no internals
    (record,) = [r for r in caplog.records if r.name == "bot.interaction_errors"]
    assert record.levelno == logging.ERROR
    assert "1234" in record.getMessage() and "explode" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[1] is error.original
    logged = caplog.text
    assert "Traceback (most recent call last)" in logged
    assert "RuntimeError: the database fell over" in logged


async def test_a_domain_error_is_explained_and_not_logged_as_a_bug(caplog: pytest.LogCaptureFixture) -> None:
    interaction = FailingInteraction(acknowledged=True)
    tree = the_tree()
    with caplog.at_level(logging.ERROR, logger="bot.interaction_errors"):
        await tree.on_error(cast("Any", interaction), invoke_error(InvalidInput("Capacity must be 1 or more.")))
    assert interaction.answers.followups == [("Capacity must be 1 or more.", True)]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []

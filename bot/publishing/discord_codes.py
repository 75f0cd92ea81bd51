"""Discord's JSON error codes the bot acts on (https://discord.com/developers/docs/topics/opcodes-and-status-codes)."""

from __future__ import annotations

UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008

"""Discord's JSON error codes the bot acts on (https://discord.com/developers/docs/topics/opcodes-and-status-codes)."""

from __future__ import annotations

UNKNOWN_CHANNEL = 10003
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_ROLE = 10011
UNKNOWN_USER = 10013

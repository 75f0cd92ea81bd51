"""Constants shared by rendering and glue: colours, emojis, custom id prefixes."""

from __future__ import annotations

from typing import Final

COLOUR_PRIMARY: Final = 0x5865F2
COLOUR_SUCCESS: Final = 0x57F287
COLOUR_DANGER: Final = 0xED4245
COLOUR_MUTED: Final = 0x99AAB5

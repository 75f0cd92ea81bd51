"""Quoting what a member typed back to them, inside the short private answers of refusals."""

from __future__ import annotations

QUOTE_MAX = 100


def quote(text: str, limit: int = QUOTE_MAX) -> str:
    """`text` as inline code, cut to `limit` characters: an answer repeats the input, not a wall of it.
    Backticks are dropped because one would end the code span early."""
    flat = " ".join(text.replace("`", "").split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return f"`{flat}`" if flat else "(nothing)"

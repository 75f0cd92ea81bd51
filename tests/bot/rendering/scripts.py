"""Hypothesis strategies for text as members type it: Latin, Korean, Urdu and Arabic (right to left,
with their marks), Hindi (Devanagari syllables with combining marks), emoji (ZWJ sequences, flags,
skin tones, keycaps), zero-width and direction characters, and the Discord syntax a cut must not
break (mentions, timestamps, links, custom emoji), at and around a field's maximum length."""

from __future__ import annotations

import itertools

from hypothesis import strategies as st

LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éèüößñçøÅ.,;:!?'\"()-–"
MARKDOWN = ["**", "*", "_", "__", "~~", "`", "```", "||", "> ", "# ", "\\", "@everyone", "@here"]
EMOJI = ["😀", "🎉", "🇰🇷", "🇵🇰", "🇮🇳", "🇸🇦", "👨‍👩‍👧‍👦", "🧑🏿‍💻", "👍🏽", "1️⃣", "🏳️‍🌈", "❤️", "🫶🏻"]
INVISIBLE = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u200e",
    "\u200f",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u00ad",
]

_HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
_JAMO = st.characters(min_codepoint=0x1100, max_codepoint=0x11FF)  # conjoining jamo: one syllable of several
_ARABIC = st.characters(min_codepoint=0x0620, max_codepoint=0x065F)  # letters and harakat
_URDU = st.sampled_from("ٹڈڑںےہھکگیپچژ")
_DEVANAGARI = st.characters(min_codepoint=0x0905, max_codepoint=0x094D)  # letters, vowel signs, virama
_LATIN = st.sampled_from(LATIN)


def _word(letters: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.text(letters, min_size=1, max_size=12)


SNOWFLAKES = st.integers(min_value=10**17, max_value=2**63 - 1)
_TOKENS: st.SearchStrategy[str] = st.one_of(
    SNOWFLAKES.map(lambda i: f"<@{i}>"),
    SNOWFLAKES.map(lambda i: f"<@&{i}>"),
    SNOWFLAKES.map(lambda i: f"<#{i}>"),
    st.tuples(st.integers(0, 4_000_000_000), st.sampled_from("tTdDfFR")).map(lambda t: f"<t:{t[0]}:{t[1]}>"),
    SNOWFLAKES.map(lambda i: f"<:party_{i % 97}:{i}>"),
    st.text(_LATIN, min_size=1, max_size=40).map(lambda path: f"https://example.com/{path.replace(' ', '')}"),
    st.just("https://discord.com/channels/1/2/3"),
    st.tuples(_word(_HANGUL), st.text(_LATIN, max_size=20)).map(lambda t: f"[{t[0]}](https://ex.com/{t[1]})"),
    st.just("[Google Calendar](<https://calendar.google.com/calendar/render?text=%ED%95%9C>)"),
)
# Tokens whose cut would break them: a test checks each one it finds survives whole or not at all.
UNBREAKABLE_TOKENS = _TOKENS

PIECES: st.SearchStrategy[str] = st.one_of(
    _word(_LATIN),
    _word(_HANGUL),
    _word(_JAMO),
    _word(_ARABIC),
    _word(_URDU),
    _word(_DEVANAGARI),
    st.sampled_from(EMOJI),
    st.sampled_from(INVISIBLE),
    st.sampled_from(MARKDOWN),
    _TOKENS,
    st.sampled_from([" ", " ", " ", "\n", "  ", "\t"]),
)


@st.composite
def text_near(draw: st.DrawFn, limit: int, *, under: int = 3, over: int = 3) -> str:
    """Text of `limit - under` to `limit + over` characters, made of pieces of every script."""
    pieces = draw(st.lists(PIECES, min_size=1, max_size=30))
    length = draw(st.sampled_from(sorted({max(1, limit - under), limit, limit + over, *range(limit - 1, limit + 2)})))
    length = max(1, length)
    built: list[str] = []
    size = 0
    for piece in itertools.cycle(pieces):
        if size >= length:
            break
        built.append(piece)
        size += len(piece)
    return "".join(built)[:length]


def typed(limit: int) -> st.SearchStrategy[str]:
    """What an input check lets through for a field of `limit` characters: trimmed, not empty,
    at most `limit` long, usually right at it."""
    return text_near(limit, under=3, over=0).map(lambda t: t.strip() or "x")


def single_line(limit: int) -> st.SearchStrategy[str]:
    """A title as stored: whitespace collapsed, at most `limit` characters."""
    return text_near(limit, under=3, over=0).map(lambda t: " ".join(t.split())[:limit] or "x")

"""Cutting text to a limit: what a reader is left with, in every script, and what is never split."""

from __future__ import annotations

import regex
from hypothesis import given
from hypothesis import strategies as st

from bot.rendering.text_cuts import ELLIPSIS, LONGEST_CLUSTER, WORD_SEARCH, fit_text
from tests.bot.rendering.scripts import UNBREAKABLE_TOKENS, text_near

GRAPHEME = regex.compile(r"\X")
LIMITS = st.sampled_from([1, 2, 10, 45, 80, 100, 150, 256, 1024, 2000, 4096])


def cluster_ends(text: str) -> set[int]:
    return {0, *(m.end() for m in GRAPHEME.finditer(text))}


def visible(text: str) -> int:
    """Characters that are not white space: what a cut may drop is counted in these."""
    return sum(not c.isspace() for c in text)


def overlong_cluster_at(text: str, index: int) -> bool:
    return any(m.start() < index < m.end() and len(m.group()) > LONGEST_CLUSTER for m in GRAPHEME.finditer(text))


@st.composite
def text_and_limit(draw: st.DrawFn) -> tuple[str, int]:
    limit = draw(LIMITS)
    return draw(text_near(limit, under=2, over=draw(st.sampled_from([1, 5, 60, 500])))), limit


@st.composite
def text_with_tokens(draw: st.DrawFn) -> tuple[str, int, list[str]]:
    """Text with mentions, timestamps and links placed around the cut."""
    limit = draw(st.sampled_from([60, 100, 256, 2000]))
    tokens = draw(st.lists(UNBREAKABLE_TOKENS, min_size=1, max_size=8))
    filler = draw(text_near(limit, under=limit // 2, over=0))
    at = draw(st.integers(0, len(filler)))
    text = filler[:at] + " ".join(tokens) + filler[at:]
    return text, limit, tokens


@given(text_and_limit())
def test_a_cut_text_is_within_the_limit_and_is_the_start_of_the_text(case: tuple[str, int]) -> None:
    text, limit = case
    cut = fit_text(text, limit)
    assert len(cut) <= limit
    if len(text) <= limit:
        assert cut == text  # what fits is never touched, even right at the limit
        return
    assert cut.endswith(ELLIPSIS)
    kept = cut.removesuffix(ELLIPSIS)
    assert text.startswith(kept)
    assert len(kept) in cluster_ends(text) or overlong_cluster_at(text, len(kept))  # no flag or syllable is split


@given(text_and_limit())
def test_a_cut_keeps_nearly_everything_that_fits(case: tuple[str, int]) -> None:
    """A cut goes back to the end of a word, or out of a mention or link, and no further."""
    text, limit = case
    cut = fit_text(text, limit)
    if len(text) <= limit or limit < 200:
        return
    longest_token = max(
        (len(m.group()) for m in regex.finditer(r"<[^<>\s]+>|\[[^\]\n]*\]\([^)\s]*\)|https?://\S+", text)), default=0
    )
    dropped = visible(text[: limit - 1]) - visible(cut.removesuffix(ELLIPSIS))
    assert dropped <= WORD_SEARCH + max(longest_token, LONGEST_CLUSTER)


@given(text_with_tokens())
def test_a_mention_timestamp_or_link_is_kept_whole_or_left_out(case: tuple[str, int, list[str]]) -> None:
    text, limit, tokens = case
    kept = fit_text(text, limit).removesuffix(ELLIPSIS)
    for token in tokens:
        start = text.find(token)
        while start != -1:
            if start < len(kept):
                assert start + len(token) <= len(kept), f"{token!r} was cut: {kept[start:]!r}"
            start = text.find(token, start + 1)


def test_examples_a_reader_would_expect() -> None:
    assert fit_text("Karaoke night at the station", 20) == "Karaoke night at…"
    assert fit_text("Ping <@123456789012345678> later", 20) == "Ping…"
    assert fit_text("Starts <t:1767225600:F> sharp", 20) == "Starts…"
    assert fit_text("Read [the plan](<https://example.com/plan>) first", 30) == "Read…"
    assert fit_text("서울 코엑스 컨벤션센터 3층 로비", 12) == "서울 코엑스…"
    assert fit_text("🇰🇷🇰🇷🇰🇷", 4) == "🇰🇷…"  # a flag is two code points: never one of them alone
    assert fit_text("नमस्ते दुनिया", 7) == "नमस्ते…"
    assert fit_text("नमस्ते दुनिया", 6) == "नम…"  # स्ते is one syllable of four code points
    assert fit_text("abc", 3) == "abc"
    assert fit_text("abcd", 0) == ""

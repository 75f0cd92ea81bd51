"""Nonces that make a retried POST return the first message instead of posting a second one.

Discord keeps a nonce for a few minutes per author. Ours name the row a post is for and when that
row was created, so a database started afresh (ids counting from 1 again) never collides with a
post made for an earlier row of the same number.
"""

from __future__ import annotations

from datetime import datetime

NONCE_MAX = 25  # Discord's limit


def post_nonce(kind: str, row_id: int, created_at: datetime) -> str:
    nonce = f"{kind}{row_id}.{int(created_at.timestamp())}"
    assert len(nonce) <= NONCE_MAX, nonce
    return nonce

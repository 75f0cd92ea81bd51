"""The line a new meetup or poll carries to tell a role, and the only mentions it allows."""

from __future__ import annotations

from bot.rendering.announcements import announcement_content, announcement_mentions
from bot.services.announcements import Announcement

CREW = 900_000_000_000_000_002


def test_the_post_mentions_exactly_what_was_announced() -> None:
    role = Announcement(role_id=CREW)
    assert announcement_content(role) == f"📣 <@&{CREW}>"
    assert announcement_mentions(role).to_dict() == {"parse": [], "roles": [CREW]}
    assert announcement_content(Announcement(everyone="here")) == "📣 @here"
    assert announcement_mentions(Announcement(everyone="here")).to_dict() == {"parse": ["everyone"]}
    assert announcement_content(None) is None
    assert announcement_mentions(None).to_dict() == {"parse": []}

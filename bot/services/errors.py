"""Domain errors: each carries the short sentence the member who caused it will read."""

from __future__ import annotations


class DomainError(Exception):
    """A rule said no. `user_message` is shown to the member as is, ephemerally."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class NotOrganizer(DomainError):
    def __init__(self, detail: str | None = None) -> None:
        super().__init__(
            detail
            or "Only organizers can do that: members with the Manage Events or Manage Server "
            "permission, or the server's organizer role."
        )


class InvalidInput(DomainError):
    """The member typed something the bot cannot use; nothing was changed."""


class NotFound(DomainError):
    pass


class UnknownTimezone(InvalidInput):
    def __init__(self, name: str, hint: str = "") -> None:
        """`name` arrives already quoted and cut short; `hint` names the zones it may have meant."""
        super().__init__(
            f"I don't know the time zone {name}. {hint}Use an IANA name such as `Europe/Berlin`, "
            "`America/New_York` or `Asia/Seoul` (start typing and pick one from the list)."
        )


class MeetupNotFound(NotFound):
    def __init__(self, meetup_id: int) -> None:
        super().__init__(f"I can't find meetup #{meetup_id} in this server.")


class MeetupClosed(DomainError):
    """The meetup no longer takes answers (cancelled or over)."""


class CapacityTooLow(InvalidInput):
    pass

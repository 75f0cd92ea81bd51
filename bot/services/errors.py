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


class WrongPhase(DomainError):
    """Where the meetup is in its life does not allow this (see `services/lifecycle.py`)."""


class NotYet(WrongPhase):
    """Too early: the meetup has not reached the phase that allows this."""


class MeetupClosed(WrongPhase):
    """Too late: the meetup is cancelled, over, or far enough along that this is no longer allowed."""


class CapacityTooLow(InvalidInput):
    pass


class PartyTooBig(DomainError):
    """A member's party (them and their guests) is more than the meetup allows or has seats for."""

"""Putting domain state on Discord: posting and editing messages, notices, scheduled events."""

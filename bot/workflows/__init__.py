"""Use cases from the committed change to what members see on Discord; cogs and timers call them."""

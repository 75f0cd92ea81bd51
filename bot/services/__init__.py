"""Domain rules. Services take ids and values, never discord.py objects, and raise domain errors."""

"""In-process timers. The database is the record of what is due; timers only wake the bot."""

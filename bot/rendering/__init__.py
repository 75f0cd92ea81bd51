"""Pure functions from domain objects to what Discord shows: embeds, components, files."""

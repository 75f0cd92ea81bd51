"""The data layer: engine, models and migrations."""

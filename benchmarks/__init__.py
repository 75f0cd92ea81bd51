"""Benchmarks: scripts that drive the real bot through the emulator and print figures."""

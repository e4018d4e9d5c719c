"""The region runner."""

"""Renderers: turn computed results into text for people and machines. They never compute."""

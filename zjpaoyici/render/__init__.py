"""Renderers: turn computed results into text for people and machines — one module per
subject and format, picked from a table. They never compute: every figure, delta and
rounding arrives ready from the operations layer; ``safe`` neutralises untrusted text for
each medium (terminal, Markdown, CSV, HTML, JSON).

Layer 5 of 6. May import the operations' result types, ``files`` (to write atomically) and
the foundation; never the loaders or the runner, never ``cli``.
"""

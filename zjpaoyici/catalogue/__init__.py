"""The catalogue: where its files are (``paths``), how they are read into one model
(``load``, with the ``fastread`` path for well-formed files and ``schemas`` for their shape),
the model itself (``model``), the one field vocabulary (``fields``), code profiles
(``codes``), inheritance across layers (``resolve``), bundles and the region table.

Layer 2 of 6. May import ``files`` and the foundation (including the rules declared below
the model: ``rules.structure``, ``rules.loading``), never the runner, operations, render or
cli.
"""

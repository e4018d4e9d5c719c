"""Validation rules, one module per family, and the registry they register into.

Two layers live here. ``registry`` and the declaration modules ``yaml_file`` (Y),
``structure`` (S) and ``loading`` (C011, R009) import only the foundation, so the reader and
the loader can name the rules they report. The families with checks (``codes``,
``references``, ``layers``, ``quality``, ``bundles``) read the model and belong to the
operations layer; ``ruleset`` imports them all and is what callers use for the complete set.
This file imports nothing, so importing the registry never drags the model in.
"""

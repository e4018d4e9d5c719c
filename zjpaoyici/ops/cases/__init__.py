"""Case records (办件): what citizens actually experienced, set against what the catalogue
promises. ``mapping`` reads the case mapping file (column → case field), ``calendar`` the
official working-day calendar, ``engines`` runs the one analysis — SQL written once in
DuckDB's dialect, transpiled by SQLGlot for Spark — and ``figures`` matches the results to
catalogue entries and computes every figure and the K-family findings.

Part of layer 4 (operations): may import the runner, ``catalogue``, ``files``, the
foundation and the rule families; never ``render`` or ``cli``. Personal data (names, ID
numbers, phone numbers) is never read: only mapped case fields are selected.
"""

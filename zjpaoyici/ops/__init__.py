"""The operations a command asks for: validate (with the rules in ``rules/`` and
suppressions), statistics and the report (``stats/``), diff, merge (``merge/``), explode,
fmt, show, init's scaffold, spreadsheet import/export/apply (``tabular/``), the
same-standard comparison (``standard/``) and case records (``cases/``). Each returns
data — findings, figures, changes — never text for people.

Layer 4 of 6. May import the runner, ``catalogue``, ``files``, the foundation and the rule
families; never ``render`` or ``cli``.
"""

"""Reading and writing files, knowing nothing of catalogues: the located YAML reader
(every value with its line and column, hostile input bounded), the round-trip writer that
keeps comments, atomic writes and batches, git revisions, and where the package's own data
lies.

Layer 1 of 6 (files → catalogue → runner → operations → render → cli). May import only
the foundation: ``findings``, ``i18n`` and the rule declarations the reader reports
(``rules.registry``, ``rules.yaml_file``).
"""

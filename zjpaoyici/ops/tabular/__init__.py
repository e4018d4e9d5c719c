"""Spreadsheets in and out: the column mapping (``mapping``), reading workbooks and
CSV (``sources``), turning cells into catalogue values and back (``cells``), building
catalogue files from rows (``importer``) and rows from a catalogue (``exporter``).

Part of the operations layer: may import ``catalogue``, ``files`` and the foundation.
"""

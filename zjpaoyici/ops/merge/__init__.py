"""Merging catalogues: the three-way merge of two values over their base with named
conflicts (``combine``) and its application to files on disk (``files``).

Part of the operations layer: may import ``catalogue``, ``files`` and the foundation.
"""

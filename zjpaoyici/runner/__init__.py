"""The region runner: runs one task per region folder, in worker processes when it pays,
and keeps each region's result in a content-addressed cache keyed by the files, the
limits and all of the package's code.

Layer 3 of 6. May import ``catalogue``, ``files`` and the foundation; it knows tasks only
through the ``RegionTask`` protocol, never a particular operation.
"""

"""Statistics: the units each entry counts as (``figures``), their collection per
region through the runner and cache (``collect``), and the report — figures grouped,
judged against targets, and their history (``report``). Every percentage, delta and its
rounding is decided here; renderers only format.

Part of the operations layer: may import the runner, ``catalogue``, ``files`` and the
foundation.
"""

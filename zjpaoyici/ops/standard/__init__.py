"""同一事项、同一标准: how far the regions implementing a matter at one level agree on its
elements (``elements``), the norm, deviations and the standardisation index computed
region by region through the runner (``compute``).

Part of the operations layer: may import the runner, ``catalogue``, ``files`` and the
foundation; returns data, never text for people.
"""

"""zjpaoyici: the toolkit Zhejiang-style government service catalogues are maintained with."""

__version__ = "0.1.0"

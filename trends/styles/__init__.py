"""Matplotlib styles shipped with trends, as package resources.

``paper.mplstyle`` is the style of every figure :mod:`trends.plot` draws. Use it by its
dotted name (matplotlib resolves ``package.style`` to ``package/style.mplstyle``)::

    import matplotlib.pyplot as plt

    with plt.style.context("trends.styles.paper"):
        fig, ax = plt.subplots()

``PAPER`` holds that name.
"""

__all__ = ["PAPER"]

#: Dotted name of the paper style, for ``plt.style.use`` / ``plt.style.context``.
PAPER = "trends.styles.paper"

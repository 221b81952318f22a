"""assocmem: the computations behind the companion book to Niu et al. (2024),
*Beyond Scaling Laws: Understanding Transformer Performance with Associative Memory*.

Notebooks narrate and check; this package computes. One module per concept:

- :mod:`assocmem.logsumexp` -- LogSumExp with inverse temperature and its smooth minimum (App. C).
- :mod:`assocmem.claims` -- the claims ledger that every notebook writes its verdicts to.
- :mod:`assocmem.validate` -- parameter checks for the notebooks' papermill parameters.
"""

from assocmem.logsumexp import logsumexp, smooth_min

__all__ = ["logsumexp", "smooth_min"]
__version__ = "0.1.0"

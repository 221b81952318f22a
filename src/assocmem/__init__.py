"""assocmem: the computations behind the companion book to Niu et al. (2024),
*Beyond Scaling Laws: Understanding Transformer Performance with Associative Memory*.

Notebooks narrate and check; this package computes. Its layout follows the book's parts:

- :mod:`assocmem.theory` -- Sections 3-5 and Appendices B-D (numpy, scipy, mpmath; no torch).
- :mod:`assocmem.accounting` -- parameter counts (Eq. 2, Appendices E and F.1).
- :mod:`assocmem.data` -- corpora, tokenization, the question-formation grammar, patterns.
- :mod:`assocmem.training` -- the training loop, the run cache, the models, the tasks.
- :mod:`assocmem.experiments` -- one module per experiment chapter: presets and analysis.
- :mod:`assocmem.neighbors` -- exact nearest-neighbour distances (Section 6.1).
- :mod:`assocmem.quotations` -- every number quoted from the paper, and nothing computed.
- :mod:`assocmem.book` -- the claims ledger and the assembly of the book.
- :mod:`assocmem.validate`, :mod:`assocmem.paths` -- parameter checks and project paths, used
  by every part.
"""

__version__ = "0.1.0"

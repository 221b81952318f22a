"""The chapters' live checks of the paper's inequalities, with rounding allowances derived from
the float64 error of the numerics each check uses, and exact or high-precision arithmetic where
float64 cannot decide.

A check may never refute a true statement. Each check function here therefore returns, with the
computed margin of an inequality, a bound on that margin's floating-point error (``tol``),
derived in its docstring from the operations that produced it, for every input the chapters
allow (dimensions up to 1e6, magnitudes up to 1e300). A violation is counted only where the
margin lies beyond its bound, and then only once high-precision arithmetic (mpmath, with exactly
rounded distances and dot products) confirms it on the same inputs; inside the bound float64
cannot tell, and nothing is counted. Where a check's statement needs a decision anyway
(chapter 05's bounds, whose margins are tiny against the numbers they are computed from), the
margin is evaluated in a form without cancellation and, where even that cannot decide, in
mpmath.

Conventions of the bounds: ``u = 2^-53`` (every float64 operation is exact up to a factor
``1 +- u``); numpy's exp, log and log1p are assumed accurate to ``LIBM_ULPS`` units in the last
place; a sum of ``n`` numbers in any order is off by at most ``(n - 1) u`` times the sum of their
absolute values. The bounds are first order in ``u``; a factor 1.01 covers the second-order terms
(every ``n u`` here is below 1e-9).

Modules, by chapter: :mod:`~assocmem.theory.checks.rounding` (the conventions, LogSumExp's
error bound and exact arithmetic), :mod:`~assocmem.theory.checks.table1` (chapter 02, decided
in exact integer arithmetic), :mod:`~assocmem.theory.checks.lemmas` (chapter 01),
:mod:`~assocmem.theory.checks.energies` (chapters 03 and 04) and
:mod:`~assocmem.theory.checks.balls` (chapter 05). Each imports only what its chapter does, so a
chapter's build depends on no other chapter's numerics. The exception is
:mod:`~assocmem.theory.checks.reading`, the second reading's small checks shared by chapters
02-10 (definitions, remarks and arithmetic on printed numbers), decided exactly or with margins
far beyond rounding, so they carry no ``tol``. Chapter 06's model reports its own numerical error
(:func:`assocmem.theory.cross_entropy.exact_line_model`).
"""

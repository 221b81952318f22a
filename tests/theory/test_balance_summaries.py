"""Chapter 07's summaries of Proposition 5's route (assocmem.theory.balance)."""

import numpy as np
import pytest

from assocmem.quotations import PAPER_OPENELM, PAPER_TABLE3
from assocmem.theory import balance


def test_prop5_slopes():
    ns = np.unique(np.round(np.logspace(1, 5, 40)).astype(float))
    p5 = balance.prop5_slopes(ns)
    assert p5["slope paper"] == pytest.approx(2, abs=0.05)  # n = d^2 / pi
    assert p5["slope exact"] == pytest.approx(2 * np.pi * np.e, abs=0.5)
    assert np.all(p5["log d exact"][-5:] > p5["log d paper"][-5:])


def test_family_table_matches_formula():
    family = balance.family_table(np.logspace(2, 6, 60), (0.0, 0.5, 1.0, 2.0))
    for a, (k_bound, k_exact) in family.items():
        assert k_bound == pytest.approx(balance.family_exponent(a), abs=0.02)
        assert k_exact < k_bound
    assert balance.family_report(family).count("\n") == 3


def test_route_constants():
    constants, text = balance.route_constants(PAPER_OPENELM, PAPER_TABLE3)
    for name, spec in PAPER_OPENELM.items():
        bound = balance.route_ratio(spec["N"], spec["model_dim"], 1024)
        assert constants[name] == pytest.approx(
            bound["N/D^2"] / (PAPER_TABLE3[name]["ratio_e10"] * 1e-10))
    assert text.count("times Table 3's") == len(PAPER_OPENELM)

"""Proposition 5's route under each consistent reading of Eq. 2."""

import numpy as np
import pytest

from assocmem.theory.balance import HOLDS, local_exponents, route


def test_the_paper_route_gives_four_one_or_zero_never_two():
    n = np.logspace(2, 6, 60)
    got = {h: local_exponents(n, h) for h in HOLDS}
    assert got["T_max"] == pytest.approx({"N vs n": 2, "D vs d": 1, "k": 4}, abs=0.01)
    assert got["d_emb/T_max"] == pytest.approx({"N vs n": 1, "D vs d": 2, "k": 1}, abs=0.01)
    assert got["d_emb"] == pytest.approx({"N vs n": 0, "D vs d": 3, "k": 0}, abs=0.01)


def test_route_by_hand_and_bad_input():
    r = route(np.array([1024.0 * 64]), "T_max", t_max=1024, layers=2, a=12)
    assert r["d_emb"][0] == 64 and r["N"][0] == 12 * 2 * 64**2
    assert r["log D"][0] == pytest.approx(np.log(1024) + r["log d"][0])
    with pytest.raises(ValueError, match="'hold'"):
        route(np.array([100.0]), "l")
    with pytest.raises(ValueError, match="'t_max'"):
        route(np.array([100.0]), "T_max", t_max=0)

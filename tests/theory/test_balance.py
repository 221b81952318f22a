"""Proposition 5's route under each consistent reading of Eq. 2."""

import numpy as np
import pytest

from assocmem.theory.balance import HOLDS, local_exponents, route


def test_the_three_old_readings_give_four_one_or_zero():
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


def test_the_family_gives_every_exponent_and_2_only_at_alpha_one_half():
    from assocmem.theory.balance import (
        alpha_for_exponent,
        family_exponent,
        family_local_exponents,
    )

    n = np.logspace(4, 8, 60)
    for alpha, k in ((0.0, 4.0), (0.5, 2.0), (1.0, 1.0), (2.0, 0.0), (3.0, -0.5)):
        assert family_exponent(alpha) == pytest.approx(k)
        got = family_local_exponents(n, alpha)  # numerically, along the route
        assert got == pytest.approx({"N vs n": 2 - alpha, "D vs d": 1 + alpha, "k": k}, abs=0.02)
        assert alpha_for_exponent(k) == pytest.approx(alpha)
    # the three readings of the old route are three points of the family
    old = {h: local_exponents(n, h)["k"] for h in HOLDS}
    assert [old[h] for h in HOLDS] == pytest.approx(
        [family_exponent(a) for a in (0.0, 1.0, 2.0)], abs=0.02)
    # with the exact mass n grows like log d: k falls towards -2 alpha / (1 + alpha)
    assert family_local_exponents(n, 0.5, exact=True)["k"] == pytest.approx(
        family_exponent(0.5, s=0.0), abs=0.2)
    with pytest.raises(ValueError, match="'alpha'"):
        family_exponent(-1.0)


def test_route_ratio_by_hand_at_app_f1_model_1():
    from assocmem.theory.balance import route_ratio

    r = route_ratio(39.95e6, 954, 1024)
    d = np.exp(r["log d"])
    assert r["n"] == 1024 * 954
    assert d == pytest.approx(np.sqrt(np.pi * r["n"]), rel=2e-3)  # n = d^2 / pi on the route
    assert r["N/D^2"] == pytest.approx(39.95e6 / (1024 * d) ** 2, rel=1e-12)
    assert r["N/D^2"] == pytest.approx(1.2414e-5, rel=1e-3)
    assert route_ratio(39.95e6, 954, 1024, exact=True)["N/D^2"] < 1e-300
    with pytest.raises(ValueError, match="'t_max'"):
        route_ratio(1e6, 10, 0)

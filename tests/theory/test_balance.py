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


def test_every_field_of_the_routes_by_hand_away_from_the_defaults():
    """Each hold, and the family, at parameters other than the defaults, every field against
    its formula (the only numerics: log and sqrt, to a few ulps: rel 1e-13)."""
    from assocmem.theory.balance import eq2_model_size, family_route
    from assocmem.theory.partition import log_patterns_for_unit_partition

    n = np.array([64.0, 400.0, 3000.0])
    log_d = log_patterns_for_unit_partition(n, exact=False)
    kw = dict(t_max=512.0, ratio=2.0, d_emb=256.0, layers=12.0, a=10.0)
    for hold, t in (("T_max", np.full(3, 512.0)), ("d_emb/T_max", np.sqrt(n / 2.0)),
                    ("d_emb", n / 256.0)):
        r = route(n, hold, **kw)
        want = {"n": n, "log d": log_d, "T_max": t, "d_emb": n / t,
                "N": 10.0 * 12.0 * (n / t) ** 2, "log D": np.log(t) + log_d}
        assert set(r) == set(want)
        for key, value in want.items():
            np.testing.assert_allclose(r[key], value, rtol=1e-13, err_msg=f"{hold} {key}")
    assert route(n, "T_max", exact=True)["log d"] == pytest.approx(
        log_patterns_for_unit_partition(n, exact=True), rel=1e-13)
    np.testing.assert_allclose(eq2_model_size(np.array([3.0, 5.0]), 2.0, 7.0), [126.0, 350.0])
    assert eq2_model_size(3.0, 2.0) == 12.0 * 2 * 9
    f = family_route(n, 0.25, layers=12.0, a=10.0, t0=2.0)
    log_t = np.log(2.0) + 0.25 * log_d
    want = {"n": n, "log d": log_d, "log T_max": log_t, "log d_emb": np.log(n) - log_t,
            "log N": np.log(120.0) + 2 * (np.log(n) - log_t), "log D": log_t + log_d}
    assert set(f) == set(want)
    for key, value in want.items():
        np.testing.assert_allclose(f[key], value, rtol=1e-13, err_msg=key)


def test_the_local_slopes_use_the_largest_tenth():
    """With the exact ball mass the route is no power law, so the slopes depend on which
    points are fitted: the largest tenth of n, at least 3 of them."""
    from assocmem.theory.balance import family_local_exponents, family_route

    for count in (12, 40):  # tails of 3 and 4 points
        n = np.geomspace(10, 1e4, count)
        tail = slice(-max(3, count // 10), None)
        r = route(n, "d_emb/T_max", exact=True)
        got = local_exponents(n, "d_emb/T_max", exact=True)
        want = {"N vs n": np.polyfit(np.log(n[tail]), np.log(r["N"][tail]), 1)[0],
                "D vs d": np.polyfit(r["log d"][tail], r["log D"][tail], 1)[0],
                "k": np.polyfit(r["log D"][tail], np.log(r["N"][tail]), 1)[0]}
        assert got == pytest.approx(want, rel=1e-10)
        f = family_route(n, 0.5, exact=True)
        got = family_local_exponents(n, 0.5, exact=True)
        want = {"N vs n": np.polyfit(np.log(n[tail]), f["log N"][tail], 1)[0],
                "D vs d": np.polyfit(f["log d"][tail], f["log D"][tail], 1)[0],
                "k": np.polyfit(f["log D"][tail], f["log N"][tail], 1)[0]}
        assert got == pytest.approx(want, rel=1e-10)


def test_each_parameter_is_checked_at_its_bounds():
    from assocmem.theory.balance import (
        alpha_for_exponent,
        eq2_model_size,
        family_exponent,
        family_route,
        route_ratio,
    )

    n = np.array([100.0, 200.0])
    for name in ("t_max", "ratio", "d_emb"):
        with pytest.raises(ValueError, match=f"parameter '{name}' must be a finite number"):
            route(n, "T_max", **{name: 0.0})
        route(n, "T_max", **{name: 1e-12})  # the bound itself is allowed
    with pytest.raises(ValueError, match="argument 'n' contains NaN"):
        route(np.array([np.nan]), "T_max")
    with pytest.raises(ValueError, match="argument 'd_emb'"):
        eq2_model_size(np.array([np.nan]), 1.0)
    assert family_exponent(-0.99) == pytest.approx(2 * 2.99 / 0.01)
    assert family_exponent(100.0, s=3.0) == pytest.approx(2 * (3 - 100) / 101)
    assert alpha_for_exponent(-1.99) == pytest.approx((4 + 1.99) / 0.01)
    assert alpha_for_exponent(100.0, s=3.0) == pytest.approx((6 - 100) / 102)
    for func, name, bad in ((family_exponent, "alpha", (-0.991, 100.01)),
                            (alpha_for_exponent, "k", (-1.991, 100.01))):
        for value in bad:
            with pytest.raises(ValueError, match=f"parameter '{name}'"):
                func(value)
    for value in (-0.991, 100.01):
        with pytest.raises(ValueError, match="parameter 'alpha'"):
            family_route(n, value)
    with pytest.raises(ValueError, match="parameter 't0'"):
        family_route(n, 0.5, t0=0.0)
    with pytest.raises(ValueError, match="argument 'n' contains NaN"):
        family_route(np.array([np.nan]), 0.5)
    family_route(n, 0.5, t0=1e-12)
    for name in ("n_params", "d_emb", "t_max"):
        args = {"n_params": 1e9, "d_emb": 1024.0, "t_max": 512.0, name: 0.99}
        with pytest.raises(ValueError, match=f"parameter '{name}'"):
            route_ratio(**args)
        route_ratio(**{**args, name: 1.0})

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


def test_the_defaults_of_the_routes_by_hand():
    """route and family_route at their defaults (T_max = d_emb = 1024, ratio 1, l = 24,
    A = 12, t0 = 1, the paper's bound), every field against its formula (rel 1e-13: log and
    sqrt, a few ulps)."""
    from assocmem.theory.balance import family_route
    from assocmem.theory.partition import log_patterns_for_unit_partition

    n = np.array([64.0, 400.0, 3000.0])
    log_d = log_patterns_for_unit_partition(n, exact=False)
    for hold, t in (("T_max", np.full(3, 1024.0)), ("d_emb/T_max", np.sqrt(n)),
                    ("d_emb", n / 1024.0)):
        r = route(n, hold)
        want = {"n": n, "log d": log_d, "T_max": t, "d_emb": n / t,
                "N": 12.0 * 24.0 * (n / t) ** 2, "log D": np.log(t) + log_d}
        for key, value in want.items():
            np.testing.assert_allclose(r[key], value, rtol=1e-13, err_msg=f"{hold} {key}")
    f = family_route(n, 0.5)
    log_t = 0.5 * log_d
    want = {"n": n, "log d": log_d, "log T_max": log_t, "log d_emb": np.log(n) - log_t,
            "log N": np.log(12.0 * 24.0) + 2 * (np.log(n) - log_t), "log D": log_t + log_d}
    for key, value in want.items():
        np.testing.assert_allclose(f[key], value, rtol=1e-13, err_msg=key)


def test_prop5_slopes_fit_the_last_15_points_of_both_routes():
    """Chapter 07's summary: log d of both routes, and least-squares slopes over the 15
    largest n, here against a least-squares fit solved by hand (the normal equations in
    exact rational arithmetic). 20 points, so a fit over any other tail differs: neither
    route is an exact power (or log) law at small n."""
    from fractions import Fraction

    from assocmem.theory.balance import prop5_slopes
    from assocmem.theory.partition import log_patterns_for_unit_partition

    def slope(x, y):
        x, y = [Fraction(float(v)) for v in x], [Fraction(float(v)) for v in y]
        mx, my = sum(x) / len(x), sum(y) / len(y)
        return float(sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
                     / sum((a - mx) ** 2 for a in x))

    ns = np.geomspace(10.0, 1e4, 20)
    got = prop5_slopes(ns)
    paper = log_patterns_for_unit_partition(ns, exact=False)
    exact = log_patterns_for_unit_partition(ns, exact=True)
    assert set(got) == {"log d paper", "log d exact", "slope paper", "slope exact"}
    np.testing.assert_array_equal(got["log d paper"], paper)
    np.testing.assert_array_equal(got["log d exact"], exact)
    # polyfit's least squares (an SVD) against the exact normal equations: well-conditioned
    # 15-point fits, so both agree to ~1e-13 relative
    assert got["slope paper"] == pytest.approx(slope(paper[-15:], np.log(ns[-15:])), rel=1e-11)
    assert got["slope exact"] == pytest.approx(slope(exact[-15:], ns[-15:]), rel=1e-11)
    for tail in (14, 16):  # the tail's length matters at this resolution
        assert abs(slope(paper[-tail:], np.log(ns[-tail:])) / got["slope paper"] - 1) > 1e-6
        assert abs(slope(exact[-tail:], ns[-tail:]) / got["slope exact"] - 1) > 1e-6
    with pytest.raises(ValueError, match="argument 'ns'"):
        prop5_slopes(np.array([np.nan]))


def test_family_table_and_report_line_by_line():
    from assocmem.theory.balance import family_local_exponents, family_report, family_table

    ns = np.geomspace(100.0, 1e6, 30)
    table = family_table(ns, (0.25, 1.5))
    assert list(table) == [0.25, 1.5]
    for a in (0.25, 1.5):
        assert table[a] == (family_local_exponents(ns, a, False)["k"],
                            family_local_exponents(ns, a, True)["k"])
    # k = 2 (2 - alpha) / (1 + alpha): 2 at alpha = 0.5, 4 at 0
    report = family_report({0.5: (1.98765, 0.1234), 0.0: (3.9996, -0.5)})
    assert report == ("T_max ~ d^0.5: k = 2.00 by the formula, 1.988 along the paper's route, "
                      "0.123 with the exact mass\n"
                      "T_max ~ d^0.0: k = 4.00 by the formula, 4.000 along the paper's route, "
                      "-0.500 with the exact mass")


def test_route_constants_line_by_line():
    """At App. F.1's Model 1 (N = 39.95M, d_emb = 954), by hand: n = 1024 * 954, the route's
    d = exp(-log V_n(r_c)) (its formula by gammaln), D = 1024 d, N / D^2 over Table 3's
    8.71e-10; and at T_max = 512."""
    from scipy import special

    from assocmem.theory.balance import route_constants

    table3 = {"M": {"d_star": 214_180_000, "ratio_e10": 8.71}}
    for t_max in (1024.0, 512.0):
        n = t_max * 954
        r_c2 = n / (2 * np.pi * np.e)  # r_c^2
        log_v = 0.5 * n * np.log(np.pi) + 0.5 * n * np.log(r_c2) - special.gammaln(n / 2 + 1)
        big_d = t_max * np.exp(-log_v)
        ratio = 39.95e6 / big_d**2
        kw = {} if t_max == 1024.0 else {"t_max": t_max}
        constants, text = route_constants({"M": {"N": 39.95e6, "model_dim": 954}}, table3, **kw)
        assert list(constants) == ["M"]
        # log V_n: two terms of size ~5e6 cancel to ~7, so ~1e-9 absolute error in log d
        assert constants["M"] == pytest.approx(ratio / 8.71e-10, rel=1e-8)
        want = (f"M: the route pairs it with D = {big_d:,.0f} tokens (D* = 214,180,000); "
                f"N/D^2 = {ratio:.3g}, {ratio / 8.71e-10:,.0f} times Table 3's")
        assert text == want
    two, text = route_constants({"A": {"N": 4e7, "model_dim": 954},
                                 "B": {"N": 8e7, "model_dim": 954}},
                                {"A": table3["M"], "B": {"d_star": 1, "ratio_e10": 1.0}})
    assert two["B"] / two["A"] == pytest.approx(2 * 8.71, rel=1e-14)
    assert text.count("\n") == 1 and text.startswith("A: ") and "\nB: " in text

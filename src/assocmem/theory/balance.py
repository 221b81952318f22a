"""Proposition 5's route, step by step: from Z_t = 1 (Eq. 13) to a balance between the model
size N and the data size D through Eq. 2, N ~ A l d_emb^2 with n = T_max d_emb, and D ~ T_max d.

Eq. 2 ties N and n through d_emb and T_max, so how N moves with n depends on what is held
fixed. Each consistent choice gives its own exponent k in N ~ D^k; the paper combines N ~ n
(the coefficient A l d_emb / T_max fixed) with D ~ d (T_max fixed), which together fix d_emb and
T_max, and so n.
"""

from __future__ import annotations

import numpy as np

from assocmem.theory.partition import log_patterns_for_unit_partition
from assocmem.validate import check_array, check_choice, check_float

HOLDS = ("T_max", "d_emb/T_max", "d_emb")


def eq2_model_size(d_emb, layers: float, a: float = 12.0) -> np.ndarray:
    """N ~ A l d_emb^2 (Eq. 2)."""
    return a * layers * check_array("d_emb", d_emb, min_ndim=0) ** 2


def route(n, hold: str, exact: bool = False, t_max: float = 1024.0, ratio: float = 1.0,
          d_emb: float = 1024.0, layers: float = 24.0, a: float = 12.0) -> dict:
    """Follow the route for dimensions ``n``: the number of patterns d at which Z_t = 1 (the
    paper's bound d V_n(r_c) = 1, or the exact mass with ``exact``), then d_emb and T_max from
    n = T_max d_emb with ``hold`` fixed (``T_max``, the ratio ``d_emb/T_max`` or ``d_emb``),
    then N by Eq. 2 and D = T_max d. Returns the arrays n, log d, d_emb, T_max, N, log D."""
    n = check_array("n", n)
    hold = check_choice("hold", hold, HOLDS)
    for name, value in (("t_max", t_max), ("ratio", ratio), ("d_emb", d_emb)):
        check_float(name, value, low=1e-12)
    log_d = log_patterns_for_unit_partition(n, exact=exact)
    if hold == "T_max":
        t = np.full_like(n, t_max)
    elif hold == "d_emb/T_max":
        t = np.sqrt(n / ratio)
    else:
        t = n / d_emb
    width = n / t
    return {"n": n, "log d": log_d, "d_emb": width, "T_max": t,
            "N": eq2_model_size(width, layers, a), "log D": np.log(t) + log_d}


def local_exponents(n, hold: str, exact: bool = False, **kwargs) -> dict[str, float]:
    """Slopes over the largest tenth of ``n`` (a log-log fit): of N against n, of D against d,
    and k of N ~ D^k along the route."""
    r = route(n, hold, exact, **kwargs)
    tail = slice(-max(3, len(r["n"]) // 10), None)
    log_n, log_big_n = np.log(r["n"][tail]), np.log(r["N"][tail])
    log_d, log_big_d = r["log d"][tail], r["log D"][tail]
    return {"N vs n": float(np.polyfit(log_n, log_big_n, 1)[0]),
            "D vs d": float(np.polyfit(log_d, log_big_d, 1)[0]),
            "k": float(np.polyfit(log_big_d, log_big_n, 1)[0])}


# ---- the route as a one-parameter family: the context grows with the patterns as d^alpha -----
def family_exponent(alpha: float, s: float = 2.0) -> float:
    """k in N ~ D^k when n ~ d^s (s = 2 on the paper's route, n = d^2 / pi) and the context
    grows as T_max ~ d^alpha: with n = T_max d_emb, d_emb ~ d^(s - alpha), so Eq. 2's
    N ~ d_emb^2 ~ d^(2s - 2 alpha) while D = T_max d ~ d^(1 + alpha), and
    k = 2 (s - alpha) / (1 + alpha). At s = 2: 4 at alpha = 0 (T_max fixed), 2 at alpha = 1/2,
    1 at alpha = 1 (d_emb/T_max fixed), 0 at alpha = 2 (d_emb fixed)."""
    alpha = check_float("alpha", alpha, low=-0.99, high=100.0)
    return 2 * (s - alpha) / (1 + alpha)


def alpha_for_exponent(k: float, s: float = 2.0) -> float:
    """The growth of the context, T_max ~ d^alpha, at which the route gives N ~ D^k: the
    inverse of :func:`family_exponent`, alpha = (2s - k) / (2 + k)."""
    k = check_float("k", k, low=-1.99, high=100.0)
    return (2 * s - k) / (2 + k)


def family_route(n, alpha: float, exact: bool = False, layers: float = 24.0,
                 a: float = 12.0, t0: float = 1.0) -> dict:
    """The route for dimensions ``n`` with the context growing as T_max = t0 d^alpha, in logs
    (with the exact ball mass d is astronomically large): log d at Z_t = 1 (the paper's bound,
    or the exact mass with ``exact``), then log T_max, log d_emb = log n - log T_max, Eq. 2's
    log N and log D = log T_max + log d."""
    n = check_array("n", n)
    alpha = check_float("alpha", alpha, low=-0.99, high=100.0)
    check_float("t0", t0, low=1e-12)
    log_d = log_patterns_for_unit_partition(n, exact=exact)
    log_t = np.log(t0) + alpha * log_d
    log_width = np.log(n) - log_t
    return {"n": n, "log d": log_d, "log T_max": log_t, "log d_emb": log_width,
            "log N": np.log(a * layers) + 2 * log_width, "log D": log_t + log_d}


def family_local_exponents(n, alpha: float, exact: bool = False) -> dict[str, float]:
    """Log-log slopes along :func:`family_route` over the largest tenth of ``n``: of N against
    n, of D against d, and k of N ~ D^k, the exponent the route gives at that growth of the
    context (as :func:`local_exponents` for the three fixed readings)."""
    r = family_route(n, alpha, exact)
    tail = slice(-max(3, len(r["n"]) // 10), None)
    return {"N vs n": float(np.polyfit(np.log(r["n"][tail]), r["log N"][tail], 1)[0]),
            "D vs d": float(np.polyfit(r["log d"][tail], r["log D"][tail], 1)[0]),
            "k": float(np.polyfit(r["log D"][tail], r["log N"][tail], 1)[0])}



def route_ratio(n_params: float, d_emb: float, t_max: float, exact: bool = False) -> dict:
    """The route's own constant at one model's configuration: its dimension n = T_max d_emb,
    the number of patterns d at which Z_t = 1 there (the paper's bound, or the exact mass),
    the data size D = T_max d the route pairs with the model, and N/D^2."""
    for name, value in (("n_params", n_params), ("d_emb", d_emb), ("t_max", t_max)):
        check_float(name, value, low=1.0)
    n = t_max * d_emb
    log_d = float(log_patterns_for_unit_partition(np.array([n]), exact=exact)[0])
    log_big_d = np.log(t_max) + log_d
    return {"n": n, "log d": log_d, "log D": log_big_d,
            "N/D^2": float(np.exp(np.log(n_params) - 2 * log_big_d))}


# ---- chapter 07's summaries of the route -------------------------------------------------------
def prop5_slopes(ns) -> dict:
    """Proposition 5's balance Z_t = 1 solved for the number of patterns d at each dimension
    in ``ns``, along the paper's route (d V_n(r_c) = 1, Eq. 13's upper bound) and with the exact
    mass: both log d arrays, and the fits over the 15 largest n of n ~ d^slope (the paper's
    route, slope 2 for n = d^2 / pi) and n ~ slope log d (exact, slope 2 pi e)."""
    ns = check_array("ns", ns)
    log_d_paper = log_patterns_for_unit_partition(ns, exact=False)
    log_d_exact = log_patterns_for_unit_partition(ns, exact=True)
    return {"log d paper": log_d_paper, "log d exact": log_d_exact,
            "slope paper": np.polyfit(log_d_paper[-15:], np.log(ns[-15:]), 1)[0],
            "slope exact": np.polyfit(log_d_exact[-15:], ns[-15:], 1)[0]}


def family_table(route_ns, alphas) -> dict:
    """For each alpha in ``alphas`` (T_max ~ d^alpha): k of N ~ D^k along the paper's route and
    with the exact mass (:func:`family_local_exponents` over ``route_ns``)."""
    return {a: tuple(family_local_exponents(route_ns, a, e)["k"] for e in (False, True))
            for a in alphas}


def family_report(family: dict) -> str:
    """One line per alpha of :func:`family_table`, beside :func:`family_exponent`'s formula."""
    return "\n".join(f"T_max ~ d^{a:.1f}: k = {family_exponent(a):.2f} by the formula, "
                     f"{k_bound:.3f} along the paper's route, {k_exact:.3f} with the exact mass"
                     for a, (k_bound, k_exact) in family.items())


def route_constants(models: dict, table3: dict, t_max: float = 1024.0) -> tuple[dict, str]:
    """At each model's own configuration (``models``: name -> N and model_dim, App. F.1), the
    route's N/D^2 (:func:`route_ratio`) as a multiple of Table 3's N/D*^2 (``table3``: name ->
    d_star and ratio_e10), and the printed lines."""
    constants, lines = {}, []
    for name, spec in models.items():
        bound = route_ratio(spec["N"], spec["model_dim"], t_max)
        constants[name] = bound["N/D^2"] / (table3[name]["ratio_e10"] * 1e-10)
        lines.append(f"{name}: the route pairs it with D = {np.exp(bound['log D']):,.0f} "
                     f"tokens (D* = {table3[name]['d_star']:,}); N/D^2 = "
                     f"{bound['N/D^2']:.3g}, {constants[name]:,.0f} times Table 3's")
    return constants, "\n".join(lines)

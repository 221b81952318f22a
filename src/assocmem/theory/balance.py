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

"""Checks for notebook parameters and function arguments.

Every error names the parameter and says what is allowed, so that a papermill run with a bad
``-p name value`` stops at once with a message a reader can act on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real

import numpy as np


def check_int(name: str, value, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int, or raise ValueError naming ``name`` and the allowed range."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"parameter {name!r} must be an integer{_range(low, high)}; got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"parameter {name!r} must be an integer{_range(low, high)}; got {value!r}")
    return int(value)


def check_float(
    name: str, value, *, low: float | None = None, high: float | None = None,
    low_open: bool = False,
) -> float:
    """Return ``value`` as a finite float in the range, or raise ValueError naming ``name``."""
    bad = isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value)
    if not bad:
        value = float(value)
        bad = (low is not None and (value < low or (low_open and value == low))) or (
            high is not None and value > high
        )
    if bad:
        bracket, top = ("(" if low_open else "["), (high if high is not None else "inf")
        allowed = f" in {bracket}{low}, {top}]" if low is not None else ""
        raise ValueError(f"parameter {name!r} must be a finite number{allowed}; got {value!r}")
    return value


def check_choice(name: str, value, allowed: Iterable) -> object:
    """Return ``value`` if it is one of ``allowed``, or raise ValueError listing the choices."""
    allowed = list(allowed)
    if value not in allowed:
        raise ValueError(f"parameter {name!r} must be one of {allowed}; got {value!r}")
    return value


def check_array(name: str, value, *, min_ndim: int = 1, allow_empty: bool = False) -> np.ndarray:
    """Return ``value`` as a float array (float32 stays float32, anything else becomes float64,
    without copying when it already is), raising ValueError for NaN, wrong rank or emptiness."""
    arr = np.asarray(value)
    if arr.dtype != np.float32:
        arr = arr.astype(np.float64, copy=False)
    if arr.ndim < min_ndim:
        raise ValueError(f"argument {name!r} must have at least {min_ndim} dimension(s); "
                         f"got shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"argument {name!r} must not be empty; got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(f"argument {name!r} contains NaN")
    return arr


def _range(low, high) -> str:
    if low is not None and high is not None:
        return f" in [{low}, {high}]"
    if low is not None:
        return f" >= {low}"
    if high is not None:
        return f" <= {high}"
    return ""

"""One module per experiment chapter (Section 6 and beyond): its presets, as
``PRESETS: dict[str, Preset]`` of frozen dataclasses, and its analysis."""

from __future__ import annotations

import importlib

EXPERIMENTS = ("radius", "question_formation", "openelm_scaling", "memorization")


def presets(experiment: str) -> dict:
    """The ``PRESETS`` of an experiment module, by the module's name."""
    if experiment not in EXPERIMENTS:
        raise ValueError(f"argument 'experiment' must be one of {list(EXPERIMENTS)}; "
                         f"got {experiment!r}")
    return importlib.import_module(f"assocmem.experiments.{experiment}").PRESETS

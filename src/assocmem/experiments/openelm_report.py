"""Chapter 10's reading of Section 6.3 (:mod:`.openelm_scaling`): the chapter's parameters
checked, the text and its validation split, the paper's printed Table 3 and what its numbers
allow, the archived grids (:class:`.openelm_scaling.GridEvidence`) in detail, the live grid's
Table 3 and exponent, and the GPU estimate. Each function returns what a cell prints (text or a
table) and the values later cells use; the verdicts stay in :mod:`.openelm_scaling`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from assocmem.experiments.fits import power_law_fit
from assocmem.experiments.openelm_scaling import (
    PRESETS,
    GridEvidence,
    Preset,
    criteria,
    d_star,
    evaluation_noise,
    extrapolated_d_star,
    final_val_rows,
    paper_gpu_hours,
    seed_means,
)
from assocmem.quotations import (
    PAPER_OPENELM,
    PAPER_SEC63_DATA,
    PAPER_SIZES,
    PAPER_TABLE3,
)

# ---- the chapter's parameters and its text --------------------------------------------------


def chapter_parameters(preset: str, archived: str, device: str, sigma2: float, workers: int,
                       seed: int, n_boot: int, corpus_path: str) -> dict:
    """The chapter's parameters checked: ``live_preset``, ``archived_preset`` (the archived
    grid shown in detail), ``device`` (``cuda`` only where there is one), ``sigma2``, ``workers``,
    ``seed`` and ``n_boot``."""
    import torch

    from assocmem.validate import check_choice, check_float, check_int

    live_preset = PRESETS[check_choice("preset", preset, PRESETS)]
    archived_preset = PRESETS[check_choice("archived", archived, ["cpu-long", "gpu"])]
    device = check_choice("device", device, ["cpu", "cuda"])
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("parameter 'device' is 'cuda' but no CUDA device is available")
    out = {"live_preset": live_preset, "archived_preset": archived_preset, "device": device,
           "sigma2": check_float("sigma2", sigma2, low=1e-6, high=10.0),
           "workers": check_int("workers", workers, low=1, high=64),
           "seed": check_int("seed", seed, low=0), "n_boot": check_int("n_boot", n_boot, low=100)}
    if not isinstance(corpus_path, str):
        raise ValueError(f"parameter 'corpus_path' must be a string path; got {corpus_path!r}")
    return out


def load_text(corpus_path: str, spec: Preset) -> dict:
    """The corpus (:func:`assocmem.data.text.corpus_argument`) tokenized as ``spec`` says, after
    checking that it holds the largest data size: ``corpus``, ``ids``, ``vocab_size``, ``n_val``
    (the validation tail) and the ``text`` to print."""
    from assocmem.data.text import VAL_FRACTION, corpus_argument, token_stream

    corpus, sizes = corpus_argument(corpus_path), spec.sizes
    if corpus["bytes"] and corpus["bytes"] < sizes[-1] / (1 - VAL_FRACTION):  # a token >= 1 byte
        raise ValueError(
            f"the corpus at {corpus['corpus']} holds {corpus['bytes']:,} bytes of text, fewer "
            f"than the {sizes[-1]:,} training tokens of the largest data size of preset "
            f"{spec.name!r}; pass a larger corpus_path")
    ids, vocab_size, name = token_stream(corpus["corpus"], spec.tokenizer, spec.piece_chars, 0,
                                         corpus["fingerprint"])
    n_val = int(np.ceil(len(ids) * VAL_FRACTION))
    if sizes[-1] > len(ids) - n_val:
        raise ValueError(f"the largest data size ({sizes[-1]:,} tokens) exceeds the corpus's "
                         f"{len(ids) - n_val:,} training tokens; pass a larger corpus_path")
    text = (f"corpus: {name}\ntokenizer {spec.tokenizer} ({vocab_size:,} tokens): "
            f"{len(ids):,} tokens, of which the last {n_val:,} validate and "
            f"{len(ids) - n_val:,} can train\n"
            "data sizes D (tokens): " + ", ".join(f"{d:,}" for d in sizes))
    return {"corpus": corpus, "ids": ids, "vocab_size": vocab_size, "n_val": n_val, "text": text}


def validation_shifts(corpus: dict, ids, spec: Preset) -> dict:
    """Sec. 3.1 against Sec. 6.3: the Jensen-Shannon divergence of the validation words'
    unigrams from the training words' for the last 5% of the documents in corpus order and for
    20 random selections of 1024-word chunks (``shift``), and the same on the chapter's own token
    stream (``own``); each from ``default_rng(0)``. Adds ``documents`` and the ``text``."""
    from assocmem.data.text import VAL_FRACTION, load_corpus, validation_unigram_shift, word_ids

    documents = load_corpus(corpus["corpus"]).documents  # in corpus order
    shift = validation_unigram_shift(word_ids(documents), VAL_FRACTION, chunk=1024,
                                     n_random=20, rng=np.random.default_rng(0))
    own = validation_unigram_shift(ids, VAL_FRACTION, chunk=1024, n_random=20,
                                   rng=np.random.default_rng(0))
    order = (f"pieces of {spec.piece_chars:,} characters shuffled" if spec.piece_chars
             else "documents in order")
    text = (f"{len(documents)} documents in order, {shift['val_tokens']:,} validation words: "
            f"JS divergence {shift['tail']:.4f} bits for the last {VAL_FRACTION:.0%}, "
            f"{shift['random'].min():.4f}-{shift['random'].max():.4f} for 20 random selections "
            f"of {shift['chunks']} chunks of 1024 words\n"
            f"this chapter's split ({order}, {spec.tokenizer} tokens): {own['tail']:.4f} for "
            f"the tail, {own['random'].min():.4f}-{own['random'].max():.4f} for random chunks")
    return {"shift": shift, "own": own, "documents": len(documents), "text": text}


def random_validation_statement(shifts: dict) -> dict:
    """The ledger's statement on Sec. 3.1's random validation samples from
    :func:`validation_shifts`: it holds when the tail's divergence lies within the random
    selections' range."""
    from assocmem.data.text import VAL_FRACTION

    shift, n = shifts["shift"], shifts["documents"]
    low, high = shift["random"].min(), shift["random"].max()
    return dict(
        holds=shift["tail"] <= high,
        counterexample=(
            f"{n} books in corpus order: the unigram distribution of the last "
            f"{VAL_FRACTION:.0%} of the words is {shift['tail']:.3g} bits (Jensen-Shannon) from "
            f"the training words', against {low:.3g}-{high:.3g} for 20 random selections of as "
            "many 1024-word chunks."),
        corrected_holds=shift["tail"] > high,
        evidence=(
            f"JS divergence of validation from training unigrams: tail {shift['tail']:.3g} "
            f"bits, random chunk selections {low:.3g}-{high:.3g} (20 splits), on this chapter's "
            "corpus with the documents in order, as Sec. 6.3 keeps SPGC's (whose tail spans "
            "many books, which this corpus cannot show)."))


# ---- the paper's numbers --------------------------------------------------------------------


def paper_table3() -> pd.DataFrame:
    """Table 3 as printed: the MSE of each model at each of the eight sizes (empty where the
    paper prints none), D* and N/D*^2 in units of 1e-10."""
    paper = pd.DataFrame(
        {f"D = {d / 1e6:.2f}M": [row["mse"].get(d, "") for row in PAPER_TABLE3.values()]
         for d in PAPER_SIZES},
        index=[f"{m} (N = {PAPER_OPENELM[m]['N'] / 1e6:.2f}M)" for m in PAPER_TABLE3])
    paper["D*"] = [f"{row['d_star'] / 1e6:.2f}M" for row in PAPER_TABLE3.values()]
    paper["N/D*^2 (1e-10)"] = [row["ratio_e10"] for row in PAPER_TABLE3.values()]
    return paper


def paper_exponent_range() -> dict:
    """k of D* ~ N^k through the paper's smallest and largest model, and its range when each
    end's D* moves one grid step, in opposite directions: ``k``, ``low``, ``high``."""
    n = [PAPER_OPENELM[m]["N"] for m in PAPER_TABLE3]
    star = [row["d_star"] for row in PAPER_TABLE3.values()]
    span = np.log(n[-1] / n[0])
    first, last = PAPER_SIZES.index(star[0]), PAPER_SIZES.index(star[-1])
    return {"k": np.log(star[-1] / star[0]) / span,
            "low": np.log(PAPER_SIZES[last - 1] / PAPER_SIZES[first + 1]) / span,
            "high": np.log(PAPER_SIZES[last + 1] / PAPER_SIZES[first - 1]) / span}


def words_to_tokens_reason() -> str:
    """Why Sec. 6.3's words-to-tokens ratio cannot be checked here, with the ratio it needs."""
    from assocmem.theory.checks import reading

    needed = reading.needed_tokens_per_word(PAPER_SIZES[-1], PAPER_SEC63_DATA["words"],
                                            PAPER_SEC63_DATA["val_fraction"])
    words, kept = PAPER_SEC63_DATA["words"], 1 - PAPER_SEC63_DATA["val_fraction"]
    return (f"the largest D needs {PAPER_SIZES[-1] / 1e6:.2f}M / ({kept:g} x {words / 1e6:.0f}M) "
            f"= {needed:.2f} "
            "GPT-2 tokens per word of the SPGC; GPT-2's BPE merges are not shipped offline, so "
            "the tokens per word of SPGC's text under GPT-2's encoding cannot be measured here.")


def _in_millions(d) -> str:
    return f"{d / 1e6:.2f}M" if d else "none"


def paper_d_star_readings() -> str:
    """D* from Table 3's printed MSEs under the strict rule (MSE < 0.04, as defined) and under
    '<=', beside the D* the paper reports."""
    lines = [f"D* from the printed MSEs with {rule}: " + ", ".join(
        f"{m} {_in_millions(d_star(list(row['mse']), list(row['mse'].values()), s2))}"
        for m, row in PAPER_TABLE3.items())
        for rule, s2 in (("'<' (as defined)", 0.04), ("'<='", np.nextafter(0.04, 1)))]
    lines.append("D* the paper reports: " + ", ".join(
        f"{m} {_in_millions(row['d_star'])}" for m, row in PAPER_TABLE3.items()))
    return "\n".join(lines)


def paper_ratio_spread() -> float:
    """max/min of Table 3's N/D*^2."""
    ratios = [row["ratio_e10"] for row in PAPER_TABLE3.values()]
    return max(ratios) / min(ratios)


# ---- an archived grid in detail -------------------------------------------------------------


def grid_dirs(preset: Preset, corpus: dict, seeds) -> dict:
    """{(model, D, seed): archived run folder} of ``seeds`` (each extended where it was), as
    :func:`.openelm_scaling.archived_grid` reads them."""
    from assocmem.training.runs import archived_only

    grid = {(m, d, s): preset.run_config(m, d, corpus, seed=s)
            for s in seeds for m in preset.models for d in preset.sizes}
    return dict(zip(grid, archived_only(list(grid.values()), extend_to=preset.extend_cap),
                    strict=True))


def grid_overview(g: GridEvidence) -> str:
    """How much of the grid is archived, how many runs went on past the cap, and where, when
    and at what cost the complete seeds' runs were measured."""
    p, records = g.preset, list(g.records.values())
    text = (f"{g.archived} of {g.total} runs of the {p.name} grid are archived; complete seeds: "
            f"{g.seeds or 'none'}")
    if not records:
        return text
    continued = sum(r["steps"] > p.steps for r in records)
    when = sorted(r["finished"] for r in records)
    rate = np.nanmedian([r.get("tokens_per_s", np.nan) for r in records])

    def every(field):
        return ", ".join(sorted({str(r[field]) for r in records}))

    return text + (
        f"\n{continued} of them reached {p.steps:,} steps still improving and went on to a cap "
        f"of {p.extend_cap:,}; {sum(r['censored'] for r in records)} censored at their final "
        f"cap\nmeasured on {every('device')}, torch {every('torch')}, commits "
        f"{every('commit')}, {when[0][:10]} to {when[-1][:10]}; "
        f"{sum(r['wall_s'] for r in records) / 3600:.1f} hours of one thread, {rate:,.0f} "
        "tokens/s (median)")


def retrained_runs(g: GridEvidence, dirs: dict, corpus: dict) -> str:
    """The runs continued past the cap by retraining from their first step (no checkpoint in
    the archive), each with the step at which its training loss parts from the capped run's
    (:func:`assocmem.training.runs.first_divergence`): the training noise of one run. ``dirs``
    as :func:`grid_dirs` gives them."""
    from assocmem.training import store
    from assocmem.training.runs import first_divergence
    from assocmem.training.store import read_metrics, run_record

    p = g.preset
    continued = sum(r["steps"] > p.steps for r in g.records.values())
    retrained = []
    for (m, d, s), out in dirs.items():
        rec = g.records[m, d, s]
        if rec["steps"] > p.steps and "extends" not in rec:
            capped = store.find(p.run_config(m, d, corpus, seed=s), cache=False)
            parted = first_divergence(read_metrics(capped), read_metrics(out))
            how = "reached its cap" if rec["censored"] else "stopped by criterion"
            retrained.append(f"{m}, D = {d:,}, seed {s}: training losses part by > 1e-3 at "
                             f"step {parted}; the capped run reached "
                             f"{run_record(capped)['last_step']:,} steps still improving, the "
                             f"retrained one {how} at {rec['last_step']:,}")
    return "\n".join([f"{continued - len(retrained)} continued from the capped run's "
                      f"checkpoint, {len(retrained)} retrained from their first step",
                      *retrained])


def _means(g: GridEvidence, field: str) -> tuple[dict, dict]:
    """The seeds' mean of a criterion's ``field`` per (model, D), and whether a cell holds a
    censored run (:func:`.openelm_scaling.seed_means`)."""
    cens = {k: c.censored for k, c in g.crit.items()}
    return seed_means({k: getattr(c, field) for k, c in g.crit.items()}, cens, g.seeds)


def grid_tables(g: GridEvidence) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table 3 for an archived grid: the seeds' mean MSE (an asterisk marks a cell with a
    censored run), and the mean step of the validation minimum."""
    if not g.seeds:
        return pd.DataFrame(), pd.DataFrame()
    mse, cens = _means(g, "mse")
    step, _ = _means(g, "step_min")
    models, sizes = g.preset.models, g.preset.sizes
    rows = [f"{m} (N = {g.n_params[m]:,})" for m in models]
    return (pd.DataFrame({f"{d:,}": [f"{mse[m, d]:.3f}" + ("*" if cens[m, d] else "")
                                     for m in models] for d in sizes}, index=rows),
            pd.DataFrame({f"{d:,}": [f"{step[m, d]:.0f}" for m in models] for d in sizes},
                         index=rows))


def grid_noise(g: GridEvidence, dirs: dict, sigma2: float) -> str:
    """The two noises beside every comparison: the evaluation's (the standard error of a run's
    minimal validation loss over the held-out windows, and the gap between the tail's halves,
    medians over runs), the training loss's own variance in the MSE window, and the spread over
    seeds of the minimal validation loss per cell."""
    from assocmem.training.store import val_rows

    if not g.seeds:
        return ""
    ev = [evaluation_noise(val_rows(d)) for d in dirs.values()]
    tv = np.array([c.train_var for c in g.crit.values()])
    spread = [np.ptp([g.crit[m, d, s].val_min for s in g.seeds])
              for m in g.preset.models for d in g.preset.sizes]
    return (f"evaluation: {ev[0]['sequences']:,} windows, {ev[0]['tokens']:,} tokens; standard "
            f"error {np.median([e['se'] for e in ev]):.4f} nats (median over runs), halves "
            f"differ by {np.median([e['halves_gap'] for e in ev]):.4f}\n"
            f"training-loss variance in the MSE window: median {np.median(tv):.4f}, range "
            f"{tv.min():.4f}-{tv.max():.4f}, against sigma^2 = {sigma2}\n"
            f"seed spread of the minimal validation loss per cell: median "
            f"{np.median(spread):.4f} nats, max {np.max(spread):.4f}")


def k_text(fit: dict) -> str:
    """k, or its range over the bounds of a bracketed D*, or "none"."""
    if fit["k"] is not None:
        return f"{fit['k']:.2f}"
    if fit["k_range"] is not None:
        lo, hi = fit["k_range"]
        return f"{lo:.2f} to {hi:.2f} (a D* is bracketed)"
    return "none"


def grid_exponent(g: GridEvidence) -> str:
    """The grid's D* per model (with the paper's grid-size rule beside it), k of D* ~ N^k with
    its 95% interval over seeds, the interval against 1/2, 0 and 1, and N/D*^2 where two models
    have a measured D*."""
    from assocmem.experiments.openelm_scaling import exponent_verdict

    f = g.fit
    if f is None:
        return f"{g.preset.name}: fewer than two complete seeds, no exponent"
    lines = [f"{m}: D* = {star}" + (f" (grid: {star.grid:,})" if star.status == "measured"
                                    else "") for m, star in f["d_star"].items()]
    lines.append(f"k = {k_text(f)}, 95% interval [{f['low']:.2f}, {f['high']:.2f}] "
                 f"({f['resamples']} usable resamples, {f['unusable']} without two measured D*)")
    lines.append("the interval against 1/2, 0 and 1: " + exponent_verdict(f["low"], f["high"])
                 + " (a finding at this scale; the verdict below says why it does not decide)")
    measured = {m: g.n_params[m] / st.value**2 for m, st in f["d_star"].items()
                if st.status == "measured"}
    if len(measured) >= 2:
        lines.append("N/D*^2: " + ", ".join(f"{m} {r:.3g}" for m, r in measured.items())
                     + f"; max/min {max(measured.values()) / min(measured.values()):.2f}"
                     f" (the paper's {paper_ratio_spread():.2f})")
    return "\n".join(lines)


def grid_extrapolation(g: GridEvidence, sigma2: float) -> str:
    """Where each model's mean MSE would reach sigma^2, extrapolated by a power law through its
    largest uncensored sizes (:func:`.openelm_scaling.extrapolated_d_star`)."""
    if not g.seeds:
        return ""
    mse, cens = _means(g, "mse")
    sizes, lines = g.preset.sizes, []
    for m in g.preset.models:
        guess = extrapolated_d_star(sizes, [mse[m, d] for d in sizes],
                                    [cens[m, d] for d in sizes], sigma2)
        where = ("none (no falling trend)" if guess is None
                 else "beyond 100 times the grid (too shallow to say)"
                 if guess > 100 * sizes[-1] else f"D = {guess:,.0f} tokens")
        lines.append(f"{m}: MSE = sigma^2, extrapolated: {where}")
    return "\n".join(lines)


def grid_sweep(g: GridEvidence) -> str:
    """k and D* at each threshold of the grid's sweep of sigma^2."""
    return "\n".join(
        f"sigma^2 = {s2:<5}: k = {k_text(f)}, interval [{f['low']:.2f}, {f['high']:.2f}], "
        "D* = " + ", ".join(str(star) for star in f["d_star"].values())
        for s2, f in g.sweep.items())


def gpu_runs(g: GridEvidence) -> str:
    """The devices, torch versions and median throughput of a grid's runs."""
    records = list(g.records.values())
    if not records:
        return ""
    return (f"{g.preset.name} runs: {', '.join(sorted({r['device'] for r in records}))}, torch "
            f"{', '.join(sorted({r['torch'] for r in records}))}; median "
            f"{np.median([r['tokens_per_s'] for r in records]):,.0f} tokens/s per run, 14 runs "
            "side by side")


# ---- the live grid --------------------------------------------------------------------------


def model_sizes(spec: Preset, vocab_size: int) -> tuple[dict, str]:
    """Each model's transformer parameters N beside the paper's."""
    n = {name: spec.transformer_params(name, vocab_size) for name in spec.models}
    return n, "\n".join(
        f"{name}: N = {n[name]:,} transformer parameters"
        + (f" (paper: {PAPER_OPENELM[name]['N'] / 1e6:.2f}M)" if spec.name == "paper"
           else f" (the paper's {name}: {PAPER_OPENELM[name]['N'] / 1e6:.2f}M)")
        for name in spec.models)


def train_live_grid(spec: Preset, corpus: dict, seed: int, device: str,
                    workers: int) -> dict:
    """Train (or reuse) every run of the live grid, ``workers`` side by side: the run folders
    ``dirs``, the logged ``curves`` and Table 3's ``crit`` per (model, D), and the ``text``."""
    from assocmem.training.runs import cached_train_many
    from assocmem.training.store import read_metrics

    configs = {(name, d): spec.run_config(name, d, corpus, seed=seed, device=device)
               for name in spec.models for d in spec.sizes}
    started = time.perf_counter()
    dirs = dict(zip(configs, cached_train_many(list(configs.values()), workers=workers,
                                               desc="Table 3 runs"), strict=True))
    text = (f"{len(dirs)} runs ready in {time.perf_counter() - started:.0f} s (finished runs "
            "are reused)")
    return {"dirs": dirs, "curves": {k: read_metrics(p) for k, p in dirs.items()},
            "crit": dict(zip(dirs, criteria(dirs.values(), spec.window), strict=True)),
            "text": text}


def live_table3(spec: Preset, crit: dict, n: dict, sigma2: float) -> tuple[dict, pd.DataFrame]:
    """Table 3 for the live grid: each run's MSE (an asterisk: its minimum fell within its last
    window), D* (the smallest D with MSE below sigma^2) and N/D*^2. Returns D* per model and
    the table."""
    models, sizes = list(spec.models), spec.sizes
    dstar = {m: d_star(sizes, [crit[m, d].mse for d in sizes], sigma2) for m in models}
    table = pd.DataFrame(
        {f"D = {d:,}": [f"{crit[m, d].mse:.3f}" + ("*" if crit[m, d].window_cut else "")
                        for m in models] for d in sizes},
        index=[f"{m} (N = {n[m]:,})" for m in models])
    table["D*"] = [f"{dstar[m]:,}" if dstar[m] else "none" for m in models]
    table["N/D*^2"] = [f"{n[m] / dstar[m] ** 2:.3g}" if dstar[m] else "-" for m in models]
    return dstar, table


def live_exponent(spec: Preset, n: dict, dstar: dict, sigma2: float, n_boot: int,
                  seed: int) -> dict:
    """D* ~ N^k through the models that have a D* (:func:`.fits.power_law_fit`, bootstrap over
    the models from ``default_rng(seed)``; k = 0 without resamples when every D* is the same,
    None with fewer than two models), N/D*^2 per model and its ``spread`` (max/min) beside the
    paper's. Returns ``fit``, ``have``, ``spread`` and the ``text``."""
    models = list(spec.models)
    have = [m for m in models if dstar[m]]
    ratios = {m: n[m] / dstar[m] ** 2 for m in have}
    lines = [f"{m}: N = {n[m]:,}, D* = {dstar[m]:,}, N/D*^2 = {ratios[m]:.3e}" for m in have]
    if len(have) >= 2 and len({dstar[m] for m in have}) >= 2:
        fit = power_law_fit(np.array([n[m] for m in have], float),
                            np.array([dstar[m] for m in have], float), n_boot=n_boot,
                            rng=np.random.default_rng(seed))
        lines.append(f"D* ~ N^{fit['k']:.2f}, 95% bootstrap interval [{fit['low']:.2f}, "
                     f"{fit['high']:.2f}] ({fit['resamples']} resamples); Prop. 5 says k = 0.5")
    elif len(have) >= 2:
        fit = {"k": 0.0, "low": 0.0, "high": 0.0, "resamples": 0}
        lines.append(f"every model has the same D* ({dstar[have[0]]:,}): D* ~ N^0 on this grid")
    else:
        fit = None
        lines.append(f"{len(have)} of {len(models)} models reach an MSE below sigma^2 = "
                     f"{sigma2}")
    spread = max(ratios.values()) / min(ratios.values()) if len(have) >= 2 else float("nan")
    lines.append(f"spread of N/D*^2 (max/min): ours {spread:.2f}, the paper's "
                 f"{paper_ratio_spread():.3f}")
    return {"fit": fit, "have": have, "spread": spread, "text": "\n".join(lines)}


def live_summary(spec: Preset, n: dict, dstar: dict, crit: dict, exponent: dict) -> dict:
    """The live grid's finding for the verdict's evidence: its ``source``, whether its interval
    ``supports`` k = 1/2 (and excludes 0), whether it is ``decisive`` (no run censored: D*
    decides only if no run was still improving in its last window), its ``dstar`` and its
    ``exponent`` in words."""
    fit, have, spread = exponent["fit"], exponent["have"], exponent["spread"]
    models = list(spec.models)
    censored = sum(c.censored for c in crit.values())
    return dict(
        source=f"{spec.name} preset (live)",
        supports=fit is not None and fit["low"] <= 0.5 <= fit["high"] and fit["low"] > 0,
        decisive=censored == 0,
        dstar=("D* = " + ", ".join(f"{dstar[m]:,}" if dstar[m] else "none" for m in models)
               + " tokens for N = " + ", ".join(f"{n[m]:,}" for m in models)
               + (f"; N/D*^2 max/min {spread:.2f} (the paper's 1.05)" if have else "")
               + f"; {censored} of {len(crit)} runs censored"),
        exponent=(f"only {len(have)} model(s) have a D*" if fit is None
                  else f"D* is the same ({dstar[have[0]]:,} tokens) for all models"
                  if fit["resamples"] == 0
                  else f"D* ~ N^{fit['k']:.2f}, 95% interval [{fit['low']:.2f}, "
                  f"{fit['high']:.2f}] over {len(have)} models"))


def live_threshold_sweep(spec: Preset, crit: dict, n: dict) -> str:
    """D* of the live grid at other thresholds, with the slope of a least-squares line through
    the models' (log N, log D*) (no interval), and the data sizes at which every larger model has
    the larger MSE (the ordering the paper's reading predicts)."""
    models, sizes, lines = list(spec.models), spec.sizes, []
    for s2 in (0.01, 0.02, 0.04, 0.1, 0.3, 1.0):
        row = {m: d_star(sizes, [crit[m, d].mse for d in sizes], s2) for m in models}
        slope = ""
        if all(row.values()):
            k = np.polyfit(np.log([n[m] for m in models]), np.log([row[m] for m in models]),
                           1)[0]
            slope = f"  (D* ~ N^{abs(k) if abs(k) < 5e-3 else k:.2f})"
        lines.append(f"sigma^2 = {s2:<4}: D* = "
                     + ", ".join(f"{row[m]:,}" if row[m] else "none" for m in models) + slope)
    pairs = list(zip(models, models[1:], strict=False))  # neighbouring model sizes
    ordered = [d for d in sizes if all(crit[a, d].mse < crit[b, d].mse for a, b in pairs)]
    lines.append(f"MSE increases with N at {len(ordered)} of {len(sizes)} data sizes: "
                 + ", ".join(f"{d:,}" for d in ordered))
    return "\n".join(lines)


def live_noise(spec: Preset, dirs: dict, crit: dict) -> str:
    """The live validation sample's evaluation noise (on the largest run), the runs still
    improving in their last window, and each model's lowest validation loss."""
    models, sizes = list(spec.models), spec.sizes
    noise = evaluation_noise(final_val_rows(dirs[models[-1], sizes[-1]]))
    lines = [f"evaluation noise of the live validation sample ({noise['sequences']} windows, "
             f"{noise['tokens']:,} tokens): standard error {noise['se']:.3f} nats; its two "
             f"halves differ by {noise['halves_gap']:.3f}",
             f"{sum(c.window_cut for c in crit.values())} of {len(crit)} runs were still "
             f"improving in their last {spec.window} steps; their MSE measures the "
             "train-validation gap at the end, not after a minimum."]
    for m in models:
        best = min(crit[m, d].val_min for d in sizes)
        lines.append(f"{m}: lowest validation loss {best:.3f} nats/token "
                     f"({best / np.log(2):.2f} bits/token)")
    return "\n".join(lines)


# ---- the paper preset on a GPU --------------------------------------------------------------

GPU_CHECKS = {"Model 1": "gpu_check.json", "Model 2": "gpu_check_model2.json",
              "Model 3": "gpu_check_model3.json"}


def gpu_estimate(results: Path) -> str:
    """The ``paper`` preset's cost from the throughputs measured on one GPU (the JSON files of
    ``benchmarks/gpu_session.sh`` in ``results``; :func:`.openelm_scaling.paper_gpu_hours`):
    GPU-hours per run and for Table 3's grid, with chapter 11's four extra seeds."""
    measured = {name: json.loads((results / file).read_text())
                for name, file in GPU_CHECKS.items() if (results / file).exists()}
    lines = [f"{name}: {gpu['tokens_per_s']:,.0f} tokens/s measured on {gpu['device']} "
             f"({gpu['when']}, batch {gpu['batch']} x {gpu['context']}, bf16, compiled)"
             for name, gpu in measured.items()]
    if len(measured) < len(GPU_CHECKS):
        return "\n".join([*lines, f"no GPU measurement for "
                           f"{sorted(set(GPU_CHECKS) - set(measured))} in {results}: run "
                           "benchmarks/gpu_session.sh on a GPU for an estimate"])
    hours = paper_gpu_hours({name: gpu["tokens_per_s"] for name, gpu in measured.items()})
    seeds_hours = hours.pop("extra seeds")
    lines += [f"{name}: {h / 8:.1f} GPU-hours per run, {h:.0f} for its eight data sizes"
              for name, h in hours.items()]
    lines.append(f"Table 3's grid: {sum(hours.values()):.0f} GPU-hours; with chapter 11's four "
                 f"extra seeds {sum(hours.values()) + seeds_hours:.0f} GPU-hours on one such GPU")
    return "\n".join(lines)

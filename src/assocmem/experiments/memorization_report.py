"""Chapter 12's reading of the controlled-memorization searches (:mod:`.memorization`): the
chapter's parameters checked, the live ladder walk, the archived walks' brackets and fits, the
bits a parameter stores, and the verdicts on Proposition 5 (N* ~ d^k with k = 2, D = T d) and
Proposition 4 (a loss floor of 1) assembled from them.
"""

from __future__ import annotations

import math

import numpy as np

from assocmem.experiments.fits import power_law_fit
from assocmem.experiments.memorization import (
    CRITERIA,
    PRESETS,
    Outcome,
    Preset,
    Threshold,
    balance_verdict,
    floor_verdict,
    smallest_memorizing,
    threshold_exponent,
)


def chapter_parameters(preset: str, d_values: list, widths: list, seed: int, n_boot: int,
                       archived: str) -> dict:
    """The chapter's parameters checked and completed: ``live_preset``, ``archived_preset``
    (the archived preset shown beside it: ``archived``, else the largest the archive holds a
    complete search of, else cpu-long), ``d_values`` (5 or more, over 1.5 decades or more),
    ``widths`` (3 or more), ``seed`` and ``n_boot``; an empty list takes the preset's grid."""
    from assocmem.training import store
    from assocmem.validate import check_choice, check_int

    live_preset = PRESETS[check_choice("preset", preset, PRESETS)]
    archived = check_choice("archived", archived, ["", "cpu-long", "gpu"])
    archived_preset = PRESETS[archived or store.largest_present(PRESETS) or "cpu-long"]
    d_values = list(live_preset.d_values) if d_values == [] else d_values
    widths = list(live_preset.widths) if widths == [] else widths
    if not isinstance(d_values, list) or len(d_values) < 5:
        raise ValueError("parameter 'd_values' must list at least 5 pattern counts; got "
                         f"{d_values!r}")
    d_values = sorted(check_int("d_values", d, low=2) for d in d_values)
    if d_values[-1] / d_values[0] < 10**1.5 - 1e-9:
        raise ValueError(f"parameter 'd_values' must span at least 1.5 decades; got {d_values}")
    if not isinstance(widths, list) or len(widths) < 3:
        raise ValueError(f"parameter 'widths' must list at least 3 widths; got {widths!r}")
    return {"live_preset": live_preset, "archived_preset": archived_preset, "d_values": d_values,
            "widths": sorted(check_int("widths", w, low=8) for w in widths),
            "seed": check_int("seed", seed, low=0), "n_boot": check_int("n_boot", n_boot, low=100)}


def describe(spec: Preset) -> str:
    """The preset's patterns, models and budget in one line."""
    return (f"patterns of T = {spec.length} tokens over V = {spec.vocab} symbols, pairwise "
            f"Hamming distance >= {spec.min_hamming}, recall from {spec.prefix}-token prefixes; "
            f"{spec.layers}-layer models, {spec.steps} steps each")


def live_search(d_values: list[int], widths: list[int], spec: Preset, seed: int = 0,
                workers: int = 2) -> dict:
    """The smallest memorizing model for each d in turn (:func:`smallest_memorizing`, each walk
    starting from the previous d's answer; the ladder stops at a d no width memorizes). Returns
    ``n_star`` {d: N*}, every ``outcome`` tried, the ``censored`` d (the smallest width already
    memorizes: N* only an upper bound) and the report ``lines``."""
    n_star, outcomes, start, censored, lines = {}, [], 0, set(), []
    for d in d_values:
        index, tried = smallest_memorizing(d, widths, start=start, preset=spec, seed=seed,
                                           workers=workers)
        outcomes += tried
        if index is None:
            lines.append(f"d = {d}: no width up to {widths[-1]} memorizes; stopping the "
                         "ladder here")
            break
        start = index
        if index == 0:
            censored.add(d)
        winner = next(o for o in tried if o.width == widths[index])
        n_star[d] = winner.n_params
        lines.append(f"d = {d:4d}: N* = {winner.n_params:7,} (width {widths[index]}); loss "
                     f"{winner.final_loss:.3f} vs floor {winner.floor:.3f}, recall "
                     f"{winner.recall:.0%}")
    return {"n_star": n_star, "outcomes": outcomes, "censored": censored, "lines": lines}


def live_exponent(n_star: dict[int, int], censored: set, n_boot: int, seed: int) -> dict:
    """The power law N* ~ d^k fitted to the live thresholds that are not censored
    (:func:`assocmem.experiments.fits.power_law_fit`, bootstrap from ``default_rng(seed)``);
    the fit with ``d`` and ``n`` added."""
    ds = np.array(sorted(d for d in n_star if d not in censored))
    ns = np.array([n_star[d] for d in ds])
    fit = power_law_fit(ds, ns, n_boot=n_boot, rng=np.random.default_rng(seed))
    return {**fit, "d": ds, "n": ns}


def archive_summary(long: Preset, result: dict) -> tuple[dict, str]:
    """The archived walks of :func:`.memorization.search` in a few lines: how many walks, which
    seeds are complete, what is missing, and the distinct runs' devices, dates, cost and
    censoring. Returns the distinct runs {(d, width, seed): outcome} and the text."""
    from assocmem.training import store
    from assocmem.training.store import run_record

    complete = [s for s in long.seeds if all(m[1] != s for m in result["missing"])]
    text = (f"{len(result['walks'])} walks replayed from the archive ({len(long.seeds)} seeds "
            f"x 2 criteria x up to {len(long.d_values)} d); seeds whose walks are complete: "
            f"{complete or 'none'}"
            + (f"; runs missing at {result['missing']} (criterion, seed, d)"
               if result["missing"] else ""))
    runs = {(o.d, o.width, o.seed): o for o in result["tried"]}
    records = [run_record(store.find(long.train_config(d, w, s), cache=False)) for d, w, s in runs]
    if records:
        when = sorted(r["finished"] for r in records)

        def every(field):
            return ", ".join(sorted({str(r[field]) for r in records}))

        text += (f"\n{len(records)} distinct runs, measured on {every('device')}, torch "
                 f"{every('torch')}, {when[0][:16]} to {when[-1][:16]} UTC; "
                 f"{sum(r['wall_s'] for r in records) / 3600:.1f} hours of one thread; "
                 f"{sum(r['censored'] for r in records)} censored at the "
                 f"{long.steps:,}-step cap")
    return runs, text


def threshold_table(result: dict, rows: list[Threshold], long: Preset) -> str:
    """Each walk's bracket (N below, N*] by criterion, d and seed, with why a bracket is not
    measured at both ends, and the thresholds that fall as d doubles."""
    lines = []
    for criterion in CRITERIA:
        lines.append(f"{criterion}:")
        for d in long.d_values:
            cells = []
            for s in long.seeds:
                t = next((r for r in rows if (r.criterion, r.seed, r.d) == (criterion, s, d)),
                         None)
                if t is None:
                    above = result["found"].get((criterion, s, d), 0) is None
                    cells.append("above the ladder" if above else "not run")
                    continue
                note = ("" if t.bracketed else " (smallest width passes)" if t.n_below == 0
                        else " (width below censored)")
                cells.append(f"({t.n_below:,}, {t.n_star:,}]{note}")
            lines.append(f"  d = {d:5d}: " + "; ".join(cells))
    star = {(r.criterion, r.seed, r.d): r.n_star for r in rows}
    falls = [f"{c}, seed {s}: d = {d} -> {2 * d}" for (c, s, d), n in star.items()
             if star.get((c, s, 2 * d), n) < n]
    lines.append("thresholds that fall as d doubles: " + ("; ".join(falls) or "none"))
    return "\n".join(lines)


def threshold_fits(rows: list[Threshold], n_boot: int, seed: int) -> tuple[dict, str]:
    """:func:`.memorization.threshold_exponent` for each criterion (each from
    ``default_rng(seed)``), with its halves, in words. Returns {criterion: fit} (the criteria
    with 3 bracketed d or more) and the text."""
    fits, lines = {}, []
    for criterion in CRITERIA:
        f = threshold_exponent(rows, criterion, n_boot=n_boot, seed=seed)
        if f is None:
            lines.append(f"{criterion}: fewer than 3 values of d bracketed; no fit")
            continue
        fits[criterion] = f
        lines.append(f"{criterion}: N* ~ d^k, k = {f['k']:.2f}, 95% interval "
                     f"[{f['low']:.2f}, {f['high']:.2f}] over d = {f['d'][0]}-{f['d'][-1]} "
                     f"({math.log10(f['d'][-1] / f['d'][0]):.1f} decades), "
                     f"seeds {f['seeds']}, {f['resamples']} resamples")
        lines += [f"  {part} half, d = {h['d'][0]}-{h['d'][-1]}: "
                  f"k = {h['k']:.2f} [{h['low']:.2f}, {h['high']:.2f}]"
                  for part, h in f["halves"].items()]
    return fits, "\n".join(lines)


def pattern_bits(d: int, spec: Preset) -> float:
    """The information in a set of d random patterns of T tokens over V symbols, in bits:
    d T log2 V - log2 d! (the set's order does not count)."""
    return d * spec.length * math.log2(spec.vocab) - math.lgamma(d + 1) / math.log(2)


def bits_report(n_star: dict[int, int], spec: Preset, rows: list[Threshold],
                long: Preset) -> str:
    """Bits per parameter at each live threshold, and their range over the archived bracketed
    thresholds of each criterion (at the passing rung: a lower bound on the threshold's)."""
    lines = [f"{spec.name} (live):"]
    lines += [f"  d = {d:4d}: {pattern_bits(d, spec) / n:.2f} bits per parameter"
              for d, n in n_star.items()]
    for criterion in CRITERIA:
        per = [pattern_bits(r.d, long) / r.n_star for r in rows
               if r.criterion == criterion and r.bracketed]
        if per:
            lines.append(f"{long.name}, smallest {criterion}: {min(per):.2f}-{max(per):.2f} "
                         "bits per parameter (at the passing rung: a lower bound on the "
                         "threshold's)")
    return "\n".join(lines)


def _above_ladder(result: dict, runs: dict, long: Preset) -> str:
    """The d at which no width of the ladder saturates, with the lowest loss each width's runs
    reached there (mean over the seeds that ran it): does width still help at the top?"""
    top = ""
    for d in sorted({d for (c, _, d), index in result["found"].items()
                     if c == "saturated" and index is None}):
        by_width: dict[int, list[float]] = {}
        for (dd, w, _), o in runs.items():
            if dd == d:
                by_width.setdefault(w, []).append(o.best_loss)
        floor = math.log(d) / long.length
        top += (f" At d = {d} no width up to {long.widths[-1]} saturates; its lowest losses "
                "(mean over the seeds that ran the width): "
                + ", ".join(f"width {w} {np.mean(v):.3f} ({len(v)} seeds)"
                            for w, v in sorted(by_width.items()))
                + f" (floor {floor:.3f}, criterion {floor + 0.02:.3f}); the fit leaves it out.")
    return top


def balance(long_fits: dict, live_fit: dict, censored: set, result: dict, runs: dict,
            long: Preset, spec: Preset) -> dict:
    """Prop. 5's verdict from the largest evidence present: the archived loss-minimizing
    (smallest saturating) N when its fit exists, else the live smallest memorizing N. Returns
    ``source``, the ``fit`` used, the ``verdict`` (:func:`.memorization.balance_verdict`), the
    ``span`` of d, ``top`` (the d above the ladder, in words), ``long_decides``, ``scale`` (the
    ledger's; the paper ran no such experiment) and the ``notes`` to print."""
    long_decides = "saturated" in long_fits
    if long_decides:
        source = f"{long.name} (archive): the loss-minimizing (smallest saturating) N"
        f = long_fits["saturated"]
        verdict = balance_verdict(f, f["d"], len(f["seeds"]))
    else:
        source = f"{spec.name} (live, one seed, fixed budget): the smallest memorizing N"
        f = live_fit
        verdict = balance_verdict(f, list(f["d"]), 1, censored)
    span = f["d"][-1] / f["d"][0]
    top = _above_ladder(result, runs, long) if long_decides else ""
    notes = [top.strip() or "every d of the preset saturates on the ladder"] if long_decides \
        else []
    if verdict["shortfalls"]:
        notes.append("the design falls short of deciding: " + "; ".join(verdict["shortfalls"]))
    elif verdict["holds_one"] and verdict["holds_two"]:
        # the interval narrows about as 1 / (decades of d): the decades that would make its
        # half-width smaller than the distance from k to the farther of 1 and 2
        half = (f["high"] - f["low"]) / 2
        gap = max(abs(f["k"] - 1), abs(f["k"] - 2))
        notes.append(f"both k = 1 and k = 2 inside; about "
                     f"{math.log10(span) * half / gap:.1f} decades of d would separate them")
    shown = long if long_decides else spec
    scale = {"preset": shown.name, "patterns": [min(shown.d_values), max(shown.d_values)],
             "widths": [min(shown.widths), max(shown.widths)], "seeds": len(shown.seeds),
             "paper": None}
    return {"source": source, "fit": f, "verdict": verdict, "span": span, "top": top,
            "long_decides": long_decides, "scale": scale, "notes": "\n".join(notes)}


def balance_evidence(b: dict, long_fits: dict, live_fit: dict, long: Preset,
                     spec: Preset) -> str:
    """The ledger's evidence for Prop. 5 from :func:`balance`'s result."""
    f, v, decides = b["fit"], b["verdict"], b["long_decides"]
    memo = long_fits.get("memorized")
    return (
        f"from {b['source']} ~ d^k with k = {f['k']:.2f}, 95% interval "
        f"[{f['low']:.2f}, {f['high']:.2f}] over {math.log10(b['span']):.1f} "
        f"decades of d; k = 2 {'inside' if v['holds_two'] else 'outside'}, k = 1 "
        f"{'inside' if v['holds_one'] else 'outside'}, k = 0 (a power of log D) "
        f"{'inside' if f['low'] <= 0 <= f['high'] else 'outside'}"
        + (f" (the design falls short: {'; '.join(v['shortfalls'])})." if v["shortfalls"]
           else ".")
        + b["top"]
        + (f" Smallest memorizing N ({long.name}): k = {memo['k']:.2f} "
           f"[{memo['low']:.2f}, {memo['high']:.2f}]." if memo and decides else "")
        + (f" Live {spec.name} preset (one seed, fixed budget): k = {live_fit['k']:.2f} "
           f"[{live_fit['low']:.2f}, {live_fit['high']:.2f}]." if decides else ""))


def floor_evidence(live: list[Outcome], archived: dict) -> tuple[dict, str]:
    """Prop. 4's floor judged on every distinct run, live and archived
    (:func:`.memorization.floor_verdict` on those that memorize). Returns the verdict and the
    ledger's evidence."""
    every = {(o.d, o.width, o.seed, "live"): o for o in live} | {
        (*k, "archived"): o for k, o in archived.items()}  # a walk may score a run twice
    memorized = [o for o in every.values() if o.memorized]
    others = [o for o in every.values() if not o.memorized]
    floor = floor_verdict(memorized)
    lowest = floor["lowest"]
    return floor, (
        f"{len(memorized)} memorizing runs (live and archived) reach losses "
        f"per token {lowest.final_loss:.3f} (d = {lowest.d}) to "
        f"{max(o.final_loss for o in memorized):.3f}, each within 0.1 of "
        f"its data floor log(d)/T; of {len(others)} runs that do not "
        f"memorize, {sum(o.best_loss >= o.floor for o in others)} stay at or "
        "above their floors.")

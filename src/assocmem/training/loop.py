"""The training loop used by every experiment: one readable loop in the style of nanoGPT.

AdamW with warmup and cosine or linear decay, gradient accumulation, clipping, periodic
validation, one JSONL metrics file per run, atomic checkpoints that hold everything needed to
resume exactly (model, optimizer, scheduler, every RNG state, the data position), bf16 autocast
and optional ``torch.compile`` on CUDA, and DistributedDataParallel under ``torchrun``.

A run trains for ``steps`` optimizer steps, or, with ``patience`` > 0, until its validation
minimum is followed by ``patience`` steps without a lower validation loss (lower by more than
``min_delta``, when it is set), with ``steps`` as the cap: a run that reaches the cap first is
*censored* (its minimum is not known to be one). With ``eval_batches = 0`` validation covers the
whole held-out set, the same tokens for every run, and
the per-sequence losses at the minimum are kept (``val_rows.npz``) so that the evaluation's own
noise can be measured.

A finished run leaves ``finished.json``, a record of what it wrote (the logged steps, where it
stopped and why, digests of ``metrics.jsonl``, of the checkpoint and of the validation rows, and
its provenance: device, versions, wall time, throughput), checked against the metrics before it
is written, and ``SHA256SUMS``, the run's seal over every file of it
(:mod:`assocmem.training.integrity`), from which :mod:`assocmem.training.runs` verifies the run
before anyone reads it. The process that trains a run holds the lock of its folder: a second
writer is refused. The command line (``python -m assocmem.training``) trains the runs of the
experiments' presets.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import random
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from tqdm import tqdm

from assocmem.training import tasks
from assocmem.training.integrity import (
    SEAL,
    CorruptRun,
    disagreement,
    file_digest,
    run_lock,
    write_seal,
)
from assocmem.training.openelm import OpenELM, OpenELMConfig
from assocmem.training.tasks import IGNORE
from assocmem.training.vanilla import VanillaTransformer


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a run. Experiments build it from their presets."""

    name: str = "run"
    task: str = "question_formation"  # see assocmem.training.tasks.TASKS
    task_args: dict = field(default_factory=dict)  # passed to the task's builder
    model: str = "vanilla"  # "vanilla" (Murty et al.) or "openelm"
    model_args: dict = field(default_factory=dict)
    dropout: float = 0.1
    steps: int = 1000
    batch_size: int = 32  # sequences per optimizer step (global, all ranks and micro-steps)
    micro_batch: int = 32  # sequences per forward pass on one rank
    lr: float = 1e-4
    min_lr_ratio: float = 0.1
    warmup_steps: int = 100
    decay: str = "cosine"  # "cosine", "linear" or "constant"
    betas: tuple[float, float] = (0.9, 0.95)
    eps: float = 1e-8
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    eval_every: int = 100
    eval_batches: int = 4  # 0: the whole held-out set
    patience: int = 0  # > 0: stop once the validation minimum is this many steps old
    min_delta: float = 0.0  # with patience: a new minimum resets it only if this much lower
    log_every: int = 10
    checkpoint_every: int = 100
    seed: int = 0
    device: str = "cpu"
    compile: bool = False

    def __post_init__(self):
        positive = ("steps", "batch_size", "micro_batch", "eval_every", "log_every",
                    "checkpoint_every")
        for name in (*positive, "eval_batches", "patience"):
            value, low = getattr(self, name), 1 if name in positive else 0
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"config '{name}' must be an integer >= {low}; got {value!r}")
        if self.patience and self.patience % self.eval_every:
            raise ValueError(f"config 'patience' ({self.patience}) must be a multiple of "
                             f"eval_every ({self.eval_every})")
        if self.batch_size % self.micro_batch:
            raise ValueError(f"config 'micro_batch' ({self.micro_batch}) must divide "
                             f"batch_size ({self.batch_size})")
        if isinstance(self.min_delta, bool) or not isinstance(self.min_delta, (int, float)) \
                or not self.min_delta >= 0:
            raise ValueError(f"config 'min_delta' must be a number >= 0; got {self.min_delta!r}")
        if self.decay not in ("cosine", "linear", "constant"):
            raise ValueError(f"config 'decay' must be cosine, linear or constant; "
                             f"got {self.decay!r}")
        if self.model not in ("vanilla", "openelm"):
            raise ValueError(f"config 'model' must be 'vanilla' or 'openelm'; got {self.model!r}")
        if self.device not in ("cpu", "cuda"):
            raise ValueError(f"config 'device' must be 'cpu' or 'cuda'; got {self.device!r}")
        ranges = {"lr": "(0, 10)", "dropout": "[0, 1)", "min_lr_ratio": "[0, 1]",
                  "eps": "(0, 1)", "weight_decay": "[0, 10)", "grad_clip": "(0, 1e6)"}
        for name, interval in ranges.items():
            value, low, high = getattr(self, name), *map(float, interval[1:-1].split(", "))
            number = not isinstance(value, bool) and isinstance(value, (int, float))
            if not (number and (value >= low if interval[0] == "[" else value > low)
                    and (value <= high if interval[-1] == "]" else value < high)):
                raise ValueError(f"config '{name}' must be a number in {interval}; "
                                 f"got {value!r}")
        if isinstance(self.warmup_steps, bool) or not isinstance(self.warmup_steps, int) \
                or self.warmup_steps < 0:
            raise ValueError(f"config 'warmup_steps' must be an integer >= 0; "
                             f"got {self.warmup_steps!r}")
        for key, value in self.model_args.items():
            if isinstance(value, int) and not isinstance(value, bool) and value < 1:
                raise ValueError(f"config 'model_args': {key!r} must be >= 1; got {value!r}")

    def key(self) -> str:
        """Hash of every field that changes the numbers (not checkpoint cadence, not the name,
        not where a corpus lies on this machine: its fingerprint stands for it), so that an
        archived run is found again on any machine."""
        fields = dataclasses.asdict(self)
        for cosmetic in ("checkpoint_every", "name"):
            fields.pop(cosmetic)
        if not fields["patience"]:  # added later: absent keeps the keys of earlier runs
            fields.pop("patience")
        if not fields["min_delta"]:
            fields.pop("min_delta")
        if "fingerprint" in fields["task_args"]:  # text is named by its content, not its path
            fields["task_args"] = {k: v for k, v in fields["task_args"].items() if k != "corpus"}
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:12]


def build_model(cfg: TrainConfig, vocab_size: int, max_len: int) -> torch.nn.Module:
    if cfg.model == "vanilla":
        return VanillaTransformer(vocab_size, dropout=cfg.dropout, max_len=max_len,
                                  **cfg.model_args)
    shape = OpenELMConfig(vocab_size=vocab_size, max_context=max_len, **cfg.model_args)
    return OpenELM(shape, dropout=cfg.dropout)


def lr_factor(cfg: TrainConfig, step: int) -> float:
    """Linear warmup to 1, then cosine or linear decay to ``min_lr_ratio`` at the last step."""
    if step < cfg.warmup_steps:
        return (step + 1) / cfg.warmup_steps
    if cfg.decay == "constant":
        return 1.0
    progress = min(1.0, (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps))
    shape = 0.5 * (1 + math.cos(math.pi * progress)) if cfg.decay == "cosine" else 1 - progress
    return cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * shape


def _rng_state(generator: torch.Generator) -> dict:
    """Every RNG state, as tensors and plain Python values (loadable with weights_only=True)."""
    kind, keys, pos, has_gauss, cached = np.random.get_state()  # noqa: NPY002
    return {"torch": torch.get_rng_state(), "python": random.getstate(),
            "numpy": {"kind": kind, "keys": torch.from_numpy(keys.astype(np.int64)), "pos": pos,
                      "has_gauss": has_gauss, "cached": cached},
            "data": generator.get_state(),
            "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []}


def _restore_rng(state: dict, generator: torch.Generator) -> None:
    """Restore :func:`_rng_state`'s states, wherever the checkpoint was mapped (RNG states are
    CPU byte tensors, also when a CUDA run's checkpoint is loaded onto the device)."""
    state = {k: (v.cpu() if isinstance(v, torch.Tensor) else
                 [t.cpu() for t in v] if k == "cuda" else v) for k, v in state.items()}
    torch.set_rng_state(state["torch"])
    np_state = state["numpy"]
    keys = np_state["keys"].cpu().numpy().astype(np.uint32)
    legacy = (np_state["kind"], keys, np_state["pos"], np_state["has_gauss"], np_state["cached"])
    np.random.set_state(legacy)  # noqa: NPY002
    random.setstate(state["python"])
    generator.set_state(state["data"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _save_atomic(obj, path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    tmp.replace(path)


def logged_steps(cfg: TrainConfig, last: int | None = None) -> list[int]:
    """The steps a complete run logs in ``metrics.jsonl``: every ``log_every``-th, every
    ``eval_every``-th (with validation) and the last, ``last`` when the run stopped early."""
    last = cfg.steps if last is None else last
    return [s for s in range(1, last + 1)
            if s % cfg.log_every == 0 or s % cfg.eval_every == 0 or s == last]


def _read_metrics(path: Path, upto: int | None = None) -> list[dict]:
    """The rows of a ``metrics.jsonl`` being written, up to step ``upto``, skipping a last line
    that a kill cut short (used to resume; finished runs are read through their record)."""
    rows = []
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if upto is None or row["step"] <= upto:
                rows.append(row)
    return rows


def read_config(out_dir: Path) -> TrainConfig:
    """The configuration a run directory records in ``config.json``."""
    fields = json.loads((Path(out_dir) / "config.json").read_text())
    fields["betas"] = tuple(fields["betas"])
    return TrainConfig(**fields)


def _code_version() -> str:
    """The commit of the package's source, read once when this module is imported: the code a
    run executes is the code imported at its start, whatever the checkout holds when it ends."""
    import subprocess

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], capture_output=True, text=True, timeout=10,
                                  cwd=Path(__file__).parent).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    if os.environ.get("ASSOCMEM_COMMIT"):  # named by whoever launched the run (a device copy
        return os.environ["ASSOCMEM_COMMIT"]  # whose git directory may not match its tree)
    commit = git("rev-parse", "--short", "HEAD")
    if commit and git("status", "--porcelain", "--untracked-files=no", "--", ":(top)src"):
        commit += " with uncommitted changes under src/"
    return commit or "unknown"


CODE_VERSION = _code_version()


def provenance(device: torch.device) -> dict:
    """Where and with what a run was made (the machine, the versions, the commit of the code
    imported at the process's start, the date)."""
    import platform
    from datetime import UTC, datetime

    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
    else:
        cpuinfo = Path("/proc/cpuinfo")
        models = [line.split(":", 1)[1].strip() for line in (
            cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
            if line.startswith("model name")]
        name = (f"{models[0] if models else platform.machine()} ({os.cpu_count()} cores), "
                f"{torch.get_num_threads()} thread(s)")
    return {"device": name, "torch": torch.__version__, "cuda": torch.version.cuda,
            "python": platform.python_version(), "commit": CODE_VERSION,
            "finished": datetime.now(UTC).isoformat(timespec="seconds")}


def _made(device: torch.device, trained: int, clock: float) -> dict:
    """The provenance of the training in this process (:func:`provenance`) and, when it
    trained, its speed (``tokens_per_s``: tokens trained here over the time since ``clock``);
    kept in each checkpoint as JSON text (plain values, loadable with weights_only=True)."""
    made = provenance(device)
    if trained:
        made["tokens_per_s"] = round(trained / (time.perf_counter() - clock), 1)
    return made


CACHE_FILES = ("config.json", "metrics.jsonl", "checkpoint.pt", "finished.json",
               "val_rows.npz", "extends.json", "score.json")  # a cached run's, sealed


def write_record(out_dir: Path, cfg: TrainConfig, last: int | None = None,
                 extra: dict | None = None) -> dict:
    """``finished.json``: the configuration's key, the step the run stopped at, the number of
    logged rows, digests of the metrics, the checkpoint and the validation rows (and
    ``extra``: how it stopped, its provenance; and ``extends``, the run it continued, from
    ``extends.json``), written atomically once the run is complete; then the run's seal
    (``SHA256SUMS``: :mod:`assocmem.training.integrity`) over it and every file of
    :data:`CACHE_FILES` the folder holds."""
    out_dir = Path(out_dir)
    last = cfg.steps if last is None else last
    record = {"steps": cfg.steps, "key": cfg.key(), "last_step": last,
              "rows": len(logged_steps(cfg, last)), **(extra or {}),
              "metrics_sha256": file_digest(out_dir / "metrics.jsonl"),
              "checkpoint_sha256": file_digest(out_dir / "checkpoint.pt")}
    if (out_dir / "val_rows.npz").exists():
        record["val_rows_sha256"] = file_digest(out_dir / "val_rows.npz")
    if (out_dir / "extends.json").exists():  # the record names the run it continued
        record["extends"] = json.loads((out_dir / "extends.json").read_text())
    try:  # never a record, nor a seal, over metrics that say otherwise
        rows = [json.loads(line) for line in (out_dir / "metrics.jsonl").read_text().splitlines()]
        problem = None if all(isinstance(row, dict) for row in rows) else "a row is not a dict"
    except json.JSONDecodeError as error:
        problem = f"metrics.jsonl does not parse ({error})"
    if problem is None:
        kept = None
        if (out_dir / "val_rows.npz").exists():
            with np.load(out_dir / "val_rows.npz") as arrays:
                kept = {"loss": arrays["loss"].astype(np.float64), "tokens": arrays["tokens"]}
        problem = disagreement(cfg, record, rows, val_rows=kept, name="finished.json")
    if problem:
        raise CorruptRun(f"run {out_dir.name} ({out_dir}): {problem}; its record is not "
                         f"written (did another process write to the folder?)")
    tmp = out_dir / f"finished.json.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(record, indent=1))
    tmp.replace(out_dir / "finished.json")
    write_seal(out_dir, [name for name in CACHE_FILES if (out_dir / name).exists()])
    return record


def train(cfg: TrainConfig, out_dir: Path, resume: bool = True, progress: bool = True,
          deadline: float | None = None) -> Path:
    """Train (or resume) the run described by ``cfg`` in ``out_dir``; return ``out_dir``.

    With ``deadline`` (a ``time.time()`` value), the run stops after the first step that ends
    past it, checkpoints and writes its record as *censored* with ``stopped: "deadline"``: a
    later call resumes it (:func:`assocmem.training.runs.cached_train`). This is how a lease of
    a device that ends at a fixed time keeps every step it paid for.

    The process that writes (rank 0) holds the run's lock
    (:func:`assocmem.training.integrity.run_lock`) throughout: while another process holds it,
    :class:`assocmem.training.integrity.RunBusy` is raised and nothing is written."""
    if int(os.environ.get("RANK", "0")) != 0:
        return _train(cfg, Path(out_dir), resume, progress, deadline)
    with run_lock(out_dir, wait=False):
        return _train(cfg, Path(out_dir), resume, progress, deadline)


def _train(cfg: TrainConfig, out_dir: Path, resume: bool, progress: bool,
           deadline: float | None) -> Path:
    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    if distributed and not dist.is_initialized():
        dist.init_process_group("nccl" if cfg.device == "cuda" else "gloo")
    rank, world = (dist.get_rank(), dist.get_world_size()) if distributed else (0, 1)
    if cfg.device == "cuda":
        if not torch.cuda.is_available():
            raise ValueError("argument 'device' is 'cuda' but no CUDA device is available")
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    device = torch.device(cfg.device, torch.cuda.current_device()) if cfg.device == "cuda" \
        else torch.device("cpu")
    per_rank = cfg.batch_size // world
    micro = min(cfg.micro_batch, per_rank)
    if per_rank * world != cfg.batch_size or per_rank % micro:
        raise ValueError(f"config 'batch_size' ({cfg.batch_size}) must split evenly over "
                         f"{world} ranks in micro-batches of {micro}")

    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)  # noqa: NPY002 (libraries may draw from the global RNG)
    random.seed(cfg.seed)
    data = tasks.build(cfg.task, seed=cfg.seed, **cfg.task_args)
    model = build_model(cfg, data.vocab_size, data.max_len).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, betas=cfg.betas, eps=cfg.eps,
                                  weight_decay=cfg.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(cfg, s))
    generator = torch.Generator().manual_seed(cfg.seed + 1)  # draws the training batches

    out_dir.mkdir(parents=True, exist_ok=True)
    ckpt_path, metrics_path = out_dir / "checkpoint.pt", out_dir / "metrics.jsonl"
    start, best, wall = 0, {"step": 0, "val": math.inf, "rows": None}, 0.0
    made = None  # the provenance and speed of the training that wrote the checkpoint
    anchor = {"step": 0, "val": math.inf}  # the minimum patience counts from (min_delta)
    if resume and ckpt_path.exists():
        state = torch.load(ckpt_path, map_location=device, weights_only=True)
        if state["config_key"] != cfg.key():
            raise ValueError(f"{ckpt_path} belongs to another configuration; use a new --out")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        _restore_rng(state["rng"], generator)
        start = state["step"]
        best, wall = state.get("best", best), state.get("wall_s", 0.0)
        anchor = state.get("anchor", {"step": best["step"], "val": best["val"]})
        made = json.loads(state["made"]) if "made" in state else None
    elif rank == 0:  # a new run: nothing of an earlier one in the folder stays
        for name in ("metrics.jsonl", "val_rows.npz", "extends.json"):
            (out_dir / name).unlink(missing_ok=True)
    if rank == 0:  # drop rows logged after the checkpoint we resume from, and the last row
        #             of a run cut by a deadline where it does not log
        (out_dir / "finished.json").unlink(missing_ok=True)  # unfinished from here on
        (out_dir / SEAL).unlink(missing_ok=True)
        (out_dir / "score.json").unlink(missing_ok=True)  # a score is the final model's
        kept = set(logged_steps(cfg))
        rows = [r for r in _read_metrics(metrics_path, upto=start) if r["step"] in kept]
        metrics_path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        (out_dir / "config.json").write_text(json.dumps(dataclasses.asdict(cfg), indent=1))

    net = model
    if cfg.compile and cfg.device == "cuda":
        net = torch.compile(model)
    if distributed:
        net = torch.nn.parallel.DistributedDataParallel(
            net, device_ids=[device.index] if cfg.device == "cuda" else None)
    autocast = torch.autocast("cuda", dtype=torch.bfloat16, enabled=cfg.device == "cuda")

    def loss_sum(inputs, targets):
        with autocast:
            logits = net(inputs)
        return F.cross_entropy(logits.float().flatten(0, 1), targets.flatten(),
                               ignore_index=IGNORE, reduction="sum")

    bar = tqdm(range(start, cfg.steps), initial=start, total=cfg.steps, desc=cfg.name,
               disable=not progress or rank != 0, file=sys.stderr, mininterval=5)
    clock, trained, done = time.perf_counter(), 0, start
    stopped = bool(cfg.patience) and start > 0 and start - anchor["step"] >= cfg.patience
    for step in ([] if stopped else bar):
        model.train()
        inputs, targets = data.train_batch(cfg.batch_size, generator)
        tokens = int((targets != IGNORE).sum())  # the global batch: identical on every rank
        inputs = inputs[rank * per_rank:(rank + 1) * per_rank].to(device)
        targets = targets[rank * per_rank:(rank + 1) * per_rank].to(device)
        total = torch.zeros((), device=device)
        chunks = range(0, per_rank, micro)
        for i, lo in enumerate(chunks):
            sync = i == len(chunks) - 1 or not distributed
            context = net.no_sync() if distributed and not sync else nullcontext()
            with context:
                part = loss_sum(inputs[lo:lo + micro], targets[lo:lo + micro])
                (part * world / tokens).backward()  # DDP averages over ranks
            total += part.detach()
        if distributed:
            dist.all_reduce(total)
        train_loss = total.item() / tokens
        trained += tokens
        if not math.isfinite(train_loss):
            raise FloatingPointError(f"non-finite training loss ({train_loss}) at step {step + 1}")
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)

        done = step + 1
        row = {"step": done, "train_loss": train_loss, "lr": scheduler.get_last_lr()[0],
               "grad_norm": float(grad_norm), "tokens": tokens}
        if done % cfg.eval_every == 0 or done == cfg.steps:
            row["val_loss"], rows = evaluate(model, data, cfg, device, autocast)
            if row["val_loss"] < best["val"]:
                best = {"step": done, "val": row["val_loss"], "rows": rows}
            if row["val_loss"] < anchor["val"] - cfg.min_delta:
                anchor = {"step": done, "val": row["val_loss"]}
            stopped = bool(cfg.patience) and done - anchor["step"] >= cfg.patience
        late = deadline is not None and not stopped and done < cfg.steps \
            and time.time() >= deadline
        if rank == 0 and (done % cfg.log_every == 0 or "val_loss" in row or late):
            with open(metrics_path, "a") as handle:
                handle.write(json.dumps(row) + "\n")
            bar.set_postfix(loss=f"{train_loss:.3f}", refresh=False)
        if rank == 0 and (done % cfg.checkpoint_every == 0 or done == cfg.steps or stopped
                          or late):
            made = _made(device, trained, clock)
            _save_atomic({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                          "scheduler": scheduler.state_dict(), "rng": _rng_state(generator),
                          "step": done, "config_key": cfg.key(), "best": best,
                          "anchor": anchor, "made": json.dumps(made),
                          "wall_s": wall + time.perf_counter() - clock}, ckpt_path)
        if stopped or late:
            break
    late = deadline is not None and not stopped and done < cfg.steps
    if rank == 0:
        wall += time.perf_counter() - clock
        # the record says what the final checkpoint does (saved at the last step, by this
        # process when it trained): a process that only rebuilds the record of a finished
        # run (its finished.json lost) records the training, not its own thread count and
        # date; a checkpoint of an earlier version, without it, gets this process's
        made = made or _made(device, trained, clock)
        extra = {"stopped": "patience" if stopped else "deadline" if late else "steps",
                 "censored": (bool(cfg.patience) and not stopped) or late,
                 "best_step": best["step"], "best_val": best["val"],
                 "wall_s": round(wall, 1), **made}
        if best["rows"] is not None:
            np.savez(out_dir / "val_rows.npz", **{k: v.numpy() for k, v in best["rows"].items()})
        write_record(out_dir, cfg, done, extra)
    if distributed:
        dist.barrier()
    return out_dir


@torch.no_grad()
def evaluate(model, data, cfg: TrainConfig, device, autocast) -> tuple[float, dict]:
    """Mean per-token loss over the first ``eval_batches`` validation batches (all of them when
    ``eval_batches`` is 0; no RNG used), and per sequence its summed loss and its token count
    (``{"loss": .., "tokens": ..}``, from which the evaluation's noise is measured)."""
    model.eval()
    losses, counts = [], []
    count = cfg.eval_batches or 1 << 40
    for inputs, targets in data.val_batches(cfg.micro_batch, count):
        inputs, targets = inputs.to(device), targets.to(device)
        with autocast:
            logits = model(inputs)
        per_token = F.cross_entropy(logits.float().transpose(1, 2), targets,
                                    ignore_index=IGNORE, reduction="none")
        losses.append(per_token.sum(1).double().cpu())
        counts.append((targets != IGNORE).sum(1).cpu())
    loss, tokens = torch.cat(losses), torch.cat(counts)
    return (loss.sum() / tokens.sum()).item(), {"loss": loss, "tokens": tokens}

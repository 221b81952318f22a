"""The training loop used by every experiment: one readable loop in the style of nanoGPT.

AdamW with warmup and cosine or linear decay, gradient accumulation, clipping, periodic
validation, one JSONL metrics file per run, atomic checkpoints that hold everything needed to
resume exactly (model, optimizer, scheduler, every RNG state, the data position), bf16 autocast
and optional ``torch.compile`` on CUDA, and DistributedDataParallel under ``torchrun``.

    python -m assocmem.train --preset tiny --steps 30 --out runs/tiny [--resume] [--seed 0]
    torchrun --nproc_per_node 2 -m assocmem.train --preset tiny --steps 30 --out runs/ddp

Runs are cached by a hash of their configuration (:func:`cached_train`): rebuilding the book
reuses finished runs and resumes unfinished ones.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import os
import random
import sys
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from tqdm import tqdm

from assocmem import datasets
from assocmem.models import OpenELM, VanillaTransformer
from assocmem.params import OpenELMConfig
from assocmem.paths import project_path

IGNORE = -100


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a run. Presets (:data:`PRESETS`) override the defaults."""

    name: str = "run"
    task: str = "question_formation"  # see assocmem.datasets.TASKS
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
    eval_batches: int = 4
    log_every: int = 10
    checkpoint_every: int = 100
    seed: int = 0
    device: str = "cpu"
    compile: bool = False

    def __post_init__(self):
        positive = ("steps", "batch_size", "micro_batch", "eval_every", "eval_batches",
                    "log_every", "checkpoint_every")
        for name in positive:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"config '{name}' must be an integer >= 1; got {value!r}")
        if self.batch_size % self.micro_batch:
            raise ValueError(f"config 'micro_batch' ({self.micro_batch}) must divide "
                             f"batch_size ({self.batch_size})")
        if self.decay not in ("cosine", "linear", "constant"):
            raise ValueError(f"config 'decay' must be cosine, linear or constant; "
                             f"got {self.decay!r}")
        if self.model not in ("vanilla", "openelm"):
            raise ValueError(f"config 'model' must be 'vanilla' or 'openelm'; got {self.model!r}")
        if self.device not in ("cpu", "cuda"):
            raise ValueError(f"config 'device' must be 'cpu' or 'cuda'; got {self.device!r}")
        if not (0 <= self.dropout < 1 and self.lr > 0 and self.warmup_steps >= 0):
            raise ValueError("config 'dropout' must be in [0, 1), 'lr' > 0, 'warmup_steps' >= 0")

    def key(self) -> str:
        """Hash of every field that changes the numbers (not checkpoint or logging cadence)."""
        fields = dataclasses.asdict(self)
        for cosmetic in ("checkpoint_every", "name"):
            fields.pop(cosmetic)
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:12]


# Murty et al. (2023), as used in Section 6.2: d 512, 8 heads, FFN 2048, dropout 0.1, AdamW with
# lr 1e-4, eps 1e-7, 10k warmup steps. The batch size and step count are our reading of their
# setup (see chapter 09); `cpu` presets shrink width, data and steps to run in minutes.
_QF_PAPER = dict(task="question_formation", task_args={"n_train": 100_000, "n_val": 1_000},
                 model="vanilla", dropout=0.1, lr=1e-4, eps=1e-7, warmup_steps=10_000,
                 decay="linear", min_lr_ratio=0.0, batch_size=8, micro_batch=8, steps=300_000,
                 eval_every=2_000, log_every=100, checkpoint_every=5_000)
_QF_CPU = dict(task="question_formation", task_args={"n_train": 20_000, "n_val": 500},
               model="vanilla", dropout=0.0, lr=2e-3, eps=1e-7, warmup_steps=100,
               decay="cosine", min_lr_ratio=0.05, batch_size=32, micro_batch=32, steps=1_000,
               eval_every=100, log_every=20, checkpoint_every=200)
PRESETS: dict[str, dict] = {
    "tiny": dict(task="question_formation", task_args={"n_train": 500, "n_val": 64},
                 model="vanilla", model_args=dict(d_model=32, n_heads=2, d_ff=64, n_layers=2),
                 dropout=0.1, lr=1e-3, warmup_steps=5, batch_size=16, micro_batch=8, steps=30,
                 eval_every=10, eval_batches=2, log_every=1, checkpoint_every=10),
    "qf-cpu-6": {**_QF_CPU, "model_args": dict(d_model=64, n_heads=4, d_ff=256, n_layers=6)},
    "qf-cpu-10": {**_QF_CPU, "model_args": dict(d_model=64, n_heads=4, d_ff=256, n_layers=10)},
    "qf-paper-6": {**_QF_PAPER, "model_args": dict(d_model=512, n_heads=8, d_ff=2048, n_layers=6)},
    "qf-paper-10": {**_QF_PAPER,
                    "model_args": dict(d_model=512, n_heads=8, d_ff=2048, n_layers=10)},
}


def preset(name: str, **overrides) -> TrainConfig:
    """The configuration of a preset, with fields overridden by keyword."""
    if name not in PRESETS:
        raise ValueError(f"argument 'preset' must be one of {sorted(PRESETS)}; got {name!r}")
    return TrainConfig(**{"name": name, **PRESETS[name], **overrides})


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
    torch.set_rng_state(state["torch"])
    np_state = state["numpy"]
    keys = np_state["keys"].numpy().astype(np.uint32)
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


def _read_metrics(path: Path, upto: int | None = None) -> list[dict]:
    rows = []
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:  # a line cut short by a kill
                continue
            if upto is None or row["step"] <= upto:
                rows.append(row)
    return rows


def read_metrics(out_dir: Path) -> list[dict]:
    """The metrics of a run, one dict per logged step."""
    return _read_metrics(Path(out_dir) / "metrics.jsonl")


def is_finished(out_dir: Path) -> bool:
    return (Path(out_dir) / "finished.json").exists()


def train(cfg: TrainConfig, out_dir: Path, resume: bool = True, progress: bool = True) -> Path:
    """Train (or resume) the run described by ``cfg`` in ``out_dir``; return ``out_dir``."""
    out_dir = Path(out_dir)
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
    data = datasets.build(cfg.task, seed=cfg.seed, **cfg.task_args)
    model = build_model(cfg, data.vocab_size, data.max_len).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, betas=cfg.betas, eps=cfg.eps,
                                  weight_decay=cfg.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(cfg, s))
    generator = torch.Generator().manual_seed(cfg.seed + 1)  # draws the training batches

    out_dir.mkdir(parents=True, exist_ok=True)
    ckpt_path, metrics_path = out_dir / "checkpoint.pt", out_dir / "metrics.jsonl"
    start = 0
    if resume and ckpt_path.exists():
        state = torch.load(ckpt_path, map_location=device, weights_only=True)
        if state["config_key"] != cfg.key():
            raise ValueError(f"{ckpt_path} belongs to another configuration; use a new --out")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        _restore_rng(state["rng"], generator)
        start = state["step"]
    elif rank == 0:
        metrics_path.unlink(missing_ok=True)
        (out_dir / "finished.json").unlink(missing_ok=True)
    if rank == 0:  # drop rows logged after the checkpoint we resume from
        rows = _read_metrics(metrics_path, upto=start)
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
    for step in bar:
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
            row["val_loss"] = evaluate(model, data, cfg, device, autocast)
        if rank == 0 and (done % cfg.log_every == 0 or "val_loss" in row):
            with open(metrics_path, "a") as handle:
                handle.write(json.dumps(row) + "\n")
            bar.set_postfix(loss=f"{train_loss:.3f}", refresh=False)
        if rank == 0 and (done % cfg.checkpoint_every == 0 or done == cfg.steps):
            _save_atomic({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                          "scheduler": scheduler.state_dict(), "rng": _rng_state(generator),
                          "step": done, "config_key": cfg.key()}, ckpt_path)
    if rank == 0:
        (out_dir / "finished.json").write_text(json.dumps({"steps": cfg.steps, "key": cfg.key()}))
    if distributed:
        dist.barrier()
    return out_dir


@torch.no_grad()
def evaluate(model, data, cfg: TrainConfig, device, autocast) -> float:
    """Mean per-token loss over the first ``eval_batches`` validation batches (no RNG used)."""
    model.eval()
    total, tokens = 0.0, 0
    for inputs, targets in data.val_batches(cfg.micro_batch, cfg.eval_batches):
        inputs, targets = inputs.to(device), targets.to(device)
        with autocast:
            logits = model(inputs)
        total += F.cross_entropy(logits.float().flatten(0, 1), targets.flatten(),
                                 ignore_index=IGNORE, reduction="sum").item()
        tokens += int((targets != IGNORE).sum())
    return total / tokens


def runs_root() -> Path:
    """``$ASSOCMEM_RUNS_DIR``, else ``runs/`` at the project root above the working directory."""
    return project_path("ASSOCMEM_RUNS_DIR", "runs")


def run_dir(cfg: TrainConfig, root: Path | None = None) -> Path:
    """Where :func:`cached_train` keeps the run of ``cfg``: ``root/<name>-<hash>``."""
    return Path(root or runs_root()) / f"{cfg.name}-{cfg.key()}"


def cached_train(cfg: TrainConfig, root: Path | None = None, progress: bool = True) -> Path:
    """Train ``cfg`` under ``root/<name>-<hash>``, reusing a finished run and resuming an
    unfinished one."""
    out_dir = run_dir(cfg, root)
    if not is_finished(out_dir):
        train(cfg, out_dir, resume=True, progress=progress)
    return out_dir


def _train_one_thread(job: tuple[TrainConfig, Path | None]) -> Path:
    torch.set_num_threads(1)
    return cached_train(job[0], job[1], progress=False)


def cached_train_many(cfgs: list[TrainConfig], workers: int = 1, root: Path | None = None,
                      desc: str = "runs") -> list[Path]:
    """:func:`cached_train` for every configuration; with ``workers`` > 1, that many runs at
    a time in separate processes of one thread each (small models on a few cores train faster
    side by side than one after another). Returns the run directories in order."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"argument 'workers' must be an integer >= 1; got {workers!r}")
    todo = [cfg for cfg in cfgs if not is_finished(run_dir(cfg, root))]
    if workers == 1 or len(todo) < 2:
        for cfg in tqdm(todo, desc=desc, file=sys.stderr, disable=not todo):
            cached_train(cfg, root, progress=False)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            jobs = pool.map(_train_one_thread, [(cfg, root) for cfg in todo])
            for _ in tqdm(jobs, total=len(todo), desc=desc, file=sys.stderr):
                pass
    return [run_dir(cfg, root) for cfg in cfgs]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m assocmem.train",
                                     description="Train a preset (see assocmem.train.PRESETS).")
    parser.add_argument("--preset", required=True, choices=sorted(PRESETS))
    parser.add_argument("--steps", type=int, help="optimizer steps (default: the preset's)")
    parser.add_argument("--out", required=True, type=Path, help="run directory")
    parser.add_argument("--resume", action="store_true", help="resume from <out>/checkpoint.pt")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--compile", action="store_true", help="torch.compile (CUDA only)")
    parser.add_argument("--checkpoint-every", type=int, help="steps between checkpoints")
    parser.add_argument("--override", action="append", default=[], metavar="KEY=JSON",
                        help="override a config field, e.g. --override dropout=0")
    args = parser.parse_args(argv)
    if args.steps is not None and args.steps < 1:
        parser.error(f"argument --steps: must be >= 1; got {args.steps}")
    if args.seed < 0:
        parser.error(f"argument --seed: must be >= 0; got {args.seed}")
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("argument --device: 'cuda' requested but no CUDA device is available")
    overrides = {"seed": args.seed, "device": args.device, "compile": args.compile}
    if args.steps is not None:
        overrides["steps"] = args.steps
    if args.checkpoint_every is not None:
        overrides["checkpoint_every"] = args.checkpoint_every
    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    for item in args.override:
        key, _, value = item.partition("=")
        if key not in fields:
            parser.error(f"argument --override: unknown config field {key!r}")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            parser.error(f"argument --override: {key} needs a JSON value; got {value!r}")
    try:
        cfg = preset(args.preset, **overrides)
    except ValueError as error:
        parser.error(str(error))
    if not args.resume and (args.out / "checkpoint.pt").exists():
        parser.error(f"argument --out: {args.out} already holds a run; pass --resume or a "
                     f"new --out")
    train(cfg, args.out, resume=args.resume)
    if dist.is_initialized():
        dist.destroy_process_group()


if __name__ == "__main__":
    main()


def load_run(out_dir: Path, device: str = "cpu"):
    """(model, config, dataset) of a finished or checkpointed run, the model in eval mode."""
    out_dir = Path(out_dir)
    if not (out_dir / "checkpoint.pt").exists():
        raise FileNotFoundError(f"no checkpoint in {out_dir}")
    fields = json.loads((out_dir / "config.json").read_text())
    fields["betas"] = tuple(fields["betas"])
    cfg = TrainConfig(**fields)
    data = datasets.build(cfg.task, seed=cfg.seed, **cfg.task_args)
    model = build_model(cfg, data.vocab_size, data.max_len)
    state = torch.load(out_dir / "checkpoint.pt", map_location=device, weights_only=True)
    model.load_state_dict(state["model"])
    return model.to(device).eval(), cfg, data

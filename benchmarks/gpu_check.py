"""GPU check (one command, a few minutes on an H100; not run by `make test`): train one of
Appendix F.1's OpenELM-style models (``--model``, default Model 1: dimension 954, 64-wide heads,
8 layers, the paper's head lists and the FFN multipliers of
``assocmem.experiments.openelm_scaling.paper_ffn_multipliers``, N = 39.95M transformer
parameters) for a
few hundred steps in bf16, then repeat the first steps in float32 on the same batches.

    python benchmarks/gpu_check.py [--model "Model 3"] [--json out.json]
    python benchmarks/gpu_check.py --smoke    # a tiny CPU run of the same code path

Prints tokens/s, MFU (6 N tokens/s over the GPU's dense bf16 peak), peak memory, and the first
steps' losses in bf16 and float32 side by side (``--compare-steps 0`` skips them).
"""

import argparse
import json
import time
from datetime import date

import torch
import torch.nn.functional as F

from assocmem.accounting import openelm_counts
from assocmem.experiments.openelm_scaling import paper_ffn_multipliers
from assocmem.quotations import PAPER_OPENELM
from assocmem.training.openelm import OpenELM, OpenELMConfig

PEAK_BF16 = {"H100": 989e12, "H200": 989e12, "A100": 312e12}  # dense bf16 FLOP/s (SXM)


def batches(steps, batch, context, vocab, device):
    gen = torch.Generator().manual_seed(0)
    for _ in range(steps):
        yield torch.randint(0, vocab, (batch, context + 1), generator=gen).to(device)


def run(cfg, steps, batch, context, device, dtype, compiled):
    torch.manual_seed(0)
    model = OpenELM(cfg, dropout=0.0).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.95), eps=1e-8,
                                  fused=device == "cuda")
    net = torch.compile(model) if compiled else model
    losses, start, tokens = [], None, 0
    for i, data in enumerate(batches(steps, batch, context, cfg.vocab_size, device)):
        if i == 3:  # exclude compilation and warm-up
            if device == "cuda":
                torch.cuda.synchronize()
            start, tokens = time.perf_counter(), 0
        with torch.autocast(device, dtype=torch.bfloat16, enabled=dtype == torch.bfloat16):
            logits = net(data[:, :-1])
        loss = F.cross_entropy(logits.float().flatten(0, 1), data[:, 1:].flatten())
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item())
        tokens += batch * context
    if device == "cuda":
        torch.cuda.synchronize()
    return losses, tokens / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch", type=int, default=12)
    parser.add_argument("--context", type=int, default=1024)
    parser.add_argument("--compare-steps", type=int, default=20)
    parser.add_argument("--no-compile", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="tiny CPU run of the same path")
    parser.add_argument("--json", help="write the measurements to this file")
    parser.add_argument("--model", default="Model 1", choices=sorted(PAPER_OPENELM))
    args = parser.parse_args()
    spec = PAPER_OPENELM[args.model]
    device = "cpu" if args.smoke else "cuda"
    if device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("no CUDA device: run with --smoke for the CPU path")
    if args.smoke:
        cfg = OpenELMConfig(model_dim=64, n_layers=2, head_dim=16, vocab_size=512,
                            max_context=64)
        args.steps, args.batch, args.context, args.compare_steps = 8, 2, 64, 5
    else:
        cfg = OpenELMConfig(model_dim=spec["model_dim"], n_layers=spec["n_layers"], head_dim=64,
                            ffn_multipliers=paper_ffn_multipliers(args.model),
                            query_heads_override=spec["q"], kv_heads_override=spec["kv"],
                            max_context=args.context)
    n = openelm_counts(cfg)["transformer layers"]
    name = torch.cuda.get_device_name() if device == "cuda" else "cpu"
    print(f"device {name}; transformer parameters N = {n / 1e6:.2f}M (all "
          f"{openelm_counts(cfg)['total'] / 1e6:.2f}M)")
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    compiled = not args.no_compile and device == "cuda"
    bf16, rate = run(cfg, args.steps, args.batch, args.context, device, torch.bfloat16, compiled)
    total_params = openelm_counts(cfg)["total"]
    peak = next((v for k, v in PEAK_BF16.items() if k in name), None)
    mfu = f"{6 * total_params * rate / peak:.1%}" if peak else "n/a (unknown GPU peak)"
    memory = torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else float("nan")
    print(f"bf16: {rate:,.0f} tokens/s, MFU {mfu}, peak memory {memory:.2f} GiB, "
          f"loss {bf16[0]:.3f} -> {bf16[-1]:.3f} over {args.steps} steps")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"device": name, "when": str(date.today()),
                       "model": f"{args.model} (App. F.1)",
                       "transformer_params": n, "total_params": total_params,
                       "batch": args.batch, "context": args.context, "compiled": compiled,
                       "tokens_per_s": rate, "mfu": mfu, "peak_memory_gib": memory,
                       "loss_first": bf16[0], "loss_last": bf16[-1]}, handle, indent=1)
    if args.compare_steps < 1:
        return
    fp32, _ = run(cfg, args.compare_steps, args.batch, args.context, device, torch.float32, False)
    print("step  bf16     float32")
    for i, (a, b) in enumerate(zip(bf16[: args.compare_steps], fp32, strict=True)):
        print(f"{i + 1:4d}  {a:.4f}  {b:.4f}")


if __name__ == "__main__":
    main()

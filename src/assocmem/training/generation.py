"""Greedy completion with a trained language model, batched by prefix length.

Used to score question formation (Section 6.2) and exact recall of memorized patterns.
"""

from __future__ import annotations

from collections import defaultdict

import torch


@torch.no_grad()
def greedy_complete(model: torch.nn.Module, prefixes: list[list[int]], max_new: int,
                    stop_id: int | None = None, batch: int = 512,
                    device: str = "cpu") -> list[list[int]]:
    """Extend each prefix by up to ``max_new`` greedy tokens (stopping after ``stop_id``).

    Prefixes of equal length are decoded together, so no padding ever enters the context.
    Returns the generated tokens (without the prefix), in the input order.
    """
    if max_new < 1:
        raise ValueError(f"argument 'max_new' must be >= 1; got {max_new}")
    model.eval()
    groups = defaultdict(list)
    for i, prefix in enumerate(prefixes):
        if not prefix:
            raise ValueError(f"argument 'prefixes': prefix {i} is empty")
        groups[len(prefix)].append(i)
    out: list[list[int]] = [[] for _ in prefixes]
    for indices in groups.values():
        for start in range(0, len(indices), batch):
            chunk = indices[start:start + batch]
            seq = torch.tensor([prefixes[i] for i in chunk], device=device)
            done = torch.zeros(len(chunk), dtype=torch.bool, device=device)
            for _ in range(max_new):
                nxt = model(seq)[:, -1].argmax(-1)
                seq = torch.cat([seq, nxt[:, None]], dim=1)
                if stop_id is not None:
                    done |= nxt == stop_id
                    if bool(done.all()):
                        break
            for row, i in enumerate(chunk):
                tokens = seq[row, len(prefixes[i]):].tolist()
                if stop_id is not None and stop_id in tokens:
                    tokens = tokens[: tokens.index(stop_id)]
                out[i] = tokens
    return out

"""Benchmark (run by hand): exact nearest-neighbour distances for 100,000 x 1,024 float32 vectors
on the CPU, against faiss IndexFlatL2 on the same data when faiss is installed
(`pip install faiss-cpu`; it is not a dependency of the book).

    .venv/bin/python benchmarks/bench_nn.py [--rows 100000 --dim 1024]
"""

import argparse
import time

import numpy as np

from assocmem.neighbors import nearest_neighbor_distances


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=1024)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    args = parser.parse_args()
    X = np.random.default_rng(0).standard_normal((args.rows, args.dim), dtype=np.float32)
    start = time.perf_counter()
    ours = nearest_neighbor_distances(X, device=args.device)
    elapsed = time.perf_counter() - start
    flops = 2.0 * args.rows * args.rows * args.dim
    print(f"ours ({args.device}): {elapsed:.1f} s ({flops / elapsed / 1e9:.0f} GFLOP/s), "
          f"median NN distance {np.median(ours):.3f}")
    try:
        import faiss
    except ImportError:
        print("faiss is not installed: no comparison (pip install faiss-cpu)")
        return
    start = time.perf_counter()
    index = faiss.IndexFlatL2(args.dim)
    index.add(X)
    d2, _ = index.search(X, 2)
    theirs = time.perf_counter() - start
    print(f"faiss IndexFlatL2: {theirs:.1f} s; ratio ours/faiss {elapsed / theirs:.2f}; "
          f"max |difference| {np.abs(np.sqrt(np.maximum(d2[:, 1], 0)) - ours).max():.2e}")


if __name__ == "__main__":
    main()

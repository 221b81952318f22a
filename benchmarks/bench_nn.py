"""Benchmark (run by hand): exact nearest-neighbour distances for 100,000 x 1,024 float32 vectors
on the CPU, side by side in one run: ours (with the BLAS it picks, and with each BLAS forced)
and faiss ``IndexFlatL2`` as installed and with ``OPENBLAS_CORETYPE`` set to each kernel set
that suits this CPU (its bundled OpenBLAS can misdetect the CPU). faiss is not a dependency
of the book:

    pip install --target /tmp/faiss faiss-cpu==1.15.1   # once
    FAISS_PATH=/tmp/faiss .venv/bin/python benchmarks/bench_nn.py [--rows 100000 --dim 1024]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

from assocmem.neighbors import fastest_blas, nearest_neighbor_distances

FAISS = """
import sys, time, numpy as np
sys.path.insert(0, sys.argv[3])
import faiss
X = np.load(sys.argv[1])
start = time.perf_counter()
index = faiss.IndexFlatL2(X.shape[1]); index.add(X); d2, _ = index.search(X, 2)
elapsed = time.perf_counter() - start
np.save(sys.argv[2], np.sqrt(np.maximum(d2[:, 1], 0)))
print(elapsed)
"""


def core_types() -> list[str]:
    """OpenBLAS kernel sets worth trying on this CPU (faiss's bundled OpenBLAS may misdetect it):
    the AVX2 ones, and the AVX-512 one where the CPU has AVX-512."""
    flags = open("/proc/cpuinfo").read()
    return ["Haswell", "Zen"] + (["SkylakeX"] if "avx512f" in flags else [])


def cpu_name() -> str:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=1024)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--json", help="write the times here")
    args = parser.parse_args()
    X = np.random.default_rng(0).standard_normal((args.rows, args.dim), dtype=np.float32)
    flops = args.rows * args.rows * args.dim  # half of 2 M^2 dim: the symmetric search
    results = {"cpu": cpu_name(), "cores": os.cpu_count(), "rows": args.rows, "dim": args.dim,
               "blas picked": fastest_blas(4096, args.dim + 2) if args.device == "cpu" else None}
    ours = None
    for label, kwargs in (("ours", {}), ("ours, numpy BLAS", {"blas": "numpy"}),
                          ("ours, torch BLAS", {"blas": "torch"})):
        if args.device == "cuda" and kwargs:
            continue
        start = time.perf_counter()
        got = nearest_neighbor_distances(X, device=args.device, **kwargs)
        results[label] = time.perf_counter() - start
        assert ours is None or np.array_equal(got, ours)
        ours = got
        print(f"{label} ({args.device}): {results[label]:.1f} s "
              f"({flops / results[label] / 1e9:.0f} GFLOP/s of the symmetric search)", flush=True)
    faiss_path = os.environ.get("FAISS_PATH", "")
    if not faiss_path:
        print("FAISS_PATH is not set: no comparison with faiss")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            np.save(f"{tmp}/x.npy", X)
            for label, env in (("faiss IndexFlatL2, as installed", {}), *(
                    (f"faiss IndexFlatL2, OPENBLAS_CORETYPE={t}", {"OPENBLAS_CORETYPE": t})
                    for t in core_types())):
                out = subprocess.run([sys.executable, "-c", FAISS, f"{tmp}/x.npy",
                                      f"{tmp}/d.npy", faiss_path], env={**os.environ, **env},
                                     capture_output=True, text=True, check=True)
                results[label] = float(out.stdout.strip().splitlines()[-1])
                diff = np.abs(np.load(f"{tmp}/d.npy") - ours).max()
                print(f"{label}: {results[label]:.1f} s; ours/faiss "
                      f"{results['ours'] / results[label]:.2f}; max |difference| {diff:.1e}",
                      flush=True)
    faiss_best = min((v for k, v in results.items() if k.startswith("faiss")), default=None)
    if faiss_best:
        print(f"ours / faiss at its best: {results['ours'] / faiss_best:.2f}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=1)


if __name__ == "__main__":
    main()

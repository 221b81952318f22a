"""Benchmark (run by hand, not by `make test`): the proposed energy E (Eq. 4) for 1,000 queries
against d = 100,000 patterns of n = 1,024, in float32, against the floor of one float32 matrix
product of the same shapes.

    .venv/bin/python benchmarks/bench_energy.py [--queries 1000 --patterns 100000 --dim 1024]

Prints the time, the ratio to the matmul floor, and peak memory (whole process, and the
allocations beyond the inputs as numpy reports them to tracemalloc).
"""

import argparse
import resource
import time
import tracemalloc

import numpy as np

from assocmem.theory.energy import distance_energy


def best_of(func, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--patterns", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    patterns = rng.standard_normal((args.patterns, args.dim), dtype=np.float32)
    x = rng.standard_normal((args.queries, args.dim), dtype=np.float32)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    energy_time = best_of(lambda: distance_energy(x, patterns), args.repeats)
    _, peak_extra = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # before the floor's big output

    floor = best_of(lambda: x @ patterns.T, args.repeats)
    flops = 2 * args.queries * args.patterns * args.dim
    print(f"floor: one float32 matmul {args.queries}x{args.dim} @ {args.dim}x{args.patterns}: "
          f"{floor:.3f} s ({flops / floor / 1e9:.0f} GFLOP/s)")
    print(f"distance_energy: {energy_time:.3f} s, ratio to the floor {energy_time / floor:.2f}")
    inputs = (patterns.nbytes + x.nbytes) / 2**20
    print(f"peak memory: process {rss / 1024:.0f} MB ({base_rss / 1024:.0f} MB before the call, "
          f"inputs {inputs:.0f} MB); allocations beyond the inputs {peak_extra / 2**20:.0f} MB")


if __name__ == "__main__":
    main()

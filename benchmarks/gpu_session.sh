#!/usr/bin/env bash
# The one prepared GPU check (run through the device tool, or by hand on a CUDA machine whose
# Python has torch): training throughput of App. F.1's Model 1, the exact NN search on the GPU,
# and the training loop end to end on CUDA (bf16 autocast + torch.compile) on a text task.
# Results go to $OUT (default ./gpu-out).
set -u
OUT=${OUT:-gpu-out}; mkdir -p "$OUT"
export PYTHONPATH=$PWD/src PYTHONUNBUFFERED=1 ASSOCMEM_RUNS_DIR=/tmp/assocmem-runs
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$OUT/nvidia-smi.txt"
python3 -c "import torch; print('torch', torch.__version__)"
timeout 240 python3 benchmarks/gpu_check.py --steps 120 --json "$OUT/gpu_check.json" 2>&1 \
    | tee "$OUT/gpu_check.log"
for m in 2 3; do
    timeout 150 python3 benchmarks/gpu_check.py --model "Model $m" --steps 80 \
        --compare-steps 0 --json "$OUT/gpu_check_model$m.json" 2>&1 | tee "$OUT/gpu_check_model$m.log"
done
timeout 120 python3 benchmarks/bench_nn.py --device cuda 2>&1 | tee "$OUT/bench_nn.log"
timeout 150 python3 - <<'PY' 2>&1 | grep -v "it/s" | tee "$OUT/train_cuda.log"
import time
from assocmem.data.text import corpus_argument
from assocmem.experiments.openelm_scaling import PRESETS, plateau_mse
from assocmem.training.runs import cached_train, read_metrics
cfg = PRESETS["cpu"].run_config("Model 3", 128_000, corpus_argument(None), device="cuda",
                                steps=200)
start = time.perf_counter()
out = cached_train(cfg, progress=False)
rows = read_metrics(out)
crit = plateau_mse(rows, 50)
print(f"text task on CUDA (compiled, bf16): 200 steps in {time.perf_counter() - start:.1f} s; "
      f"train loss {rows[0]['train_loss']:.3f} -> {rows[-1]['train_loss']:.3f}; "
      f"validation minimum {crit.val_min:.3f} at step {crit.step_min}")
PY

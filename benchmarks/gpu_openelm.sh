#!/usr/bin/env bash
# Chapter 10's `gpu` grid and App. F.2's five Model 1 runs on one CUDA GPU, within a deadline
# (issue 29). Run through the device tool, or by hand on a CUDA machine whose python3 has torch:
#     bash benchmarks/gpu_openelm.sh DEADLINE_S WORKERS
# Needs the Gutenberg books in .devdata/gutenberg (a copy of ../shared/data/gutenberg, ignored
# by git), the tokenized corpus in runs/tokens (made here by any chapter 10 run) and the commit
# the code is at in .devdata/COMMIT. Rehearse on the CPU first with the same command and
# --smoke: python -m assocmem.training --experiment openelm_scaling --preset gpu --all
# --device cuda --workers 2 --archive --deadline 60 --smoke
# Every run is archived as it finishes; a run still training at the deadline is archived as
# censored where it stopped (stopped: "deadline"). $OUT receives the archived runs as one
# tar.gz, the log and the device's utilization every 5 s.
set -u
OUT=${OUT:-gpu-out}; mkdir -p "$OUT"
DEADLINE=${1:-420}; WORKERS=${2:-14}
export PYTHONPATH=$PWD/src PYTHONUNBUFFERED=1 ASSOCMEM_RUNS_DIR=$PWD/runs
export ASSOCMEM_RUN_ARCHIVE=/tmp/gpu-archive ASSOCMEM_COMMIT=$(cat .devdata/COMMIT)
# the corpus at the path its tokenized copy in runs/tokens was made from (the cache's key)
mkdir -p /work/shared/data && cp -rn .devdata/gutenberg /work/shared/data/
export ASSOCMEM_DATA_DIR=/work/shared/data
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$OUT/nvidia-smi.txt"
nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv -l 5 \
    > "$OUT/utilization.csv" &
SMI=$!
START=$(date +%s)
python3 -m assocmem.training --experiment openelm_scaling --preset gpu --all --device cuda \
    --workers "$WORKERS" --archive --deadline "$DEADLINE" 2>&1 | tr '\r' '\n' \
    | grep -v 'it/s\]$' > "$OUT/train.log"
echo "training command: $(( $(date +%s) - START )) s" | tee -a "$OUT/train.log"
kill $SMI
tail -5 "$OUT/train.log"
ls /tmp/gpu-archive | wc -l
tar czf "$OUT/gpu-runs.tar.gz" -C /tmp/gpu-archive .
ls -la "$OUT"

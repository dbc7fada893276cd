#!/usr/bin/env bash
# On the lent GPU: trains a plan made here (`ladder-bench plan gpu`, bench/ladder.sh; `law-stopping-bench plan gpu`,
# bench/law-stopping.sh) with the engine of the worker pack,
# JOBS runs at a time, within BUDGET seconds, and copies every run's log and curve to $OUT. Called again on the same
# warm machine, it goes on where it stopped (a run with a summary is not trained again).
# usage: bench/gpu/train-plan.sh PLAN_DIR
set -uo pipefail
plan="$1" work=/tmp/plan-gpu out="${OUT:-gpu-results}"
mkdir -p "$work" "$out"
cp -rn "$plan"/. "$work"/
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader > "$out/gpu.txt"
timeout "${BUDGET:-540}" bench/train-plan.sh "$work" infra/gpu/run.sh "${JOBS:-4}"
rc=$?
cp "$work/plan.tsv" "$work"/*.json "$out/"
for run in "$work"/*/; do
  name=$(basename "$run"); mkdir -p "$out/$name"
  cp "$run/train.log" "$run/metrics.jsonl" "$out/$name/" 2>/dev/null
done
echo "$(grep -l '"summary"' "$work"/*/train.log | wc -l) of $(wc -l < "$work/plan.tsv") runs done"
exit $rc

#!/usr/bin/env bash
# GPU test (never in CI; tests/gpu/run.sh runs it on the GPU machine, with infra/gpu/bundle.sh's pack): the native
# path (fused RMSNorm) and the CUDA-graph path train the same losses as the managed path, within bf16 tolerance, and a
# run resumed from its checkpoint under graphs continues the uninterrupted one. The GPU engine is not bit-deterministic
# run to run (docs/benchmarks.md), so the resume check asks that resuming adds no jump: the gap to the uninterrupted
# run at steps 21-25 exceeds the gap already there at step 20 by at most 0.01. Exits non-zero on any failure.
set -euo pipefail
native=${SCALELAB_NATIVE:-$(infra/gpu/build-native.sh /tmp/scalelab-native 2>/dev/null | tail -1)}
config=/tmp/numerics.json
sed 's/"tokens": 26214400/"tokens": 1310720/; s/"logInterval": 20/"logInterval": 1/; s/"checkpointInterval": 0/"checkpointInterval": 10/' bench/gpu/small4m.json > "$config"   # 40 steps
train() { local name=$1; shift; env "$@" infra/gpu/run.sh train --config "$config" --out "/tmp/numerics-$name" >/dev/null; }
train managed
train native Torch__NativeOpsPath="$native" Torch__CudaGraphs=false
train graphs Torch__NativeOpsPath="$native"
rm -rf /tmp/numerics-resumed
env Torch__NativeOpsPath="$native" infra/gpu/run.sh train --config "$config" --out /tmp/numerics-resumed --max-steps 20 >/dev/null || true
env Torch__NativeOpsPath="$native" infra/gpu/run.sh train --config "$config" --out /tmp/numerics-resumed --resume >/dev/null
python3 - <<'PY'
import json, sys
def losses(name):
    return {r["step"]: r["loss"] for r in map(json.loads, open(f"/tmp/numerics-{name}/metrics.jsonl")) if "loss" in r}
managed, failures = losses("managed"), []
for name, first, early in [("native", 0.01, 0.05), ("graphs", 0.01, 0.05), ("resumed", 0.01, 0.05)]:
    other = losses(name)
    d1 = abs(other[1] - managed[1])
    d10 = max(abs(other[s] - managed[s]) for s in range(1, 11))
    d40 = max(abs(other[s] - managed[s]) for s in range(1, 41))
    print(f"{name}: step-1 difference {d1:.5f}, steps 1-10 {d10:.5f}, steps 1-40 {d40:.5f}")
    if d1 > first or d10 > early: failures.append(name)
graphs, resumed = losses("graphs"), losses("resumed")
before = abs(graphs[20] - resumed[20])
jump = max(abs(graphs[s] - resumed[s]) for s in range(21, 26)) - before
print(f"resumed at step 20 vs uninterrupted: gap {before:.6f} at step 20, at most {before + jump:.6f} over steps 21-25")
if jump > 0.01: failures.append("resume")
print("FAILED: " + ", ".join(failures) if failures else "passed")
sys.exit(1 if failures else 0)
PY

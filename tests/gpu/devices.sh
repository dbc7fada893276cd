#!/usr/bin/env bash
# GPU test (never in CI; tests/gpu/run.sh runs it on the GPU machine, with infra/gpu/bundle.sh's pack): a worker learns
# its GPUs' memory with and without nvidia-smi. With it, name and memory come from nvidia-smi; without it (hidden from
# PATH, as in many containers), from CUDA through the native library. Either way each of the Worker:RunsPerGpu slots
# must carry its share of the GPU's memory: a slot of 0 bytes would let the scheduler admit any run there.
set -euo pipefail
native=${SCALELAB_NATIVE:-$(infra/gpu/build-native.sh /tmp/scalelab-native 2>/dev/null | tail -1)}
export Torch__NativeOpsPath="$native" Worker__RunsPerGpu=8
infra/gpu/run.sh devices > /tmp/devices-smi.jsonl
hidden=$(mktemp -d)   # a PATH with python3 (run.sh finds libtorch with it) and no nvidia-smi
printf '#!/bin/sh\nexec %s "$@"\n' "$(command -v python3)" > "$hidden/python3" && chmod +x "$hidden/python3"
PATH="$hidden" "$BASH" infra/gpu/run.sh devices > /tmp/devices-cuda.jsonl   # bash by its path: env finds nothing on this PATH
python3 - <<'PY'
import json, subprocess, sys
smi = [json.loads(line) for line in open("/tmp/devices-smi.jsonl")]
cuda = [json.loads(line) for line in open("/tmp/devices-cuda.jsonl")]
gpus = [int(v) for v in subprocess.check_output(["nvidia-smi", "--query-gpu=memory.total", "--format=csv,noheader,nounits"], text=True).split()]
failures = []
for label, slots in (("nvidia-smi", smi), ("CUDA", cuda)):
    if len(slots) != 8 * len(gpus) or any(s["kind"] != "cuda" for s in slots):
        failures.append(f"{label}: {len(slots)} slots, expected {8 * len(gpus)} CUDA slots")
    for s in slots:
        expected = gpus[s["index"]] * 1024 * 1024 / 8
        if not 0.97 * expected <= s["memoryBytes"] <= expected * 1.001:
            failures.append(f"{label}: slot {s['index']}.{s['share']} has {s['memoryBytes']} bytes, expected about {expected:.0f}")
print(f"with nvidia-smi: {len(smi)} slots of {smi[0]['memoryBytes'] / 2**30:.2f} GiB ({smi[0]['name']}); "
      f"without: {len(cuda)} slots of {cuda[0]['memoryBytes'] / 2**30:.2f} GiB ({cuda[0]['name']})")
print("\n".join(failures) or "passed")
sys.exit(1 if failures else 0)
PY

#!/usr/bin/env bash
# Runs on the lent GPU (see docs/engine.md, "Recall"): MQAR under Zoology's protocol. Every arm is trained at each of
# the Based paper's learning rates (np.logspace(-3, -1.5, 4)) and reported at its best one, as Zoology's figures are.
# Setting: vocabulary 8,192, sequences of 256 tokens holding 16 key-value pairs, d_model 128, 2 layers, batch 256.
# All runs go at once (small models leave the GPU mostly idle; see ENGINEERING.md), so keep runs x ~13 GiB (the
# engine materialises fp32 logits for every position) under the GPU's memory. Logs go to /tmp/mqar-zoology; the
# table and a tarball of the logs to $OUT. Needs the pack of infra/gpu/bundle.sh, unpacked there (infra/gpu/cluster.sh unpack).
# Usage: [LRS="0.001 0.01"] [EXTRA='"glaHeads": 1,' TAG=gla1h] bench/gpu/mqar-zoology.sh [steps] [arms...]
set -uo pipefail
out="${OUT:-gpu-results}"
steps="${1:-3000}"; shift || true
if [ $# -gt 0 ]; then arms=("$@"); else arms=(softmax gla mamba based); fi
logs=/tmp/mqar-zoology
mkdir -p "$out" "$logs"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader > "$logs/gpu.txt"
infra/gpu/run.sh --version >/dev/null 2>&1 || true   # unpack once before the runs start side by side

batch=256; seq=256
pids=()
for mixer in "${arms[@]}"; do
  for lr in ${LRS:-0.001 0.00316 0.01 0.0316}; do
    name="$mixer${TAG:+-$TAG}-lr$lr"
    cat > "/tmp/$name.json" <<JSON
{ ${EXTRA:-} "task": "mqar", "mqarVocab": 8192, "mqarPairs": 16, "mixer": "$mixer",
  "dModel": 128, "nLayers": 2, "nHeads": 2, "seqLen": $seq, "batchSize": $batch, "tokens": $((steps * batch * seq)),
  "learningRate": $lr, "warmupSteps": 100, "weightDecay": 0.1, "evalInterval": 500, "evalBatches": 4,
  "logInterval": 100, "checkpointInterval": 0, "seed": 1 }
JSON
    OMP_NUM_THREADS=1 timeout 540 infra/gpu/run.sh train --config "/tmp/$name.json" --out "/tmp/mqar-$name" \
      > "$logs/$name.jsonl" 2>&1 &
    pids+=($!)
  done
done
for p in "${pids[@]}"; do wait "$p"; done
python3 - "$logs" <<'PY' | tee "$out/mqar-zoology.txt"
import json, sys, glob, os
best = {}
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*-lr*.jsonl"))):
    rows = [json.loads(l) for l in open(f) if l.startswith("{")]
    summary = next((r for r in rows if r.get("summary")), None)
    evals = [r for r in rows if "mqar_accuracy" in r]
    arm, lr = os.path.basename(f)[:-6].rsplit("-lr", 1)
    acc = summary["final_accuracy"] if summary else (evals[-1]["mqar_accuracy"] if evals else None)
    step = summary["steps"] if summary else (evals[-1].get("step") if evals else 0)
    wall = summary["wall_clock_s"] if summary else None
    print(f"{arm:10s} lr {lr:8s} accuracy {acc if acc is not None else '-'!s:>8} steps {step} wall {wall}")
    if acc is not None and acc >= best.get(arm, (-1, None))[0]:
        best[arm] = (acc, lr)
print("best per arm:", json.dumps(best))
PY
tar -czf "$out/mqar-zoology.tgz" -C /tmp mqar-zoology

#!/usr/bin/env bash
# Runs on the lent H100 (see docs/benchmarks.md): ScaleLab's engine against the PyTorch eager reference on the same
# 124M model and data, then mixer throughput against sequence length. Results go to $OUT (or ./gpu-results).
# Needs .gpu/worker.tar.xz from infra/gpu/publish.sh.
set -uo pipefail
out="${OUT:-gpu-results}"
mkdir -p "$out"
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu.txt"
python3 -c 'import torch; print("torch", torch.__version__)' | tee -a "$out/gpu.txt"

# Peak device memory of a command, sampled from nvidia-smi every 100 ms.
with_memory() {
  local name=$1; shift
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$out/$name.mem" &
  local sampler=$!
  "$@" 2>&1 | tee "$out/$name.jsonl"
  kill $sampler; wait $sampler 2>/dev/null
  echo "{\"run\":\"$name\",\"peak_mem_mib\":$(sort -n "$out/$name.mem" | tail -1)}" | tee -a "$out/summary.jsonl"
}

with_memory engine-bf16 infra/gpu/run.sh train --config bench/gpu/gpt124m.json --out /tmp/engine-bf16
sed 's/"precision": "bf16"/"precision": "tf32"/' bench/gpu/gpt124m.json > /tmp/gpt124m-tf32.json
with_memory engine-tf32 infra/gpu/run.sh train --config /tmp/gpt124m-tf32.json --out /tmp/engine-tf32
ids=$(ls /tmp/scalelab-gpu/corpus/gcide-cl100k-*-50304.ids | head -1)
with_memory torch-eager python3 bench/gpu/reference_gpt.py --config bench/gpu/gpt124m.json --ids "$ids"
with_memory torch-eager-fused python3 bench/gpu/reference_gpt.py --config bench/gpu/gpt124m.json --ids "$ids" --fused
infra/gpu/run.sh bench-mixers 2>&1 | tee "$out/mixers.jsonl"

# Recall: every mixer on the MQAR example config, trained 4x longer than on CPU.
for mixer in softmax sliding-window linear gla mamba; do
  sed "s/\"mixer\": \"softmax\"/\"mixer\": \"$mixer\"/; s/\"tokens\": 6553600/\"tokens\": 26214400, \"window\": 16/" examples/runs/mqar-softmax-tiny.json > /tmp/mqar-$mixer.json
  infra/gpu/run.sh train --config /tmp/mqar-$mixer.json --out /tmp/mqar-$mixer | grep '"summary"' >> "$out/mqar.jsonl"
done
python3 bench/gpu/summarize.py "$out"

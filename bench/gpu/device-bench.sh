#!/usr/bin/env bash
# Runs on the lent GPU (see docs/benchmarks.md): mixer throughput against sequence length, and MQAR recall per mixer.
# The engine against the fair PyTorch reference is bench/gpu/engine-speed.sh. Results go to $OUT (or ./gpu-results).
# Needs the pack of infra/gpu/bundle.sh, unpacked there (infra/gpu/cluster.sh unpack).
set -uo pipefail
out="${OUT:-gpu-results}"
mkdir -p "$out"
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu.txt"
python3 -c 'import torch; print("torch", torch.__version__)' | tee -a "$out/gpu.txt"

infra/gpu/run.sh bench-mixers 2>&1 | tee "$out/mixers.jsonl"

# Recall: every mixer on the MQAR example config, trained 4x longer than on CPU.
for mixer in softmax sliding-window linear gla mamba; do
  sed "s/\"mixer\": \"softmax\"/\"mixer\": \"$mixer\"/; s/\"tokens\": 6553600/\"tokens\": 26214400, \"window\": 16/" examples/runs/mqar-softmax-tiny.json > /tmp/mqar-$mixer.json
  infra/gpu/run.sh train --config /tmp/mqar-$mixer.json --out /tmp/mqar-$mixer | grep '"summary"' >> "$out/mqar.jsonl"
done
python3 bench/gpu/summarize.py "$out"

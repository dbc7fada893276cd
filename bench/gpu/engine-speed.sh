#!/usr/bin/env bash
# Runs on the H200 (docs/benchmarks.md, "Engine speed"): ScaleLab's engine managed, with the native library (fused
# RMSNorm, cross-entropy, SwiGLU and rotary kernels) and with CUDA graphs, beside the fair PyTorch reference eager and compiled, at the GPT-2-small shape and
# the 4.7M scaling-study shape, plus the host-bound tiny MQAR model; then the loss curves of the three engine paths
# side by side (same seed, same data). Needs the pack of infra/gpu/bundle.sh, unpacked there (infra/gpu/cluster.sh unpack). Results go to $OUT.
set -uo pipefail
out="${OUT:-gpu-results}"
mkdir -p "$out"
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu.txt"
python3 -c 'import torch; print("torch", torch.__version__)' | tee -a "$out/gpu.txt"
native=$(infra/gpu/build-native.sh /tmp/scalelab-native 2>"$out/native-build.log" | tail -1)
echo "native library: $native" | tee -a "$out/gpu.txt"

engine() {   # engine NAME CONFIG [ENV...]
  local name=$1 config=$2; shift 2
  env "$@" infra/gpu/run.sh train --config "$config" --out "/tmp/run-$name" > "$out/$name.jsonl" 2>&1
  grep '"summary"' "$out/$name.jsonl" | head -1 || tail -3 "$out/$name.jsonl"
}
reference() {   # reference NAME CONFIG SHARDS [--compile]
  local name=$1 config=$2 shards=$3; shift 3
  python3 bench/gpu/reference_gpt.py --config "$config" --shards "$shards" "$@" > "$out/$name.jsonl" 2>&1
  tail -1 "$out/$name.jsonl"
}

for shape in small4m gpt124m; do
  config=bench/gpu/$shape.json
  engine "$shape-managed" "$config"
  engine "$shape-native" "$config" Torch__NativeOpsPath="$native" Torch__CudaGraphs=false
  engine "$shape-graphs" "$config" Torch__NativeOpsPath="$native"
  vocab=$(python3 -c "import json;print(json.load(open('$config'))['bpeVocab'])")
  shards=$(ls -d ${SCALELAB_CLUSTER_HOME:-/tmp/scalelab-cluster}/corpus/datasets/*-compact"$vocab" | head -1)
  reference "$shape-torch-eager" "$config" "$shards"
  reference "$shape-torch-compile" "$config" "$shards" --compile
done
sed 's/"tokens": 6553600/"tokens": 1638400/; s/"evalInterval": 200/"evalInterval": 100000/' examples/runs/mqar-softmax-tiny.json > /tmp/mqar-tiny.json
engine mqar-managed /tmp/mqar-tiny.json
engine mqar-graphs /tmp/mqar-tiny.json Torch__NativeOpsPath="$native"
python3 bench/gpu/summarize_engine.py "$out" | tee "$out/table.md"

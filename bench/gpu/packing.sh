#!/usr/bin/env bash
# Runs on the lent GPU: several runs on one GPU (issue #14). The packing config (bench/gpu/packing3m.json, a 3.1M
# model) trained alone, then 8 copies at once, two ways, side by side in one run: 8 slots of one process on 8 CUDA
# streams (threads), and the 8 fused into one batched model (--fused, HFTA). Each line is bench-packing's JSON summary:
# aggregate tokens/s alone and packed, the ratio, and the largest loss difference of a copy from the run alone.
# Needs the pack of infra/gpu/bundle.sh, unpacked there (infra/gpu/cluster.sh unpack). Results go to $OUT.
set -uo pipefail
out="${OUT:-gpu-results}"
mkdir -p "$out"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu.txt"
native=$(infra/gpu/build-native.sh /tmp/scalelab-native 2>"$out/native-build.log" | tail -1)
[ -f "$native" ] || { echo "error: the native library did not build; see native-build.log" >&2; exit 1; }
export Torch__NativeOpsPath="$native"
for runs in ${PACKING_RUNS:-8}; do
  for mode in threads fused; do
    flag=(); [ "$mode" = fused ] && flag=(--fused)
    infra/gpu/run.sh bench-packing --config bench/gpu/packing3m.json --runs "$runs" "${flag[@]}" 2>>"$out/packing-stderr.txt" \
      | grep '"summary"' | sed "s/^{/{\"mode\":\"$mode\",/" | tee -a "$out/packing.jsonl"
  done
done

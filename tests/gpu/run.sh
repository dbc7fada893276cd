#!/usr/bin/env bash
# The GPU test category: every test that needs a GPU, run on the GPU machine from the repository root (never in CI,
# which has none), after the parts of infra/gpu/bundle.sh's pack have come (infra/gpu/cluster.sh unpack).
#   ops        each fused kernel of the native library against PyTorch's ops, forward and backward, fp32 and bf16,
#              and inside a CUDA graph (tests/gpu/native_ops.py; needs only this tree and the GPU machine's PyTorch)
#   numerics   native and managed paths train the same losses (softmax, GLA, Mamba); a resumed run continues exactly
#              (tests/gpu/native-numerics.sh; needs the corpus, part 3)
#   cluster    the worker silo trains on CUDA through the grains, packed runs do not interfere, a worker killed
#              mid-run resumes from its checkpoint (tests/gpu/cluster_checks.py, against infra/gpu/cluster.sh up)
#   devices    a worker's slots carry their share of GPU memory with nvidia-smi and without it (tests/gpu/devices.sh)
# Usage: tests/gpu/run.sh [ops] [numerics] [cluster] [devices]   (default: all). Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
which=("$@"); [ ${#which[@]} -gt 0 ] || which=(ops cluster numerics devices)
home=${SCALELAB_CLUSTER_HOME:-/tmp/scalelab-cluster}
failed=()
for test in "${which[@]}"; do
  echo "== $test"
  case "$test" in
    ops)
      python3 tests/gpu/native_ops.py "$(infra/gpu/build-native.sh /tmp/scalelab-native | tail -1)" || failed+=(ops) ;;
    numerics|devices)
      # The native library the cluster built, when it did (it must match this machine's libtorch either way).
      [ -f "$home/native/libscalelab_native.so" ] && export SCALELAB_NATIVE=${SCALELAB_NATIVE:-$home/native/libscalelab_native.so}
      if [ "$test" = numerics ]; then tests/gpu/native-numerics.sh || failed+=(numerics); else tests/gpu/devices.sh || failed+=(devices); fi ;;
    cluster)
      infra/gpu/cluster.sh up
      python3 tests/gpu/cluster_checks.py "http://127.0.0.1:5090" "$(cat "$home/data/secrets/api-key")" \
        "$home/data/worker.pid" "infra/gpu/cluster.sh up" || failed+=(cluster)
      infra/gpu/cluster.sh down >/dev/null ;;
    *) echo "unknown test: $test (ops, numerics, cluster, devices)" >&2; exit 2 ;;
  esac
done
if [ ${#failed[@]} -gt 0 ]; then echo "GPU tests FAILED: ${failed[*]}"; exit 1; fi
echo "GPU tests passed: ${which[*]}"

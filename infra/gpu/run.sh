#!/usr/bin/env bash
# On the GPU machine, from the repository root: runs the worker's standalone commands against PyTorch's CUDA libtorch,
# from the pack infra/gpu/bundle.sh made (unpacked by infra/gpu/cluster.sh unpack; this unpacks it when needed).
# Usage: infra/gpu/run.sh train --config F --out D | bench-mixers [...] | bench-packing [...]
set -euo pipefail
home="${SCALELAB_CLUSTER_HOME:-/tmp/scalelab-cluster}"
if [ ! -e "$home/apps/worker/ScaleLab.Workers.dll" ] || [ ! -x "$home/dotnet/dotnet" ]; then infra/gpu/cluster.sh unpack >&2; fi
torch_lib="$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__) + "/lib")')"
export Torch__NativeLibraryPath="$torch_lib"
export LD_LIBRARY_PATH="$torch_lib:$home/apps/worker${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export Training__CacheDirectory="$home/corpus"
export DOTNET_ROOT="$home/dotnet" DOTNET_gcServer=0 DOTNET_CLI_TELEMETRY_OPTOUT=1
exec "$home/dotnet/dotnet" "$home/apps/worker/ScaleLab.Workers.dll" "$@"

#!/usr/bin/env bash
# On the GPU machine, from the repository root: unpacks .gpu/worker.tar.xz (made by publish.sh) and runs the worker
# against PyTorch's CUDA libtorch. Usage: infra/gpu/run.sh train --config F --out D | bench-mixers [...]
set -euo pipefail
home="${SCALELAB_GPU_HOME:-/tmp/scalelab-gpu}"
if [ ! -x "$home/worker/ScaleLab.Workers" ]; then
  mkdir -p "$home"
  tar -xJf .gpu/worker.tar.xz -C "$home"
fi
torch_lib="$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__) + "/lib")')"
export Torch__NativeLibraryPath="$torch_lib"
export LD_LIBRARY_PATH="$torch_lib:$home/worker${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export Training__CacheDirectory="$home/corpus"
export DOTNET_gcServer=0
exec "$home/worker/ScaleLab.Workers" "$@"

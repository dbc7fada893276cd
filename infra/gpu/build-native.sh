#!/usr/bin/env bash
# Builds ScaleLab's native library (native/*.cpp and the CUDA kernels of native/*.cu)
# against the PyTorch wheel's libtorch, with the include paths, library paths and C++ ABI flag that
# torch.utils.cpp_extension uses for PyTorch's own C++ extensions (but no Python binding: .NET loads it). nvcc
# compiles the kernels alone (they include no libtorch header); the host compiler compiles the rest and links.
# Runs on the GPU machine, or in a production image's build stage that has the same PyTorch and the CUDA toolkit.
# SCALELAB_CUDA_ARCHS lists the compute capabilities to build for (default "80 86 89 90": A100 to H200, plus PTX
# for newer GPUs). Prints the library's path.
# Usage: infra/gpu/build-native.sh [OUT_DIR]   (default: /tmp/scalelab-native)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-/tmp/scalelab-native}"
mkdir -p "$out"
read -r abi includes libs cuda_home < <(python3 - <<'PY'
import torch
from torch.utils.cpp_extension import include_paths, library_paths, CUDA_HOME
inc = include_paths(device_type="cuda") if "device_type" in include_paths.__code__.co_varnames else include_paths(cuda=True)
libs = library_paths(device_type="cuda") if "device_type" in library_paths.__code__.co_varnames else library_paths(cuda=True)
print(int(torch._C._GLIBCXX_USE_CXX11_ABI), ":".join(inc + [CUDA_HOME + "/include"]), ":".join(libs), CUDA_HOME)
PY
)
archs=(${SCALELAB_CUDA_ARCHS:-80 86 89 90})
gencode=()
for a in "${archs[@]}"; do gencode+=(-gencode "arch=compute_$a,code=sm_$a"); done
gencode+=(-gencode "arch=compute_${archs[-1]},code=compute_${archs[-1]}")
"$cuda_home/bin/nvcc" --version | tail -1 >&2
flags=(-O2 -std=c++17 -fPIC "-D_GLIBCXX_USE_CXX11_ABI=$abi")
IFS=: read -ra inc <<< "$includes"; for i in "${inc[@]}"; do flags+=(-I "$i"); done
links=()
IFS=: read -ra lib <<< "$libs"; for l in "${lib[@]}"; do links+=(-L "$l" "-Wl,-rpath,$l"); done
# Every source compiles in parallel (libtorch's headers make each C++ file slow); any failure fails the build.
pids=() objects=()
for kernels in scalelab_kernels chunk_kernels; do
  "$cuda_home/bin/nvcc" -O3 -std=c++17 -Xcompiler -fPIC "${gencode[@]}" -c "$root/native/$kernels.cu" -o "$out/$kernels.o" &
  pids+=($!) objects+=("$out/$kernels.o")
done
for source in scalelab_native chunked_recurrence; do
  g++ "${flags[@]}" -c "$root/native/$source.cpp" -o "$out/$source.o" &
  pids+=($!) objects+=("$out/$source.o")
done
for pid in "${pids[@]}"; do wait "$pid"; done
g++ -shared "${objects[@]}" "${links[@]}" -o "$out/libscalelab_native.so" -lc10 -lc10_cuda -ltorch_cpu -ltorch_cuda -ltorch -lcudart
echo "$out/libscalelab_native.so"

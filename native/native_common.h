// What the C++ side of the native library shares: the kernels' dtype code, their error check, and the stream they run on.
#pragma once
#include <ATen/ATen.h>
#include <ATen/cuda/CUDAContext.h>
#include <cuda_runtime_api.h>
#include <stdexcept>
#include <string>

#include "scalelab_kernels.h"

namespace scalelab {

inline sl_dtype dtype_of(const at::Tensor& t) {
  switch (t.scalar_type()) {
    case at::kFloat: return SL_FLOAT32;
    case at::kBFloat16: return SL_BFLOAT16;
    case at::kHalf: return SL_FLOAT16;
    default: throw std::invalid_argument(std::string("unsupported dtype ") + c10::toString(t.scalar_type()));
  }
}

inline void launched(int status, const char* what) {
  if (status != 0) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(static_cast<cudaError_t>(status)));
}

// The calling thread's current stream: the run's own, or a graph's capture stream while one is captured.
inline cudaStream_t current_stream() { return at::cuda::getCurrentCUDAStream().stream(); }

}  // namespace scalelab

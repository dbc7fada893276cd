// What ScaleLab's CUDA kernel files share: fp32 arithmetic on any storage type, and the launch on the caller's dtype.
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "scalelab_kernels.h"

namespace scalelab {

__device__ __forceinline__ float to_float(float x) { return x; }
__device__ __forceinline__ float to_float(__nv_bfloat16 x) { return __bfloat162float(x); }
__device__ __forceinline__ float to_float(__half x) { return __half2float(x); }
template <typename T> __device__ __forceinline__ T from_float(float x);
template <> __device__ __forceinline__ float from_float<float>(float x) { return x; }
template <> __device__ __forceinline__ __nv_bfloat16 from_float<__nv_bfloat16>(float x) { return __float2bfloat16(x); }
template <> __device__ __forceinline__ __half from_float<__half>(float x) { return __float2half(x); }

// Runs launch(T{}) for the storage type T that dtype names; returns the launch's error, if any.
template <typename F>
int dispatch(sl_dtype dtype, F&& launch) {
  switch (dtype) {
    case SL_FLOAT32: launch(float{}); break;
    case SL_BFLOAT16: launch(__nv_bfloat16{}); break;
    case SL_FLOAT16: launch(__half{}); break;
    default: return cudaErrorInvalidValue;
  }
  return static_cast<int>(cudaGetLastError());
}

}  // namespace scalelab

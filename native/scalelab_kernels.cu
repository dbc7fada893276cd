// ScaleLab's fused CUDA kernels: the elementwise chains that eager TorchSharp runs as many kernels (and torch.compile
// fuses). Plain launchers on raw pointers, so nvcc never compiles libtorch's headers; scalelab_native.cpp wraps them
// as autograd functions. Arithmetic is in fp32 whatever the storage type; every launcher takes the caller's stream
// (a run's own stream, or the capture stream of a CUDA graph).
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <cmath>
#include <cstdint>

#include "scalelab_kernels.h"
#include "device_common.cuh"

using namespace scalelab;

namespace {

constexpr int kThreads = 256;

int blocks_for(int64_t n) {
  int64_t blocks = (n + kThreads - 1) / kThreads;
  return static_cast<int>(blocks < 65535 * 8 ? (blocks > 0 ? blocks : 1) : 65535 * 8);
}

// Sixteen bytes of T: one vector load or store (8 bf16 or fp16 values, 4 fp32). Memory-bound kernels need them to
// reach the GPU's bandwidth; scalar 2-byte loads reach a fraction of it.
template <typename T>
struct alignas(16) Pack {
  static constexpr int N = 16 / sizeof(T);
  T v[N];
};

bool aligned(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

// ---- cross-entropy --------------------------------------------------------------------------------------------
// One block per row: an online softmax (running maximum and rescaled sum) over the row, merged across the block by
// warp shuffles. Forward reads the logits once; backward reads them once and writes the gradient once, in the
// logits' own precision: no fp32 copy. kVector: the row is read in 16-byte packs (vocab a multiple of the pack).

constexpr int kRowThreads = 256;

__device__ __forceinline__ void merge(float& m, float& s, float m2, float s2) {
  if (m2 > m) {
    s = s * __expf(m - m2) + s2;
    m = m2;
  } else if (m2 != -INFINITY) {
    s += s2 * __expf(m2 - m);
  }
}

// The (maximum, sum) of the whole block, valid in thread 0.
__device__ __forceinline__ void merge_block(float& m, float& s) {
  for (int offset = 16; offset > 0; offset >>= 1)
    merge(m, s, __shfl_xor_sync(0xffffffffu, m, offset), __shfl_xor_sync(0xffffffffu, s, offset));
  __shared__ float warp_m[32], warp_s[32];
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) {
    warp_m[warp] = m;
    warp_s[warp] = s;
  }
  __syncthreads();
  if (warp == 0) {
    const int warps = blockDim.x / 32;
    m = lane < warps ? warp_m[lane] : -INFINITY;
    s = lane < warps ? warp_s[lane] : 0.f;
    for (int offset = 16; offset > 0; offset >>= 1)
      merge(m, s, __shfl_xor_sync(0xffffffffu, m, offset), __shfl_xor_sync(0xffffffffu, s, offset));
  }
}

template <typename T, bool kVector>
__global__ void cross_entropy_forward(const T* __restrict__ logits, const int64_t* __restrict__ target,
                                      float* __restrict__ loss, float* __restrict__ lse, int64_t vocab, int64_t ignore) {
  const int64_t row = blockIdx.x;
  const T* x = logits + row * vocab;
  float m = -INFINITY, s = 0.f;
  if (kVector) {
    using P = Pack<T>;
    const P* packs = reinterpret_cast<const P*>(x);
    for (int64_t k = threadIdx.x; k < vocab / P::N; k += blockDim.x) {
      P p = packs[k];
      float v[P::N], top = -INFINITY;
#pragma unroll
      for (int j = 0; j < P::N; j++) top = fmaxf(top, v[j] = to_float(p.v[j]));
      if (top > m) {
        s *= __expf(m - top);
        m = top;
      }
#pragma unroll
      for (int j = 0; j < P::N; j++) s += __expf(v[j] - m);
    }
  } else {
    for (int64_t j = threadIdx.x; j < vocab; j += blockDim.x) {
      float v = to_float(x[j]);
      if (v > m) {
        s = s * __expf(m - v) + 1.f;
        m = v;
      } else {
        s += __expf(v - m);
      }
    }
  }
  merge_block(m, s);
  if (threadIdx.x == 0) {
    float l = m + __logf(s);
    lse[row] = l;
    int64_t t = target[row];
    loss[row] = t == ignore ? 0.f : (t < 0 || t >= vocab) ? NAN : l - to_float(x[t]);   // a bad class shows as NaN
  }
}

// d loss_row / d x_j = (softmax_j - [j == target]) · scale; rows whose target is ignored get zero.
template <typename T, bool kVector>
__global__ void cross_entropy_backward(const T* __restrict__ logits, const int64_t* __restrict__ target,
                                       const float* __restrict__ lse, const float* __restrict__ scale_of_all,
                                       T* __restrict__ grad_logits, int64_t vocab, int64_t ignore) {
  const int64_t row = blockIdx.x;
  const T* x = logits + row * vocab;
  T* g = grad_logits + row * vocab;
  const int64_t t = target[row];
  const float scale = t == ignore ? 0.f : scale_of_all[0];
  const float l = lse[row];
  if (kVector) {
    using P = Pack<T>;
    const P* in = reinterpret_cast<const P*>(x);
    P* out = reinterpret_cast<P*>(g);
    for (int64_t k = threadIdx.x; k < vocab / P::N; k += blockDim.x) {
      P p = in[k], q;
#pragma unroll
      for (int j = 0; j < P::N; j++) {
        int64_t column = k * P::N + j;
        q.v[j] = from_float<T>((__expf(to_float(p.v[j]) - l) - (column == t ? 1.f : 0.f)) * scale);
      }
      out[k] = q;
    }
  } else {
    for (int64_t j = threadIdx.x; j < vocab; j += blockDim.x)
      g[j] = from_float<T>((__expf(to_float(x[j]) - l) - (j == t ? 1.f : 0.f)) * scale);
  }
}

// ---- SwiGLU gate --------------------------------------------------------------------------------------------
// out = silu(a) · b. Backward: da = g · b · σ(a) · (1 + a · (1 − σ(a))), db = g · silu(a). The first `packs` packs go
// as 16-byte vectors, the rest (all of it when a pointer is not aligned) element by element.

__device__ __forceinline__ float sigmoid(float x) { return __fdividef(1.f, 1.f + __expf(-x)); }

template <typename T>
__global__ void swiglu_forward(const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ out, int64_t n,
                               int64_t packs) {
  using P = Pack<T>;
  const int64_t first = blockIdx.x * (int64_t)blockDim.x + threadIdx.x, stride = (int64_t)gridDim.x * blockDim.x;
  for (int64_t k = first; k < packs; k += stride) {
    P pa = reinterpret_cast<const P*>(a)[k], pb = reinterpret_cast<const P*>(b)[k], po;
#pragma unroll
    for (int j = 0; j < P::N; j++) {
      float x = to_float(pa.v[j]);
      po.v[j] = from_float<T>(x * sigmoid(x) * to_float(pb.v[j]));
    }
    reinterpret_cast<P*>(out)[k] = po;
  }
  for (int64_t i = packs * P::N + first; i < n; i += stride) {
    float x = to_float(a[i]);
    out[i] = from_float<T>(x * sigmoid(x) * to_float(b[i]));
  }
}

template <typename T>
__global__ void swiglu_backward(const T* __restrict__ a, const T* __restrict__ b, const T* __restrict__ grad,
                                T* __restrict__ grad_a, T* __restrict__ grad_b, int64_t n, int64_t packs) {
  using P = Pack<T>;
  const int64_t first = blockIdx.x * (int64_t)blockDim.x + threadIdx.x, stride = (int64_t)gridDim.x * blockDim.x;
  for (int64_t k = first; k < packs; k += stride) {
    P pa = reinterpret_cast<const P*>(a)[k], pb = reinterpret_cast<const P*>(b)[k], pg = reinterpret_cast<const P*>(grad)[k];
    P da, db;
#pragma unroll
    for (int j = 0; j < P::N; j++) {
      float x = to_float(pa.v[j]), y = to_float(pb.v[j]), g = to_float(pg.v[j]);
      float sig = sigmoid(x);
      da.v[j] = from_float<T>(g * y * sig * (1.f + x * (1.f - sig)));
      db.v[j] = from_float<T>(g * x * sig);
    }
    reinterpret_cast<P*>(grad_a)[k] = da;
    reinterpret_cast<P*>(grad_b)[k] = db;
  }
  for (int64_t i = packs * P::N + first; i < n; i += stride) {
    float x = to_float(a[i]), y = to_float(b[i]), g = to_float(grad[i]);
    float sig = sigmoid(x);
    grad_a[i] = from_float<T>(g * y * sig * (1.f + x * (1.f - sig)));
    grad_b[i] = from_float<T>(g * x * sig);
  }
}

// ---- AdamW -------------------------------------------------------------------------------------------------------
// TorchSharp's AdamW update (decoupled weight decay, then the moments, then the bias-corrected step) in one pass over
// fp32 parameters, gradients and moments: eager runs about ten kernels, each a full pass. The bias corrections come
// from the host's step count.

struct AdamWStep {
  float decay;        // 1 − lr · weight_decay
  float beta1, beta2, eps;
  float step_size;    // lr / (1 − beta1^step)
  float root_bc2;     // sqrt(1 − beta2^step)
};

__device__ __forceinline__ void adamw_one(float& p, float g, float& m, float& v, const AdamWStep& c) {
  p *= c.decay;
  m = m * c.beta1 + g * (1.f - c.beta1);
  v = v * c.beta2 + g * g * (1.f - c.beta2);
  p -= c.step_size * m / (sqrtf(v) / c.root_bc2 + c.eps);
}

__global__ void adamw(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m, float* __restrict__ v,
                      int64_t n, int64_t packs, AdamWStep c) {
  const int64_t first = blockIdx.x * (int64_t)blockDim.x + threadIdx.x, stride = (int64_t)gridDim.x * blockDim.x;
  for (int64_t k = first; k < packs; k += stride) {
    float4 pk = reinterpret_cast<float4*>(p)[k], gk = reinterpret_cast<const float4*>(g)[k];
    float4 mk = reinterpret_cast<float4*>(m)[k], vk = reinterpret_cast<float4*>(v)[k];
    adamw_one(pk.x, gk.x, mk.x, vk.x, c);
    adamw_one(pk.y, gk.y, mk.y, vk.y, c);
    adamw_one(pk.z, gk.z, mk.z, vk.z, c);
    adamw_one(pk.w, gk.w, mk.w, vk.w, c);
    reinterpret_cast<float4*>(p)[k] = pk;
    reinterpret_cast<float4*>(m)[k] = mk;
    reinterpret_cast<float4*>(v)[k] = vk;
  }
  for (int64_t i = packs * 4 + first; i < n; i += stride) adamw_one(p[i], g[i], m[i], v[i], c);
}

// ---- rotary embedding ---------------------------------------------------------------------------------------
// x is (B, H, T, hs) with any strides (the head split is a transposed view); the result is written as (B, T, H, hs)
// contiguous, the layout the managed path hands attention. Plane i of a head pairs channels i and i + hs/2 and turns
// them by angle t·θ_i (cos and sin from fp32 tables of (T, hs/2)). sign = −1 turns back: the backward pass.

template <typename T>
__global__ void rotary(const T* __restrict__ x, const float* __restrict__ cos_table, const float* __restrict__ sin_table,
                       T* __restrict__ out, int64_t heads, int64_t len, int64_t half, int64_t s0, int64_t s1,
                       int64_t s2, int64_t s3, int64_t n, float sign) {
  for (int64_t idx = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; idx < n; idx += (int64_t)gridDim.x * blockDim.x) {
    int64_t i = idx % half;
    int64_t rest = idx / half;
    int64_t h = rest % heads;
    rest /= heads;
    int64_t t = rest % len;
    int64_t b = rest / len;
    const T* src = x + b * s0 + h * s1 + t * s2;
    float x1 = to_float(src[i * s3]), x2 = to_float(src[(i + half) * s3]);
    float c = cos_table[t * half + i], s = sign * sin_table[t * half + i];
    T* dst = out + ((b * len + t) * heads + h) * 2 * half;
    dst[i] = from_float<T>(x1 * c - x2 * s);
    dst[i + half] = from_float<T>(x2 * c + x1 * s);
  }
}

}  // namespace

extern "C" {

int sl_k_cross_entropy_forward(sl_dtype dtype, const void* logits, const int64_t* target, float* loss, float* lse,
                               int64_t rows, int64_t vocab, int64_t ignore, cudaStream_t stream) {
  if (rows == 0) return 0;
  return dispatch(dtype, [&](auto zero) {
    using T = decltype(zero);
    auto x = static_cast<const T*>(logits);
    if (vocab % Pack<T>::N == 0 && aligned(logits))
      cross_entropy_forward<T, true><<<rows, kRowThreads, 0, stream>>>(x, target, loss, lse, vocab, ignore);
    else
      cross_entropy_forward<T, false><<<rows, kRowThreads, 0, stream>>>(x, target, loss, lse, vocab, ignore);
  });
}

int sl_k_cross_entropy_backward(sl_dtype dtype, const void* logits, const int64_t* target, const float* lse,
                                const float* scale, void* grad_logits, int64_t rows, int64_t vocab, int64_t ignore,
                                cudaStream_t stream) {
  if (rows == 0) return 0;
  return dispatch(dtype, [&](auto zero) {
    using T = decltype(zero);
    auto x = static_cast<const T*>(logits);
    auto g = static_cast<T*>(grad_logits);
    if (vocab % Pack<T>::N == 0 && aligned(logits) && aligned(grad_logits))
      cross_entropy_backward<T, true><<<rows, kRowThreads, 0, stream>>>(x, target, lse, scale, g, vocab, ignore);
    else
      cross_entropy_backward<T, false><<<rows, kRowThreads, 0, stream>>>(x, target, lse, scale, g, vocab, ignore);
  });
}

int sl_k_swiglu_forward(sl_dtype dtype, const void* a, const void* b, void* out, int64_t n, cudaStream_t stream) {
  if (n == 0) return 0;
  return dispatch(dtype, [&](auto zero) {
    using T = decltype(zero);
    int64_t packs = aligned(a) && aligned(b) && aligned(out) ? n / Pack<T>::N : 0;
    swiglu_forward<T><<<blocks_for(packs > 0 ? packs : n), kThreads, 0, stream>>>(
        static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(out), n, packs);
  });
}

int sl_k_swiglu_backward(sl_dtype dtype, const void* a, const void* b, const void* grad, void* grad_a, void* grad_b,
                         int64_t n, cudaStream_t stream) {
  if (n == 0) return 0;
  return dispatch(dtype, [&](auto zero) {
    using T = decltype(zero);
    int64_t packs = aligned(a) && aligned(b) && aligned(grad) && aligned(grad_a) && aligned(grad_b) ? n / Pack<T>::N : 0;
    swiglu_backward<T><<<blocks_for(packs > 0 ? packs : n), kThreads, 0, stream>>>(
        static_cast<const T*>(a), static_cast<const T*>(b), static_cast<const T*>(grad), static_cast<T*>(grad_a),
        static_cast<T*>(grad_b), n, packs);
  });
}

int sl_k_rotary(sl_dtype dtype, const void* x, const float* cos, const float* sin, void* out, int64_t batch,
                int64_t heads, int64_t len, int64_t head_size, const int64_t* strides, int inverse, cudaStream_t stream) {
  int64_t half = head_size / 2;
  int64_t n = batch * heads * len * half;
  if (n == 0) return 0;
  return dispatch(dtype, [&](auto zero) {
    using T = decltype(zero);
    rotary<T><<<blocks_for(n), kThreads, 0, stream>>>(static_cast<const T*>(x), cos, sin, static_cast<T*>(out), heads,
                                                      len, half, strides[0], strides[1], strides[2], strides[3], n,
                                                      inverse ? -1.f : 1.f);
  });
}

int sl_k_adamw(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, int64_t n, double lr, double beta1,
               double beta2, double eps, double weight_decay, int64_t step, cudaStream_t stream) {
  if (n == 0) return 0;
  AdamWStep c;
  c.decay = static_cast<float>(1 - lr * weight_decay);
  c.beta1 = static_cast<float>(beta1);
  c.beta2 = static_cast<float>(beta2);
  c.eps = static_cast<float>(eps);
  c.step_size = static_cast<float>(lr / (1 - std::pow(beta1, static_cast<double>(step))));
  c.root_bc2 = static_cast<float>(std::sqrt(1 - std::pow(beta2, static_cast<double>(step))));
  int64_t packs = aligned(param) && aligned(grad) && aligned(exp_avg) && aligned(exp_avg_sq) ? n / 4 : 0;
  adamw<<<blocks_for(packs > 0 ? packs : n), kThreads, 0, stream>>>(param, grad, exp_avg, exp_avg_sq, n, packs, c);
  return static_cast<int>(cudaGetLastError());
}

}  // extern "C"

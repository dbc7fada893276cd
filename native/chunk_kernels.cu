// The memory-bound steps of the chunked linear recurrence, each one pass over its tensors (ATen runs them as chains of
// elementwise kernels, each a pass over memory; the managed path's inter-chunk step is an (n x n) decay matrix per
// channel where a scan is linear). The matrix products around them stay with cuBLAS. Arithmetic in fp32.
#include <cuda_runtime.h>
#include <cstdint>

#include "chunk_kernels.h"
#include "device_common.cuh"

using namespace scalelab;

namespace {

// One chunk's cumulative log-decay for one channel into b[0..chunk); returns its end (the chunk's total).
__device__ __forceinline__ float cumulative(const float* __restrict__ g, int64_t base, int chunk, int channels, float* b) {
  float acc = 0.f;
  for (int t = 0; t < chunk; t++) {
    acc += g[base + t * channels];
    b[t] = acc;
  }
  return acc;
}

// One thread per (row, channel); a block covers one row's channels, so each position's loads are coalesced.
// The thread walks its chunk twice: once for the middle and the end of the cumulative decay, once to write.
template <typename T>
__global__ void chunk_prep_forward(const T* __restrict__ q, const T* __restrict__ k, const float* __restrict__ g,
                                   T* q_mid, T* k_mid, T* k_end, T* q_start, float* last, int chunk, int channels) {
  int ch = threadIdx.x;
  if (ch >= channels) return;
  int64_t base = static_cast<int64_t>(blockIdx.x) * chunk * channels + ch;
  float b[SL_MAX_CHUNK];
  float end = cumulative(g, base, chunk, channels, b), r = b[chunk / 2];
  last[static_cast<int64_t>(blockIdx.x) * channels + ch] = end;
  for (int t = 0; t < chunk; t++) {
    int64_t i = base + t * channels;
    float qv = to_float(q[i]), kv = to_float(k[i]);
    q_mid[i] = from_float<T>(qv * __expf(b[t] - r));
    k_mid[i] = from_float<T>(kv * __expf(r - b[t]));
    k_end[i] = from_float<T>(kv * __expf(end - b[t]));
    q_start[i] = from_float<T>(qv * __expf(b[t]));
  }
}

// The chain rule through the four products: d/db of x·exp(±(b − ·)) is ±x·exp(…)·dy; the middle and the end collect
// what their own positions' factors received; g's gradient is the reverse cumulative sum of b's within the chunk.
template <typename T>
__global__ void chunk_prep_backward(const T* __restrict__ q, const T* __restrict__ k, const float* __restrict__ g,
                                    const T* __restrict__ dq_mid, const T* __restrict__ dk_mid,
                                    const T* __restrict__ dk_end, const T* __restrict__ dq_start,
                                    const float* __restrict__ d_last, T* dq, T* dk, float* dg, int chunk,
                                    int channels) {
  int ch = threadIdx.x;
  if (ch >= channels) return;
  int64_t base = static_cast<int64_t>(blockIdx.x) * chunk * channels + ch;
  float b[SL_MAX_CHUNK];
  float end = cumulative(g, base, chunk, channels, b);
  int mid = chunk / 2;
  float r = b[mid];
  float to_mid = 0.f, to_end = d_last[static_cast<int64_t>(blockIdx.x) * channels + ch];
  for (int t = 0; t < chunk; t++) {
    int64_t i = base + t * channels;
    float qv = to_float(q[i]), kv = to_float(k[i]);
    float e_qm = __expf(b[t] - r), e_km = __expf(r - b[t]), e_ke = __expf(end - b[t]), e_qs = __expf(b[t]);
    float gqm = to_float(dq_mid[i]), gkm = to_float(dk_mid[i]), gke = to_float(dk_end[i]), gqs = to_float(dq_start[i]);
    dq[i] = from_float<T>(gqm * e_qm + gqs * e_qs);
    dk[i] = from_float<T>(gkm * e_km + gke * e_ke);
    float tqm = gqm * qv * e_qm, tkm = gkm * kv * e_km, tke = gke * kv * e_ke;
    b[t] = tqm - tkm - tke + gqs * qv * e_qs;   // b is not needed past this point: reuse it for db
    to_mid += tkm - tqm;
    to_end += tke;
  }
  b[mid] += to_mid;
  b[chunk - 1] += to_end;
  float acc = 0.f;
  for (int t = chunk - 1; t >= 0; t--) {
    acc += b[t];
    dg[base + t * channels] = acc;
  }
}

// Sum over the block's threads; the result is valid in every thread. `shared` holds one float per warp.
__device__ __forceinline__ float block_sum(float x, float* shared) {
  for (int offset = 16; offset > 0; offset >>= 1) x += __shfl_xor_sync(0xffffffffu, x, offset);
  int warps = (blockDim.x + 31) / 32;
  __syncthreads();   // the previous call's readers are done with `shared`
  if (threadIdx.x % 32 == 0) shared[threadIdx.x / 32] = x;
  __syncthreads();
  float total = 0.f;
  for (int w = 0; w < warps; w++) total += shared[w];
  return total;
}

// One block per (row, key), one thread per value: the thread carries its state element through the chunks in fp32.
template <typename T>
__global__ void chunk_scan_forward(const T* __restrict__ update, const float* __restrict__ a, T* entering, int chunks,
                                   int keys, int values, int64_t a_row, int64_t a_chunk, int64_t a_key) {
  int row = blockIdx.x / keys, key = blockIdx.x % keys, v = threadIdx.x;
  if (v >= values) return;
  int64_t step = static_cast<int64_t>(keys) * values;
  int64_t i = static_cast<int64_t>(row) * chunks * step + static_cast<int64_t>(key) * values + v;
  const float* decay = a + row * a_row + key * a_key;
  float state = 0.f;
  for (int c = 0; c < chunks; c++, i += step) {
    entering[i] = from_float<T>(state);
    state = __expf(decay[c * a_chunk]) * state + to_float(update[i]);
  }
}

// Backwards through the chunks: G, the gradient reaching E_{c+1}, is d_update at c; d a_c = Σ_v G·E_c·exp(a_c).
template <typename T>
__global__ void chunk_scan_backward(const T* __restrict__ d_entering, const T* __restrict__ entering,
                                    const float* __restrict__ a, T* d_update, float* d_a, int chunks, int keys,
                                    int values, int64_t a_row, int64_t a_chunk, int64_t a_key) {
  __shared__ float shared[32];
  int row = blockIdx.x / keys, key = blockIdx.x % keys, v = threadIdx.x;
  bool active = v < values;
  int64_t step = static_cast<int64_t>(keys) * values;
  int64_t i = static_cast<int64_t>(row) * chunks * step + static_cast<int64_t>(key) * values + v +
              static_cast<int64_t>(chunks - 1) * step;
  const float* decay = a + row * a_row + key * a_key;
  float* d_decay = d_a + (static_cast<int64_t>(row) * chunks) * keys + key;
  float grad = 0.f;
  for (int c = chunks - 1; c >= 0; c--, i -= step) {
    float e = __expf(decay[c * a_chunk]);
    float held = active ? to_float(entering[i]) : 0.f;
    float total = block_sum(grad * held, shared);
    if (threadIdx.x == 0) d_decay[static_cast<int64_t>(c) * keys] = total * e;
    if (active) {
      d_update[i] = from_float<T>(grad);
      grad = to_float(d_entering[i]) + e * grad;
    }
  }
}

int value_threads(int values) { return (values + 31) / 32 * 32; }

}  // namespace

extern "C" {

int sl_k_chunk_prep_forward(sl_dtype dtype, const void* q, const void* k, const float* g, void* q_mid, void* k_mid,
                            void* k_end, void* q_start, float* last, int64_t rows, int chunk, int channels,
                            cudaStream_t stream) {
  if (chunk > SL_MAX_CHUNK || channels > 1024) return cudaErrorInvalidValue;
  if (rows == 0) return 0;
  return dispatch(dtype, [&](auto zero) {
    using T = decltype(zero);
    chunk_prep_forward<T><<<rows, value_threads(channels), 0, stream>>>(
        static_cast<const T*>(q), static_cast<const T*>(k), g, static_cast<T*>(q_mid), static_cast<T*>(k_mid),
        static_cast<T*>(k_end), static_cast<T*>(q_start), last, chunk, channels);
  });
}

int sl_k_chunk_prep_backward(sl_dtype dtype, const void* q, const void* k, const float* g, const void* d_q_mid,
                             const void* d_k_mid, const void* d_k_end, const void* d_q_start, const float* d_last,
                             void* d_q, void* d_k, float* d_g, int64_t rows, int chunk, int channels,
                             cudaStream_t stream) {
  if (chunk > SL_MAX_CHUNK || channels > 1024) return cudaErrorInvalidValue;
  if (rows == 0) return 0;
  return dispatch(dtype, [&](auto zero) {
    using T = decltype(zero);
    chunk_prep_backward<T><<<rows, value_threads(channels), 0, stream>>>(
        static_cast<const T*>(q), static_cast<const T*>(k), g, static_cast<const T*>(d_q_mid),
        static_cast<const T*>(d_k_mid), static_cast<const T*>(d_k_end), static_cast<const T*>(d_q_start), d_last,
        static_cast<T*>(d_q), static_cast<T*>(d_k), d_g, chunk, channels);
  });
}

int sl_k_chunk_scan_forward(sl_dtype dtype, const void* update, const float* a, void* entering, int64_t rows,
                            int chunks, int keys, int values, int64_t a_row, int64_t a_chunk, int64_t a_key,
                            cudaStream_t stream) {
  if (values > 1024) return cudaErrorInvalidValue;
  if (rows == 0 || chunks == 0) return 0;
  return dispatch(dtype, [&](auto zero) {
    using T = decltype(zero);
    chunk_scan_forward<T><<<rows * keys, value_threads(values), 0, stream>>>(
        static_cast<const T*>(update), a, static_cast<T*>(entering), chunks, keys, values, a_row, a_chunk, a_key);
  });
}

int sl_k_chunk_scan_backward(sl_dtype dtype, const void* d_entering, const void* entering, const float* a,
                             void* d_update, float* d_a, int64_t rows, int chunks, int keys, int values, int64_t a_row,
                             int64_t a_chunk, int64_t a_key, cudaStream_t stream) {
  if (values > 1024) return cudaErrorInvalidValue;
  if (rows == 0 || chunks == 0) return 0;
  return dispatch(dtype, [&](auto zero) {
    using T = decltype(zero);
    chunk_scan_backward<T><<<rows * keys, value_threads(values), 0, stream>>>(
        static_cast<const T*>(d_entering), static_cast<const T*>(entering), a, static_cast<T*>(d_update), d_a,
        chunks, keys, values, a_row, a_chunk, a_key);
  });
}
}

// The launchers of chunk_kernels.cu: the two memory-bound steps of the chunked linear recurrence (GLA, Mamba-2's SSD,
// linear attention) that ATen would run as chains of elementwise kernels. Plain C on raw device pointers and a stream,
// like scalelab_kernels.h. Each returns 0 or a cudaError_t. Layouts are contiguous; "rows" counts (batch · heads ·
// chunks) for the prep and (batch · heads) for the scan.
#pragma once
#include <cuda_runtime_api.h>
#include <cstdint>

#include "scalelab_kernels.h"

extern "C" {

// Largest chunk the prep kernels take (each thread keeps one chunk's cumulative decays in registers).
#define SL_MAX_CHUNK 64

// GLA's per-channel decay, per chunk of `chunk` positions and channel: b = cumulative log-decay g inside the chunk,
// r = b at the chunk's middle, last = b at its end. Writes q·exp(b − r), k·exp(r − b), k·exp(last − b), q·exp(b)
// (q, k and the four outputs: rows × chunk × channels in `dtype`; g fp32 of that shape) and last (rows × channels).
int sl_k_chunk_prep_forward(sl_dtype dtype, const void* q, const void* k, const float* g, void* q_mid, void* k_mid,
                            void* k_end, void* q_start, float* last, int64_t rows, int chunk, int channels,
                            cudaStream_t stream);

// The gradients of sl_k_chunk_prep_forward: from those of its five outputs to q, k and g.
int sl_k_chunk_prep_backward(sl_dtype dtype, const void* q, const void* k, const float* g, const void* d_q_mid,
                             const void* d_k_mid, const void* d_k_end, const void* d_q_start, const float* d_last,
                             void* d_q, void* d_k, float* d_g, int64_t rows, int chunk, int channels,
                             cudaStream_t stream);

// The states entering each chunk: E_0 = 0, E_{c+1} = exp(a_c)·E_c + U_c, per row of (chunks × K × V) states in
// `dtype`, carried in fp32. a is fp32 at a[row · a_row + c · a_chunk + key · a_key] (a_key = 0: one decay per head).
int sl_k_chunk_scan_forward(sl_dtype dtype, const void* update, const float* a, void* entering, int64_t rows,
                            int chunks, int keys, int values, int64_t a_row, int64_t a_chunk, int64_t a_key,
                            cudaStream_t stream);

// Its gradients: d_update (as update) and d_a per (row, chunk, key) in fp32 (a caller with one decay per head sums
// them over the keys).
int sl_k_chunk_scan_backward(sl_dtype dtype, const void* d_entering, const void* entering, const float* a,
                             void* d_update, float* d_a, int64_t rows, int chunks, int keys, int values, int64_t a_row,
                             int64_t a_chunk, int64_t a_key, cudaStream_t stream);
}

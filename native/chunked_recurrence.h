// The chunked form of the linear recurrence S_t = diag(exp(g_t))·S_{t-1} + k_t v_tᵀ, o_t = q_tᵀ S_t, behind linear
// attention, GLA and Mamba-2: the same function as the managed engine's LinearRecurrence.Chunked (which documents the
// algorithm), with its elementwise steps and the inter-chunk scan as fused kernels (chunk_kernels.cu).
#pragma once
#include <ATen/ATen.h>

namespace scalelab {

// q, k (B, H, T, K); v (B, H, T, V); log_decay undefined (linear attention), (B, H, T) (one decay per head) or
// (B, H, T, K) (one per channel, each chunk's sum within ~170 nats). Differentiable. Returns (B, H, T, V).
at::Tensor chunked_recurrence(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& log_decay,
                              int64_t chunk);

}  // namespace scalelab

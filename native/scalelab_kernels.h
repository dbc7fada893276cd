// The launchers of scalelab_kernels.cu: plain C on raw device pointers and a stream, so the C++ side
// (scalelab_native.cpp, compiled by the host compiler against libtorch) and nvcc share nothing but this header.
// Each returns 0 or a cudaError_t.
#pragma once
#include <cuda_runtime_api.h>
#include <cstdint>

extern "C" {

typedef enum { SL_FLOAT32 = 0, SL_BFLOAT16 = 1, SL_FLOAT16 = 2 } sl_dtype;

// Per row of logits (rows × vocab, contiguous): loss = logsumexp − logit[target] (0 where target == ignore) and the
// logsumexp itself, both fp32.
int sl_k_cross_entropy_forward(sl_dtype dtype, const void* logits, const int64_t* target, float* loss, float* lse,
                               int64_t rows, int64_t vocab, int64_t ignore, cudaStream_t stream);

// grad_logits = (softmax − onehot(target)) · scale[0], zero on ignored rows; scale is one device float.
int sl_k_cross_entropy_backward(sl_dtype dtype, const void* logits, const int64_t* target, const float* lse,
                                const float* scale, void* grad_logits, int64_t rows, int64_t vocab, int64_t ignore,
                                cudaStream_t stream);

// out = silu(a) · b over n contiguous elements.
int sl_k_swiglu_forward(sl_dtype dtype, const void* a, const void* b, void* out, int64_t n, cudaStream_t stream);

int sl_k_swiglu_backward(sl_dtype dtype, const void* a, const void* b, const void* grad, void* grad_a, void* grad_b,
                         int64_t n, cudaStream_t stream);

// x is (batch, heads, len, head_size) with the given element strides; out is (batch, len, heads, head_size)
// contiguous. cos and sin are fp32 (len, head_size / 2). inverse turns the other way (the backward pass).
// One AdamW step (TorchSharp's update, step counted from 1) over n fp32 parameters, in place.
int sl_k_adamw(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, int64_t n, double lr, double beta1,
               double beta2, double eps, double weight_decay, int64_t step, cudaStream_t stream);

int sl_k_rotary(sl_dtype dtype, const void* x, const float* cos, const float* sin, void* out, int64_t batch,
                int64_t heads, int64_t len, int64_t head_size, const int64_t* strides, int inverse,
                cudaStream_t stream);
}

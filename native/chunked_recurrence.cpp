// The chunked linear recurrence for the CUDA engine: cuBLAS for the products inside and between chunks, and two pairs
// of fused kernels (chunk_kernels.cu) entering autograd as custom functions for the rest. The algorithm is the managed
// LinearRecurrence.Chunked's, step for step, except that the states entering the chunks come from a scan (linear in
// the number of chunks) instead of an (n x n) decay matrix.
#include "chunked_recurrence.h"

#include <torch/csrc/autograd/custom_function.h>
#include <algorithm>
#include <cmath>

#include "chunk_kernels.h"
#include "native_common.h"

namespace scalelab {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// A gradient that autograd left undefined (an output nobody used) as zeros; otherwise contiguous in `like`'s dtype.
at::Tensor gradient(const at::Tensor& grad, const at::Tensor& like) {
  return grad.defined() ? grad.to(like.scalar_type()).contiguous() : at::zeros_like(like);
}

// GLA's per-channel decay inside each chunk: from q, k (…, C, K) and fp32 g (…, C, K) to q·exp(b − r), k·exp(r − b),
// k·exp(last − b), q·exp(b) and last (…, K), where b is g's cumulative sum in the chunk, r its middle and last its end.
struct ChunkPrep : torch::autograd::Function<ChunkPrep> {
  static variable_list forward(AutogradContext* ctx, at::Tensor q, at::Tensor k, at::Tensor g) {
    q = q.contiguous();
    k = k.contiguous();
    g = g.contiguous();
    auto chunk = q.size(-2), channels = q.size(-1), rows = q.numel() / (chunk * channels);
    auto q_mid = at::empty_like(q), k_mid = at::empty_like(k), k_end = at::empty_like(k), q_start = at::empty_like(q);
    auto last_shape = q.sizes().vec();
    last_shape.erase(last_shape.end() - 2);
    auto last = at::empty(last_shape, g.options());
    launched(sl_k_chunk_prep_forward(dtype_of(q), q.data_ptr(), k.data_ptr(), g.data_ptr<float>(), q_mid.data_ptr(),
                                     k_mid.data_ptr(), k_end.data_ptr(), q_start.data_ptr(), last.data_ptr<float>(),
                                     rows, static_cast<int>(chunk), static_cast<int>(channels), current_stream()),
             "chunk prep forward");
    ctx->save_for_backward({q, k, g});
    return {q_mid, k_mid, k_end, q_start, last};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    auto &q = saved[0], &k = saved[1], &g = saved[2];
    auto chunk = q.size(-2), channels = q.size(-1), rows = q.numel() / (chunk * channels);
    auto d_q_mid = gradient(grads[0], q), d_k_mid = gradient(grads[1], k), d_k_end = gradient(grads[2], k);
    auto d_q_start = gradient(grads[3], q);
    auto d_last = grads[4].defined() ? grads[4].to(at::kFloat).contiguous()
                                     : at::zeros({rows, channels}, g.options());
    auto d_q = at::empty_like(q), d_k = at::empty_like(k), d_g = at::empty_like(g);
    launched(sl_k_chunk_prep_backward(dtype_of(q), q.data_ptr(), k.data_ptr(), g.data_ptr<float>(), d_q_mid.data_ptr(),
                                      d_k_mid.data_ptr(), d_k_end.data_ptr(), d_q_start.data_ptr(),
                                      d_last.data_ptr<float>(), d_q.data_ptr(), d_k.data_ptr(), d_g.data_ptr<float>(),
                                      rows, static_cast<int>(chunk), static_cast<int>(channels), current_stream()),
             "chunk prep backward");
    return {d_q, d_k, d_g};
  }
};

// The states entering the chunks, E_0 = 0 and E_{c+1} = exp(a_c)·E_c + U_c: update (R, n, K, V); a fp32, (R, n, K)
// per channel or (R, n) per head.
struct ChunkScan : torch::autograd::Function<ChunkScan> {
  struct Layout {
    int64_t rows, chunks, keys, values, a_row, a_chunk, a_key;
  };

  static Layout layout(const at::Tensor& update, const at::Tensor& a) {
    auto rows = update.size(0), chunks = update.size(1), keys = update.size(2), values = update.size(3);
    bool per_head = a.dim() == 2;
    return {rows, chunks, keys, values, per_head ? chunks : chunks * keys, per_head ? 1 : keys, per_head ? 0 : 1};
  }

  static at::Tensor forward(AutogradContext* ctx, at::Tensor update, at::Tensor a) {
    update = update.contiguous();
    a = a.contiguous();
    auto l = layout(update, a);
    auto entering = at::empty_like(update);
    launched(sl_k_chunk_scan_forward(dtype_of(update), update.data_ptr(), a.data_ptr<float>(), entering.data_ptr(),
                                     l.rows, static_cast<int>(l.chunks), static_cast<int>(l.keys),
                                     static_cast<int>(l.values), l.a_row, l.a_chunk, l.a_key, current_stream()),
             "chunk scan forward");
    ctx->save_for_backward({entering, a});
    return entering;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    auto &entering = saved[0], &a = saved[1];
    auto l = layout(entering, a);
    auto d_entering = gradient(grads[0], entering);
    auto d_update = at::empty_like(entering);
    auto d_a = at::empty({l.rows, l.chunks, l.keys}, a.options());
    launched(sl_k_chunk_scan_backward(dtype_of(entering), d_entering.data_ptr(), entering.data_ptr(),
                                      a.data_ptr<float>(), d_update.data_ptr(), d_a.data_ptr<float>(), l.rows,
                                      static_cast<int>(l.chunks), static_cast<int>(l.keys),
                                      static_cast<int>(l.values), l.a_row, l.a_chunk, l.a_key, current_stream()),
             "chunk scan backward");
    return {d_update, a.dim() == 2 ? d_a.sum(-1) : d_a};
  }
};

// The states entering each chunk of (B, H, n, K, V) chunk updates, decayed by fp32 a: (B, H, n, K) or (B, H, n).
at::Tensor entering_states(const at::Tensor& update, const at::Tensor& a) {
  auto b = update.size(0), h = update.size(1), n = update.size(2);
  auto flat_a = a.dim() == 4 ? a.reshape({b * h, n, a.size(3)}) : a.reshape({b * h, n});
  auto flat = update.reshape({b * h, n, update.size(3), update.size(4)});
  return ChunkScan::apply(flat, flat_a).view(update.sizes());
}

// exp(rows_t − cols_s) for s ≤ t, 0 elsewhere, masked before exp so nothing overflows.
at::Tensor segment_decay(const at::Tensor& cumulative) {
  auto c = cumulative.size(-1);
  auto keep = at::ones({c, c}, cumulative.options().dtype(at::kBool)).tril();
  return (cumulative.unsqueeze(-1) - cumulative.unsqueeze(-2)).masked_fill(keep.logical_not(), -INFINITY).exp();
}

// GLA: q·exp(b − r) against k·exp(r − b) inside chunks (pairs s > t masked out), the rest through the scan.
at::Tensor vector_decay(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& g) {
  auto parts = ChunkPrep::apply(q, k, g);
  auto &q_mid = parts[0], &k_mid = parts[1], &k_end = parts[2], &q_start = parts[3], &last = parts[4];
  auto c = q.size(-2);
  auto future = at::ones({c, c}, q.options().dtype(at::kBool)).triu(1);
  auto intra = at::matmul(q_mid, k_mid.transpose(-1, -2)).masked_fill(future, 0).matmul(v);
  auto entering = entering_states(at::matmul(k_end.transpose(-1, -2), v), last);
  return intra + at::matmul(q_start, entering);
}

// Mamba-2's SSD: one decay per head, so the intra-chunk decay is a (C x C) matrix of segment sums.
at::Tensor scalar_decay(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& g) {
  auto cumulative = g.cumsum(3);                                                        // (B, H, n, C)
  auto intra = (at::matmul(q, k.transpose(-1, -2)) * segment_decay(cumulative).to(q.scalar_type())).matmul(v);
  auto last = cumulative.select(3, cumulative.size(3) - 1);                             // (B, H, n)
  auto k_end = k * (last.unsqueeze(-1) - cumulative).exp().unsqueeze(-1).to(k.scalar_type());
  auto entering = entering_states(at::matmul(k_end.transpose(-1, -2), v), last);
  return intra + at::matmul(q * cumulative.exp().unsqueeze(-1).to(q.scalar_type()), entering);
}

// Linear attention: no decay, the scan with a = 0.
at::Tensor no_decay(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) {
  auto c = q.size(-2);
  auto causal = at::ones({c, c}, q.options()).tril();
  auto intra = (at::matmul(q, k.transpose(-1, -2)) * causal).matmul(v);
  auto zero = at::zeros({q.size(0), q.size(1), q.size(2)}, q.options().dtype(at::kFloat));
  return intra + at::matmul(q, entering_states(at::matmul(k.transpose(-1, -2), v), zero));
}

}  // namespace

at::Tensor chunked_recurrence(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& log_decay,
                              int64_t chunk) {
  TORCH_CHECK(q.is_cuda() && q.dim() == 4 && k.sizes() == q.sizes() && v.dim() == 4 &&
                  v.sizes().slice(0, 3) == q.sizes().slice(0, 3) && k.scalar_type() == q.scalar_type() &&
                  v.scalar_type() == q.scalar_type(),
              "chunked_recurrence: q, k (B, H, T, K) and v (B, H, T, V) must be CUDA tensors of one dtype");
  auto b = q.size(0), h = q.size(1), t = q.size(2);
  auto c = std::min<int64_t>(chunk, t);
  TORCH_CHECK(c >= 1 && c <= SL_MAX_CHUNK, "chunked_recurrence: chunk must be 1 to ", SL_MAX_CHUNK);
  auto n = (t + c - 1) / c, pad = n * c - t;
  // Zero keys and values after the sequence change no real position's output (and zero log-decay keeps the rest).
  auto blocks = [&](const at::Tensor& z) {
    return (pad > 0 ? at::constant_pad_nd(z, {0, 0, 0, pad}) : z).contiguous().view({b, h, n, c, z.size(3)});
  };
  auto qc = blocks(q), kc = blocks(k), vc = blocks(v);
  at::Tensor y;
  if (!log_decay.defined()) {
    y = no_decay(qc, kc, vc);
  } else if (log_decay.dim() == 3) {
    TORCH_CHECK(log_decay.sizes() == q.sizes().slice(0, 3), "chunked_recurrence: a per-head log_decay is (B, H, T)");
    auto g = log_decay.to(at::kFloat);
    g = (pad > 0 ? at::constant_pad_nd(g, {0, pad}) : g).contiguous().view({b, h, n, c});
    y = scalar_decay(qc, kc, vc, g);
  } else {
    TORCH_CHECK(log_decay.sizes() == q.sizes(), "chunked_recurrence: a per-channel log_decay is (B, H, T, K)");
    y = vector_decay(qc, kc, vc, blocks(log_decay.to(at::kFloat)));
  }
  return y.view({b, h, n * c, -1}).slice(2, 0, t);
}

}  // namespace scalelab

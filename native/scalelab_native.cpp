// ScaleLab's native operations for the CUDA engine: what TorchSharp 0.107 does not expose, called through P/Invoke
// on TorchSharp's tensor handles (each an at::Tensor*). Built on the GPU machine against the PyTorch wheel's libtorch
// by infra/gpu/build-native.sh; the managed engine uses it when Torch:NativeOpsPath names the built library.
// The fused kernels (scalelab_kernels.cu) enter autograd here as custom functions, so TorchSharp's backward runs them.
//
// Every entry point catches C++ exceptions: an exception must never cross into .NET. Errors are kept per thread and
// read with sl_last_error().
#include <ATen/ATen.h>
#include <ATen/cuda/CUDAGraph.h>
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAStream.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAException.h>
#include <cuda_runtime_api.h>
#include <torch/csrc/autograd/custom_function.h>
#include <optional>
#include <stdexcept>
#include <string>

#include "native_common.h"
#include "chunked_recurrence.h"

using namespace scalelab;

namespace {
thread_local std::string last_error;

template <typename F>
auto guarded(F&& body, decltype(body()) failed) -> decltype(body()) {
  try {
    last_error.clear();
    return body();
  } catch (const std::exception& e) {
    last_error = e.what();
    return failed;
  }
}

// A stream owned by one run (never PyTorch's pool of 32, which wraps and would hand the same stream to two runs).
struct OwnedStream {
  cudaStream_t raw = nullptr;
  int device = 0;
  c10::cuda::CUDAStream wrap() const { return c10::cuda::getStreamFromExternal(raw, device); }
};

OwnedStream create_stream(int device) {
  c10::cuda::CUDAGuard guard(device);
  OwnedStream owned;
  owned.device = device;
  C10_CUDA_CHECK(cudaStreamCreateWithFlags(&owned.raw, cudaStreamNonBlocking));
  return owned;
}

// A captured graph and the stream of its own it was captured on (capture is not allowed on the default stream).
struct Graph {
  at::cuda::CUDAGraph graph;
  OwnedStream capture;
  std::optional<c10::cuda::CUDAStream> previous;
  ~Graph() {
    if (capture.raw) cudaStreamDestroy(capture.raw);
  }
};

thread_local OwnedStream run_stream;

// ---- fused operations as autograd functions ----------------------------------------------------------------------
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Mean cross-entropy over the rows whose target is not `ignore`, from logits in their own precision: forward and
// backward each read the logits once (the managed path copies them to fp32 first, and log-softmax writes a second copy).
struct CrossEntropy : torch::autograd::Function<CrossEntropy> {
  static at::Tensor forward(AutogradContext* ctx, at::Tensor logits, at::Tensor target, int64_t ignore) {
    TORCH_CHECK(logits.is_cuda() && logits.dim() == 2, "cross_entropy: logits must be a 2-D CUDA tensor");
    TORCH_CHECK(target.numel() == logits.size(0), "cross_entropy: one target per row of logits");
    logits = logits.contiguous();
    target = target.reshape({-1}).to(at::kLong).contiguous();
    auto rows = logits.size(0), vocab = logits.size(1);
    auto loss = at::empty({rows}, logits.options().dtype(at::kFloat));
    auto lse = at::empty({rows}, logits.options().dtype(at::kFloat));
    launched(sl_k_cross_entropy_forward(dtype_of(logits), logits.data_ptr(), target.data_ptr<int64_t>(),
                                        loss.data_ptr<float>(), lse.data_ptr<float>(), rows, vocab, ignore,
                                        current_stream()), "cross-entropy forward");
    auto count = target.ne(ignore).sum().to(at::kFloat);   // on the device: nothing waits, and a graph can hold it
    ctx->save_for_backward({logits, target, lse, count});
    ctx->saved_data["ignore"] = ignore;
    return loss.sum() / count;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    auto &logits = saved[0], &target = saved[1], &lse = saved[2], &count = saved[3];
    auto scale = (grads[0].to(at::kFloat) / count).contiguous();
    auto grad = at::empty_like(logits);
    launched(sl_k_cross_entropy_backward(dtype_of(logits), logits.data_ptr(), target.data_ptr<int64_t>(),
                                         lse.data_ptr<float>(), scale.data_ptr<float>(), grad.data_ptr(),
                                         logits.size(0), logits.size(1), ctx->saved_data["ignore"].toInt(),
                                         current_stream()), "cross-entropy backward");
    return {grad, at::Tensor(), at::Tensor()};
  }
};

// silu(a) · b, the SwiGLU gate, in one kernel forward and one backward (eager runs three forward and four backward).
struct SwiGlu : torch::autograd::Function<SwiGlu> {
  static at::Tensor forward(AutogradContext* ctx, at::Tensor a, at::Tensor b) {
    TORCH_CHECK(a.is_cuda() && a.sizes() == b.sizes() && a.scalar_type() == b.scalar_type(),
                "swiglu: the gate and the value must be CUDA tensors of one shape and dtype");
    a = a.contiguous();
    b = b.contiguous();
    auto out = at::empty_like(a);
    launched(sl_k_swiglu_forward(dtype_of(a), a.data_ptr(), b.data_ptr(), out.data_ptr(), a.numel(), current_stream()),
             "swiglu forward");
    ctx->save_for_backward({a, b});
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    auto &a = saved[0], &b = saved[1];
    auto grad = grads[0].to(a.scalar_type()).contiguous();
    auto grad_a = at::empty_like(a), grad_b = at::empty_like(b);
    launched(sl_k_swiglu_backward(dtype_of(a), a.data_ptr(), b.data_ptr(), grad.data_ptr(), grad_a.data_ptr(),
                                  grad_b.data_ptr(), a.numel(), current_stream()), "swiglu backward");
    return {grad_a, grad_b};
  }
};

// x (B, H, T, hs), any strides, rotated (or turned back) into a new contiguous (B, T, H, hs) tensor.
at::Tensor rotate(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, bool inverse) {
  auto out = at::empty({x.size(0), x.size(2), x.size(1), x.size(3)}, x.options());
  int64_t strides[4] = {x.stride(0), x.stride(1), x.stride(2), x.stride(3)};
  launched(sl_k_rotary(dtype_of(x), x.data_ptr(), cos.data_ptr<float>(), sin.data_ptr<float>(), out.data_ptr(),
                       x.size(0), x.size(1), x.size(2), x.size(3), strides, inverse ? 1 : 0, current_stream()),
           "rotary");
  return out;
}

// Rotary embedding in one kernel each way, reading the head split's strided view directly. Returns (B, T, H, hs):
// the caller's transpose gives attention its (B, H, T, hs) view, so no copy is made for the layout either.
struct Rotary : torch::autograd::Function<Rotary> {
  static at::Tensor forward(AutogradContext* ctx, at::Tensor x, at::Tensor cos, at::Tensor sin) {
    TORCH_CHECK(x.is_cuda() && x.dim() == 4 && x.size(3) % 2 == 0, "rotary: x must be a (B, H, T, hs) CUDA tensor, hs even");
    TORCH_CHECK(cos.scalar_type() == at::kFloat && sin.scalar_type() == at::kFloat && cos.is_contiguous() &&
                    sin.is_contiguous() && cos.size(0) >= x.size(2) && cos.size(1) == x.size(3) / 2 &&
                    cos.sizes() == sin.sizes() && cos.device() == x.device(),
                "rotary: cos and sin must be contiguous fp32 (T, hs/2) tables on x's device");
    ctx->save_for_backward({cos, sin});
    return rotate(x, cos, sin, false);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    // The gradient comes as (B, T, H, hs); its (B, H, T, hs) view is what the kernel reads.
    auto grad_x = rotate(grads[0].transpose(1, 2), saved[0], saved[1], true).transpose(1, 2);
    return {grad_x, at::Tensor(), at::Tensor()};
  }
};
}  // namespace

extern "C" {

const char* sl_last_error() { return last_error.empty() ? nullptr : last_error.c_str(); }

// y = x / sqrt(mean(x^2, -1) + eps) * weight, statistics in fp32: ATen's fused kernel, differentiable.
at::Tensor* sl_rms_norm(at::Tensor* x, at::Tensor* weight, double eps) {
  return guarded([&] {
    auto dim = x->size(-1);
    return new at::Tensor(at::rms_norm(*x, {dim}, *weight, eps));
  }, (at::Tensor*)nullptr);
}

// Mean cross-entropy of (N, V) logits against N class indices, rows with target == ignore left out.
at::Tensor* sl_cross_entropy(at::Tensor* logits, at::Tensor* target, int64_t ignore) {
  return guarded([&] { return new at::Tensor(CrossEntropy::apply(*logits, *target, ignore)); }, (at::Tensor*)nullptr);
}

// silu(a) · b.
at::Tensor* sl_swiglu(at::Tensor* a, at::Tensor* b) {
  return guarded([&] { return new at::Tensor(SwiGlu::apply(*a, *b)); }, (at::Tensor*)nullptr);
}

// The chunked linear recurrence (chunked_recurrence.h); log_decay may be null (linear attention).
at::Tensor* sl_chunked_recurrence(at::Tensor* q, at::Tensor* k, at::Tensor* v, at::Tensor* log_decay, int64_t chunk) {
  return guarded([&] {
    return new at::Tensor(chunked_recurrence(*q, *k, *v, log_decay ? *log_decay : at::Tensor(), chunk));
  }, (at::Tensor*)nullptr);
}

// x (B, H, T, hs) rotated by the fp32 tables cos and sin (T, hs/2); the result is (B, H, T, hs), a view of a
// contiguous (B, T, H, hs) tensor.
at::Tensor* sl_rotary(at::Tensor* x, at::Tensor* cos, at::Tensor* sin) {
  return guarded([&] { return new at::Tensor(Rotary::apply(*x, *cos, *sin).transpose(1, 2)); }, (at::Tensor*)nullptr);
}

// One AdamW step over a parameter (fp32, contiguous, CUDA), its gradient and its two moments, in place: the update
// TorchSharp's AdamW makes, in one kernel. step counts from 1.
int sl_adamw(at::Tensor* param, at::Tensor* grad, at::Tensor* exp_avg, at::Tensor* exp_avg_sq, double lr, double beta1,
             double beta2, double eps, double weight_decay, int64_t step) {
  return guarded([&] {
    for (auto* t : {param, grad, exp_avg, exp_avg_sq})
      TORCH_CHECK(t->is_cuda() && t->scalar_type() == at::kFloat && t->is_contiguous() && t->numel() == param->numel(),
                  "adamw: parameter, gradient and moments must be contiguous fp32 CUDA tensors of one size");
    launched(sl_k_adamw(param->data_ptr<float>(), grad->data_ptr<float>(), exp_avg->data_ptr<float>(),
                        exp_avg_sq->data_ptr<float>(), param->numel(), lr, beta1, beta2, eps, weight_decay, step,
                        current_stream()), "adamw");
    return 0;
  }, -1);
}

void* sl_graph_create() {
  return guarded([] { return (void*)new Graph(); }, (void*)nullptr);
}

// Starts capturing everything this thread launches on its device into the graph, on a stream of the graph's own.
int sl_graph_capture_begin(void* handle) {
  auto* g = static_cast<Graph*>(handle);
  int result = guarded([&] {
    int device = c10::cuda::current_device();
    g->previous = c10::cuda::getCurrentCUDAStream(device);
    g->previous->synchronize();   // this thread's earlier work is finished, not captured
    if (!g->capture.raw) g->capture = create_stream(device);
    c10::cuda::setCurrentCUDAStream(g->capture.wrap());
    // Thread-local capture: runs training on other threads of the process (other slots of the GPU) keep going.
    g->graph.capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
    return 0;
  }, -1);
  if (result != 0 && g->previous) c10::cuda::setCurrentCUDAStream(*g->previous);
  return result;
}

int sl_graph_capture_end(void* handle) {
  auto* g = static_cast<Graph*>(handle);
  int result = guarded([&] {
    g->graph.capture_end();
    return 0;
  }, -1);
  if (g->previous) c10::cuda::setCurrentCUDAStream(*g->previous);
  return result;
}

// Launches the captured work on the current stream, after whatever was launched on it before.
int sl_graph_replay(void* handle) {
  return guarded([&] {
    static_cast<Graph*>(handle)->graph.replay();
    return 0;
  }, -1);
}

void sl_graph_destroy(void* handle) { delete static_cast<Graph*>(handle); }

// Makes the device current for the calling thread (it stays so: no guard) and gives the thread a stream of its own
// there, so runs on several threads of one process (several slots of one GPU) overlap instead of queueing on the
// default stream. Returns 0; sl_release_own_stream ends it.
int sl_use_own_stream(int device) {
  return guarded([&] {
    c10::cuda::set_device(device);
    if (run_stream.raw) throw std::runtime_error("this thread already has a stream of its own");
    run_stream = create_stream(device);
    c10::cuda::setCurrentCUDAStream(run_stream.wrap());
    return 0;
  }, -1);
}

// Waits for the thread's own stream, puts the device's default stream back as current and destroys the stream.
int sl_release_own_stream() {
  return guarded([&] {
    if (!run_stream.raw) return 0;
    C10_CUDA_CHECK(cudaStreamSynchronize(run_stream.raw));
    c10::cuda::setCurrentCUDAStream(c10::cuda::getDefaultCUDAStream(run_stream.device));
    C10_CUDA_CHECK(cudaStreamDestroy(run_stream.raw));
    run_stream = OwnedStream{};
    return 0;
  }, -1);
}

// Free and total bytes of a device as CUDA reports them (for workers without nvidia-smi). Returns 0 on success.
int sl_device_memory(int device, long long* free_bytes, long long* total_bytes) {
  return guarded([&] {
    c10::cuda::CUDAGuard guard(device);
    size_t free = 0, total = 0;
    C10_CUDA_CHECK(cudaMemGetInfo(&free, &total));
    *free_bytes = (long long)free;
    *total_bytes = (long long)total;
    return 0;
  }, -1);
}

}  // extern "C"

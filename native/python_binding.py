"""The native library's entry points as PyTorch functions, for the GPU tests and benchmarks that hold its kernels
against PyTorch's own (tests/gpu/native_ops.py, bench/gpu/fused_ops.py). A small extension, compiled on first use,
calls the built library (infra/gpu/build-native.sh) on the same at::Tensor handles .NET passes it."""
import os

from torch.utils.cpp_extension import load_inline

_SOURCE = r"""
#include <torch/extension.h>
extern "C" {
const char* sl_last_error();
at::Tensor* sl_rms_norm(at::Tensor* x, at::Tensor* weight, double eps);
at::Tensor* sl_cross_entropy(at::Tensor* logits, at::Tensor* target, int64_t ignore);
at::Tensor* sl_swiglu(at::Tensor* a, at::Tensor* b);
at::Tensor* sl_rotary(at::Tensor* x, at::Tensor* cos, at::Tensor* sin);
at::Tensor* sl_chunked_recurrence(at::Tensor* q, at::Tensor* k, at::Tensor* v, at::Tensor* log_decay, int64_t chunk);
int sl_adamw(at::Tensor* param, at::Tensor* grad, at::Tensor* exp_avg, at::Tensor* exp_avg_sq, double lr, double beta1,
             double beta2, double eps, double weight_decay, int64_t step);
}
static torch::Tensor take(at::Tensor* result) {
  TORCH_CHECK(result != nullptr, "scalelab_native: ", sl_last_error() ? sl_last_error() : "unknown error");
  torch::Tensor t = *result;
  delete result;
  return t;
}
torch::Tensor cross_entropy(torch::Tensor logits, torch::Tensor target, int64_t ignore) { return take(sl_cross_entropy(&logits, &target, ignore)); }
torch::Tensor swiglu(torch::Tensor a, torch::Tensor b) { return take(sl_swiglu(&a, &b)); }
torch::Tensor rotary(torch::Tensor x, torch::Tensor cos, torch::Tensor sin) { return take(sl_rotary(&x, &cos, &sin)); }
void adamw(torch::Tensor p, torch::Tensor g, torch::Tensor m, torch::Tensor v, double lr, double beta1, double beta2,
           double eps, double weight_decay, int64_t step) {
  TORCH_CHECK(sl_adamw(&p, &g, &m, &v, lr, beta1, beta2, eps, weight_decay, step) == 0, "scalelab_native: ", sl_last_error());
}
torch::Tensor rms_norm(torch::Tensor x, torch::Tensor weight, double eps) { return take(sl_rms_norm(&x, &weight, eps)); }
torch::Tensor chunked_recurrence(torch::Tensor q, torch::Tensor k, torch::Tensor v, c10::optional<torch::Tensor> g,
                                 int64_t chunk) {
  return take(sl_chunked_recurrence(&q, &k, &v, g.has_value() ? &g.value() : nullptr, chunk));
}
"""


def load(library):
    """The extension module, with cross_entropy, swiglu, rotary, rms_norm, adamw and chunked_recurrence, calling `library` (a .so path)."""
    folder = os.path.dirname(os.path.abspath(library))
    name = os.path.basename(library)[3:-3]   # libscalelab_native.so -> scalelab_native
    return load_inline(name="scalelab_native_binding", cpp_sources=[_SOURCE],
                       functions=["cross_entropy", "swiglu", "rotary", "rms_norm", "adamw", "chunked_recurrence"],
                       extra_ldflags=[f"-L{folder}", f"-l{name}", f"-Wl,-rpath,{folder}"], verbose=False)

// ScaleLab's native operations for the CUDA engine: what TorchSharp 0.107 does not expose, called through P/Invoke
// on TorchSharp's tensor handles (each an at::Tensor*). Built on the GPU machine against the PyTorch wheel's libtorch
// by infra/gpu/build-native.sh; the managed engine uses it when Torch:NativeOpsPath names the built library.
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
#include <optional>
#include <string>

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

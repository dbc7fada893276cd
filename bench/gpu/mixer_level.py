"""The sequence mixers alone, forward + backward, against SDPA flash attention: where does a linear-time mixer pass
softmax attention? Each call mixes 32,768 tokens (batch = 32,768 / T) of 8 heads with d_head 128 in bf16, as
flash-linear-attention's benchmarks measure (their chunked GLA and Mamba-2 kernels pass flash attention near 4k tokens
on H100 and H200). Columns:
- flash: F.scaled_dot_product_attention(causal) on the flash backend, the reference;
- native: ScaleLab's native chunked recurrence (native/chunked_recurrence.cpp), the CUDA engine's path;
- managed: the managed engine's algorithm (LinearRecurrence.Chunked: (n x n) inter-chunk decay matrices) written in
  PyTorch eager, op for op, as the engine ran before the native path; it is the "before", not a reference;
- fla: flash-linear-attention's Triton kernels, where the package is installed (it is not on the lent GPU machine).
Prints milliseconds per call (median of 7 timings of 5 calls) and each mixer's speed relative to flash (> 1: faster).
Usage: python3 bench/gpu/mixer_level.py LIBRARY   (LIBRARY: infra/gpu/build-native.sh's output)"""
import os
import sys

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "native"))
import python_binding  # noqa: E402
from cuda_timing import median_us  # noqa: E402

ops = python_binding.load(sys.argv[1])
device, dtype = "cuda", torch.bfloat16
TOKENS, HEADS, D, CHUNK = 32_768, 8, 128, 64
LENGTHS = (512, 1024, 2048, 4096, 8192, 16384, 32768)

try:
    from fla.ops.gla import chunk_gla
    from fla.ops.simple_gla import chunk_simple_gla
except ImportError:
    chunk_gla = chunk_simple_gla = None


def segment_decay(rows, cols, strict):
    n = cols.shape[-1]
    keep = torch.ones(n, n, dtype=torch.bool, device=cols.device).tril(-1 if strict else 0)
    return (rows.unsqueeze(-1) - cols.unsqueeze(-2)).masked_fill(~keep, float("-inf")).exp()


def managed(q, k, v, g):
    """LinearRecurrence.Chunked of the managed engine, op for op (T a multiple of the chunk here)."""
    b, h, t, _ = q.shape
    n, c = t // CHUNK, CHUNK
    blocks = lambda z: z.reshape(b, h, n, c, z.shape[-1])
    q, k, v = blocks(q), blocks(k), blocks(v)
    if g.dim() == 3:
        cumulative = g.float().reshape(b, h, n, c).cumsum(3)
        intra = ((q @ k.transpose(-1, -2)) * segment_decay(cumulative, cumulative, False).to(q.dtype)) @ v
        last = cumulative[..., -1]
        update = (k * (last.unsqueeze(-1) - cumulative).exp().unsqueeze(-1).to(k.dtype)).transpose(-1, -2) @ v
        total = last.cumsum(-1)
        across = segment_decay(total - last, total, True)
        entering = (across.to(v.dtype) @ update.flatten(3)).view(update.shape)
        return intra + (q * cumulative.exp().unsqueeze(-1).to(q.dtype)) @ entering
    cumulative = blocks(g.float()).cumsum(3)
    reference = cumulative[:, :, :, c // 2].unsqueeze(3)
    q_mid = (q.float() * (cumulative - reference).exp()).to(q.dtype)
    k_mid = (k.float() * (reference - cumulative).exp()).to(k.dtype)
    future = torch.ones(c, c, dtype=torch.bool, device=q.device).triu(1)
    intra = (q_mid @ k_mid.transpose(-1, -2)).masked_fill(future, 0) @ v
    last = cumulative[:, :, :, -1]
    k_end = (k.float() * (last.unsqueeze(3) - cumulative).exp()).to(k.dtype)
    update = (k_end.transpose(-1, -2) @ v).float()
    total = last.cumsum(2)
    across = segment_decay((total - last).transpose(2, 3), total.transpose(2, 3), True)
    entering = (across @ update.transpose(2, 3)).transpose(2, 3)
    return intra + (q.float() * cumulative.exp()).to(q.dtype) @ entering.to(q.dtype)


def median_ms(call):
    return median_us(call, calls=5, repeats=7, warmup=3) / 1000


def forward_backward(mix, *inputs):
    out = mix(*inputs)
    upstream = torch.randn_like(out)
    leaves = [x for x in inputs if isinstance(x, torch.Tensor) and x.requires_grad]
    return lambda: torch.autograd.grad(mix(*inputs), leaves, upstream)


def flash(q, k, v):
    with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)


print(f"device: {torch.cuda.get_device_name()}, torch {torch.__version__}, fla: {'yes' if chunk_gla else 'no'}")
print(f"{TOKENS} tokens per call, {HEADS} heads, d_head {D}, bf16, forward + backward; ms per call (x: flash / mixer)")
columns = ["flash", "gla native", "gla managed", "mamba native", "mamba managed"] + (["gla fla", "mamba fla"] if chunk_gla else [])
print("| T | " + " | ".join(columns) + " |")
print("|---:|" + "---:|" * len(columns))
for t in LENGTHS:
    b = TOKENS // t
    torch.manual_seed(t)
    q, k, v = ((torch.randn(b, HEADS, t, D, device=device) * D ** -0.5).to(dtype).requires_grad_() for _ in range(3))
    gla_gate = (F.logsigmoid(torch.randn(b, HEADS, t, D, device=device) * 4) / 16).clamp_min(-2.5).requires_grad_()
    ssd_decay = (-F.softplus(torch.randn(b, HEADS, t, device=device)) * 0.5).requires_grad_()
    timings = {
        "flash": median_ms(forward_backward(flash, q, k, v)),
        "gla native": median_ms(forward_backward(lambda *x: ops.chunked_recurrence(*x, CHUNK), q, k, v, gla_gate)),
        "gla managed": median_ms(forward_backward(managed, q, k, v, gla_gate)),
        "mamba native": median_ms(forward_backward(lambda *x: ops.chunked_recurrence(*x, CHUNK), q, k, v, ssd_decay)),
        "mamba managed": median_ms(forward_backward(managed, q, k, v, ssd_decay)),
    }
    if chunk_gla:
        layout = lambda z: z.transpose(1, 2).contiguous().detach().requires_grad_()   # fla takes (B, T, H, D)
        fq, fk, fv, fg = layout(q), layout(k), layout(v), layout(gla_gate)
        fs = ssd_decay.transpose(1, 2).contiguous().detach().requires_grad_()
        timings["gla fla"] = median_ms(forward_backward(lambda *x: chunk_gla(*x)[0], fq, fk, fv, fg))
        timings["mamba fla"] = median_ms(forward_backward(lambda *x: chunk_simple_gla(*x)[0], fq, fk, fv, fs))
    cells = [f"{timings['flash']:.2f}"] + [f"{timings[c]:.2f} ({timings['flash'] / timings[c]:.2f}x)" for c in columns[1:]]
    print(f"| {t} | " + " | ".join(cells) + " |", flush=True)
    del q, k, v, gla_gate, ssd_decay
    torch.cuda.empty_cache()

"""Each fused kernel of ScaleLab's native library against what PyTorch does with the same op, forward + backward, at
the shapes of bench/gpu/small4m.json and gpt124m.json: eager (the engine's managed path runs these same ops) and
torch.compile (Inductor's generated, fused kernels: the strongest reference); and the AdamW step against PyTorch's
single-tensor and fused AdamW. Prints a table of median microseconds
per call (20 calls back to back between CUDA events, median of 7), and ratios.
Usage: python3 bench/gpu/fused_ops.py LIBRARY   (LIBRARY: infra/gpu/build-native.sh's output)"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "native"))
import python_binding  # noqa: E402
from cuda_timing import median_us  # noqa: E402

ops = python_binding.load(sys.argv[1])
device = "cuda"
IGNORE = -100


def cross_entropy_eager(logits, target):
    return F.cross_entropy(logits.float(), target, ignore_index=IGNORE)


def swiglu_eager(a, b):
    return F.silu(a) * b


def rotary_eager(x, cos, sin):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


def timed(fn, inputs):
    """Median µs of one forward + backward."""
    def once():
        out = fn(*inputs)
        out.backward(torch.ones_like(out))
        for x in inputs:
            if isinstance(x, torch.Tensor):
                x.grad = None
    return median_us(once)


def leaf(*shape, dtype=torch.bfloat16, scale=1.0):
    return (torch.randn(*shape, device=device) * scale).to(dtype).requires_grad_()


rows = []
for shape, tokens, vocab, d, heads, length in (("small4m", 64 * 512, 8192, 256, 4, 512), ("gpt124m", 16 * 1024, 50304, 768, 12, 1024)):
    hidden = {256: 683, 768: 2048}[d]
    logits, target = leaf(tokens, vocab, scale=3), torch.randint(0, vocab, (tokens,), device=device)
    a, b = leaf(tokens // length, length, hidden), leaf(tokens // length, length, hidden)
    hs = d // heads
    qkv = leaf(tokens // length, length, 3 * d)
    inverse = torch.pow(10_000.0, -torch.arange(0, hs, 2, dtype=torch.float32, device=device) / hs)
    angles = torch.outer(torch.arange(length, dtype=torch.float32, device=device), inverse)
    cos32, sin32 = angles.cos().contiguous(), angles.sin().contiguous()
    cos16, sin16 = cos32.bfloat16(), sin32.bfloat16()

    def heads_of(t):
        return t.split(d, dim=2)[0].view(t.shape[0], length, heads, hs).transpose(1, 2)

    cases = [
        ("cross-entropy", lambda l, t: ops.cross_entropy(l, t, IGNORE), cross_entropy_eager, (logits, target)),
        ("SwiGLU gate", ops.swiglu, swiglu_eager, (a, b)),
        ("rotary (queries)", lambda x: ops.rotary(heads_of(x), cos32, sin32), lambda x: rotary_eager(heads_of(x), cos16, sin16), (qkv,)),
    ]
    for name, ours, eager, inputs in cases:
        compiled = torch.compile(eager)
        t_ours, t_eager, t_compiled = (timed(f, inputs) for f in (ours, eager, compiled))
        rows.append((shape, name, t_ours, t_eager, t_compiled))

# AdamW over one flat fp32 buffer of the model's parameters (the engine keeps them flat): ours, PyTorch's
# single-tensor AdamW (TorchSharp's update, op by op), and PyTorch's fused AdamW (its own CUDA kernel).
for shape, count in (("small4m", 6_843_648), ("gpt124m", 123_587_328)):
    params = [torch.randn(count, device=device) for _ in range(3)]
    for p in params:
        p.grad = torch.randn_like(p) * 0.01
    moments = (torch.zeros(count, device=device), torch.zeros(count, device=device))
    counter = [0]

    def ours():
        counter[0] += 1
        ops.adamw(params[0], params[0].grad, moments[0], moments[1], 1e-3, 0.9, 0.95, 1e-8, 0.1, counter[0])

    single = torch.optim.AdamW([params[1]], lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1, foreach=False, fused=False)
    fused = torch.optim.AdamW([params[2]], lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1, fused=True)
    rows.append((shape, "AdamW step (flat fp32 parameters)", median_us(ours), median_us(single.step), median_us(fused.step)))

print(f"GPU: {torch.cuda.get_device_name()}, torch {torch.__version__}")
print("Columns for AdamW: eager is PyTorch's single-tensor AdamW, compile is PyTorch's fused AdamW kernel.")
print("| shape | op (forward + backward) | ScaleLab kernel (µs) | eager (µs) | torch.compile (µs) | eager / ScaleLab | compile / ScaleLab |")
print("|---|---|---:|---:|---:|---:|---:|")
for shape, name, ours, eager, compiled in rows:
    print(f"| {shape} | {name} | {ours:.0f} | {eager:.0f} | {compiled:.0f} | {eager / ours:.2f} | {compiled / ours:.2f} |")

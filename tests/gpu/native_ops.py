"""GPU test (never in CI; tests/gpu/run.sh runs it as `ops`): each fused kernel of the native library against
PyTorch's own ops (the chunked recurrence against its step-by-step definition) on the same inputs, forward and
backward, in fp32 and bf16, and replayed inside a CUDA graph.
The references compute in fp32 from the same (rounded) inputs, so the tolerances are the kernels' own error: fp32
arithmetic, one rounding of each output to its storage type.
Usage: python3 tests/gpu/native_ops.py LIBRARY   (LIBRARY: infra/gpu/build-native.sh's output). Exits non-zero on failure."""
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "native"))
import python_binding  # noqa: E402

ops = python_binding.load(sys.argv[1])
torch.manual_seed(0)
device = "cuda"
failures = []
IGNORE = -100


def close(name, got, want, tolerance):
    """Max absolute difference relative to the reference's largest magnitude."""
    scale = want.abs().max().item() or 1.0
    error = (got.float() - want.float()).abs().max().item() / scale
    ok = error <= tolerance and torch.isfinite(got).all().item()
    print(f"{'ok  ' if ok else 'FAIL'} {name}: relative error {error:.2e} (tolerance {tolerance:.0e})")
    if not ok:
        failures.append(name)


def tolerance(dtype):
    return 2e-5 if dtype == torch.float32 else 1.6e-2   # bf16 keeps 8 bits: one rounding is at most 2^-8 relative


def rotate_reference(x, cos, sin):
    x1, x2 = x.float().chunk(2, dim=-1)
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


def tables(t, hs):
    inverse = torch.pow(10_000.0, -torch.arange(0, hs, 2, dtype=torch.float32, device=device) / hs)
    angles = torch.outer(torch.arange(t, dtype=torch.float32, device=device), inverse)
    return angles.cos().contiguous(), angles.sin().contiguous()


for dtype in (torch.float32, torch.bfloat16):
    tag = str(dtype).split(".")[-1]
    tol = tolerance(dtype)

    # Cross-entropy: vocabularies of the study shape, GPT-2's, and one not a multiple of anything; some rows ignored.
    for rows, vocab in ((4096, 8192), (1024, 50304), (777, 1001)):
        logits = (torch.randn(rows, vocab, device=device) * 3).to(dtype).requires_grad_()
        target = torch.randint(0, vocab, (rows,), device=device)
        target[::7] = IGNORE
        loss = ops.cross_entropy(logits, target, IGNORE)
        (grad,) = torch.autograd.grad(loss * 2.5, logits)
        reference_logits = logits.detach().float().requires_grad_()
        reference = F.cross_entropy(reference_logits, target, ignore_index=IGNORE)
        (reference_grad,) = torch.autograd.grad(reference * 2.5, reference_logits)
        close(f"cross-entropy {tag} {rows}x{vocab} loss", loss.detach().reshape(1), reference.detach().reshape(1), 1e-5)
        close(f"cross-entropy {tag} {rows}x{vocab} gradient", grad, reference_grad, tol)
        if grad.dtype != dtype:
            failures.append("cross-entropy gradient dtype")

    # SwiGLU at the study shape's hidden width (683: odd, so nothing divides evenly).
    a = torch.randn(8, 512, 683, device=device).to(dtype).requires_grad_()
    b = torch.randn(8, 512, 683, device=device).to(dtype).requires_grad_()
    upstream = torch.randn(8, 512, 683, device=device).to(dtype)
    out = ops.swiglu(a, b)
    grad_a, grad_b = torch.autograd.grad(out, (a, b), upstream)
    ra, rb = a.detach().float().requires_grad_(), b.detach().float().requires_grad_()
    reference = F.silu(ra) * rb
    ref_a, ref_b = torch.autograd.grad(reference, (ra, rb), upstream.float())
    close(f"swiglu {tag} forward", out, reference, tol)
    close(f"swiglu {tag} gradient of the gate", grad_a, ref_a, tol)
    close(f"swiglu {tag} gradient of the value", grad_b, ref_b, tol)

    # Rotary on the strided head split of a fused qkv projection, as the attention mixers make it.
    batch, length, heads, hs = 4, 256, 6, 64
    qkv = torch.randn(batch, length, 3 * heads * hs, device=device).to(dtype).requires_grad_()
    q = qkv.split(heads * hs, dim=2)[0].view(batch, length, heads, hs).transpose(1, 2)   # (B, H, T, hs), strided
    cos, sin = tables(length, hs)
    rotated = ops.rotary(q, cos, sin)
    upstream = torch.randn(batch, heads, length, hs, device=device).to(dtype)
    (grad_qkv,) = torch.autograd.grad(rotated, qkv, upstream)
    reference_qkv = qkv.detach().float().requires_grad_()
    rq = reference_qkv.split(heads * hs, dim=2)[0].view(batch, length, heads, hs).transpose(1, 2)
    reference = rotate_reference(rq, cos, sin)
    (reference_grad,) = torch.autograd.grad(reference, reference_qkv, upstream.float())
    close(f"rotary {tag} forward", rotated, reference, tol)
    close(f"rotary {tag} gradient", grad_qkv, reference_grad, tol)
    if rotated.shape != q.shape or rotated.transpose(1, 2).is_contiguous() is False:
        print(f"FAIL rotary {tag}: result {tuple(rotated.shape)} strides {rotated.stride()}")
        failures.append("rotary layout")
    if not torch.equal(grad_qkv[..., heads * hs:], torch.zeros_like(grad_qkv[..., heads * hs:])):
        failures.append("rotary gradient leaks into k and v")


def recurrence_reference(q, k, v, g):
    """The recurrence's definition, step by step in fp32: S_t = diag(exp(g_t))·S_{t-1} + k_t v_tᵀ, o_t = q_tᵀ S_t."""
    b, h, t, kd = q.shape
    state = torch.zeros(b, h, kd, v.shape[-1], device=q.device)
    out = []
    for i in range(t):
        if g is not None:
            decay = g[:, :, i].float().exp()
            state = state * (decay.view(b, h, 1, 1) if g.dim() == 3 else decay.unsqueeze(-1))
        state = state + k[:, :, i].float().unsqueeze(-1) * v[:, :, i].float().unsqueeze(-2)
        out.append((q[:, :, i].float().unsqueeze(-1) * state).sum(2))
    return torch.stack(out, 2)


def recurrence_inputs(kind, dtype, b=2, h=3, t=150, kd=32, vd=48):
    """q, k, v and the log-decay of one mixer: GLA's gate (per channel, clamped as GatedLinearAttention does), Mamba-2's
    Δ·A (per head), or none (linear attention). t = 150 is no multiple of the chunk: the last chunk is padded."""
    q, k, v = (torch.randn(b, h, t, d, device=device).to(dtype).requires_grad_() for d in (kd, kd, vd))
    g = {"gla": lambda: (F.logsigmoid(torch.randn(b, h, t, kd, device=device) * 4) / 16).clamp_min(-2.5),
         "mamba": lambda: -F.softplus(torch.randn(b, h, t, device=device)) * 2,
         "linear": lambda: None}[kind]()
    return q, k, v, (g.requires_grad_() if g is not None else None)


# The chunked linear recurrence of GLA, Mamba-2 and linear attention against its step-by-step definition, forward
# and every gradient. Its bf16 error is that of bf16 operands in cuBLAS's products and of bf16 chunk states.
for kind in ("gla", "mamba", "linear"):
    for dtype in (torch.float32, torch.bfloat16):
        tag = str(dtype).split(".")[-1]
        q, k, v, g = recurrence_inputs(kind, dtype)
        inputs = [x for x in (q, k, v, g) if x is not None]
        out = ops.chunked_recurrence(q, k, v, g, 64)
        upstream = torch.randn_like(out)
        grads = torch.autograd.grad(out, inputs, upstream)
        reference_inputs = [x.detach().float().requires_grad_() for x in inputs]
        reference = recurrence_reference(*reference_inputs, *([None] if g is None else []))
        reference_grads = torch.autograd.grad(reference, reference_inputs, upstream.float())
        limit = 1e-4 if dtype == torch.float32 else 3e-2
        close(f"chunked recurrence {kind} {tag} forward", out, reference, limit)
        for name, got, want in zip("qkvg", grads, reference_grads):
            close(f"chunked recurrence {kind} {tag} gradient of {name}", got, want, limit)

# The mixers pass strided views (heads split from (B, T, H, ·), B shared across heads); with T a multiple of the chunk
# nothing is padded, so the views reach the blocking as they are. The result must not depend on the layout.
for kind in ("gla", "mamba"):
    q, k, v, g = recurrence_inputs(kind, torch.bfloat16, t=128)
    strided = [x.detach().transpose(1, 2).contiguous().transpose(1, 2) for x in (q, k, v, g)]
    strided[1] = k.detach()[:, :1].expand_as(k) if kind == "mamba" else strided[1]
    dense = [x.contiguous() for x in strided]
    same = torch.equal(ops.chunked_recurrence(*strided, 64), ops.chunked_recurrence(*dense, 64))
    print(f"{'ok  ' if same else 'FAIL'} chunked recurrence {kind}: strided inputs give the contiguous result")
    if not same:
        failures.append(f"chunked recurrence {kind} layout")

# AdamW against PyTorch's own single-tensor AdamW (the update TorchSharp's makes), 5 steps; an odd size exercises the
# element-by-element tail after the 16-byte packs.
params = torch.randn(100_003, device=device)
moments = (torch.zeros_like(params), torch.zeros_like(params))
reference = params.clone().requires_grad_()
optimizer = torch.optim.AdamW([reference], lr=3e-3, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1, foreach=False, fused=False)
for step in range(1, 6):
    grad = torch.randn_like(params) * 0.1
    reference.grad = grad.clone()
    optimizer.step()
    ops.adamw(params, grad, moments[0], moments[1], 3e-3, 0.9, 0.95, 1e-8, 0.1, step)
state = optimizer.state[reference]
close("adamw parameters after 5 steps", params, reference.detach(), 1e-6)
close("adamw first moment", moments[0], state["exp_avg"], 1e-6)
close("adamw second moment", moments[1], state["exp_avg_sq"], 1e-6)

# Inside a CUDA graph on a side stream (as the engine captures a step): replaying on new data matches eager.
logits = torch.randn(512, 8192, device=device, dtype=torch.bfloat16, requires_grad=True)
target = torch.randint(0, 8192, (512,), device=device)
gate = torch.randn(512, 683, device=device, dtype=torch.bfloat16, requires_grad=True)
rq, rk, rv, rg = recurrence_inputs("gla", torch.bfloat16, b=1, h=2, t=256)


def step():
    mixed = ops.chunked_recurrence(rq, rk, rv, rg, 64).float().mean()
    loss = ops.cross_entropy(logits + ops.swiglu(gate, gate).sum(-1, keepdim=True), target, IGNORE) + mixed
    return (loss, *torch.autograd.grad(loss, (logits, gate, rq, rg)))


side = torch.cuda.Stream()
side.wait_stream(torch.cuda.current_stream())
with torch.cuda.stream(side):
    for _ in range(3):
        step()   # warm-up outside the graph, as the engine does
torch.cuda.current_stream().wait_stream(side)
graph = torch.cuda.CUDAGraph()
with torch.cuda.graph(graph):
    captured = step()
with torch.no_grad():
    logits.copy_(torch.randn_like(logits))
    target.copy_(torch.randint(0, 8192, (512,), device=device))
    gate.copy_(torch.randn_like(gate))
    rq.copy_(torch.randn_like(rq))
graph.replay()
eager = step()
for name, got, want in zip(("loss", "logits gradient", "gate gradient", "GLA q gradient", "GLA gate gradient"), captured, eager):
    same = torch.equal(got, want)
    print(f"{'ok  ' if same else 'FAIL'} graph replay on new data: {name} {'equals' if same else 'differs from'} eager")
    if not same:
        failures.append(f"graph {name}")

print("FAILED: " + ", ".join(failures) if failures else "passed")
sys.exit(1 if failures else 0)

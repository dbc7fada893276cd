"""A PyTorch mirror of the engine's packed (HFTA) step, to see where its GPU time goes (issue #14).

K copies of the packing config (d 256, 4 layers, 4 heads, T 256, B 32, V 8192, tied head, rotary, bf16) as one
model whose weights are stacked along K and, like the engine's MixedPrecision, laid out one row per copy in a flat
buffer (so every stacked weight is strided along K). Forward and backward of one step, timed with CUDA events, for
variants that each change one choice; the engine's variant is also profiled (top CUDA kernels).
With --graphs it instead times one copy alone and K copies packed, each step (forward and backward) captured as one
CUDA graph as the engine runs it, for the engine's packed step and for two changes to it (each copy's RMSNorm gain
folded into the weight of the linear layer after the norm; one cross-entropy over all K copies' rows, averaged per
copy), eager and under torch.compile: the gain that packing can reach at this size, before building it.
usage: python3 bench/gpu/packed_mirror.py [K] [--graphs]
"""
import sys, math, torch, torch.nn.functional as F

args = [a for a in sys.argv[1:] if not a.startswith("--")]
K = int(args[0]) if args else 8
B, T, d, L, nh, V = 32, 256, 256, 4, 4, 8192
h = int(8 * math.ceil(8.0 * d / 3.0 / 8.0))
dev, bf = "cuda", torch.bfloat16
torch.manual_seed(0)

shapes = [("emb", (V, d))] + [(f"{l}.{n}", s) for l in range(L) for n, s in
          [("qkv", (3 * d, d)), ("proj", (d, d)), ("w1", (h, d)), ("w3", (h, d)), ("w2", (d, h))]]
gains = [f"{l}.{n}" for l in range(L) for n in ("n1", "n2")] + ["nf"]

def make(strided):
    """Stacked bf16 weights with grads: strided = views of one (K, S) buffer, row per copy (the engine's layout)."""
    per = sum(math.prod(s) for _, s in shapes) + d * len(gains)
    if strided:
        buf = (torch.randn(K, per, device=dev) * 0.02).to(bf)
        off = sum(math.prod(s) for _, s in shapes)
        buf[:, off:] = 1
        buf.requires_grad_()
        def views():   # made again each step, as autograd needs fresh views of the leaf
            params, off = {}, 0
            for n, s in shapes + [(g, (d,)) for g in gains]:
                n_el = math.prod(s)
                params[n] = buf[:, off:off + n_el].view(K, *s); off += n_el
            return params
        return buf, views
    params = {n: (torch.randn(K, *s, device=dev) * 0.02).to(bf).requires_grad_() for n, s in shapes}
    params.update({n: torch.ones(K, d, device=dev, dtype=bf, requires_grad=True) for n in gains})
    return list(params.values()), lambda: params

inv = 10000 ** (-torch.arange(0, d // nh, 2, device=dev, dtype=torch.float32) / (d // nh))
ang = torch.outer(torch.arange(T, device=dev, dtype=torch.float32), inv)
cos, sin = ang.cos().to(bf), ang.sin().to(bf)

def rope(x):
    x1, x2 = x.chunk(2, -1)
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1)

def lin(x, w, how):
    if how == "bmm_t":   # the engine: x.bmm(W^T) on the stacked (K, out, in) weight
        return x.view(K, -1, x.shape[-1]).bmm(w.transpose(1, 2)).view(*x.shape[:-1], w.shape[1])
    if how == "einsum":
        return torch.einsum("kni,koi->kno", x.view(K, -1, x.shape[-1]), w).view(*x.shape[:-1], w.shape[1])
    raise ValueError(how)

def norm(x, g, how="broadcast"):
    if how == "fold":   # the gain goes into the next layer's weight (folded below)
        return F.rms_norm(x, (d,), eps=1e-6)
    if how == "weight":   # one copy: the gain inside the fused kernel, as the engine's RmsNorm alone
        return F.rms_norm(x, (d,), g.view(d), eps=1e-6)
    return F.rms_norm(x, (d,), eps=1e-6) * g.view(K, *([1] * (x.dim() - 2)), d)

def folded(w, g, how):
    """(x̂ ⊙ g)·Wᵀ = x̂·(W ⊙ g)ᵀ: W (K, out, in) scaled by the gain (K, in) of the norm before it."""
    return w * g.unsqueeze(1) if how == "fold" else w

def forward(views, idx, tgt, v):
    p = views()
    if v["emb"] == "gather":
        x = p["emb"].gather(1, idx.reshape(K, -1, 1).expand(-1, -1, d)).view(K, B, T, d)
    else:   # offsets into one (K·V, d) table
        off = idx + torch.arange(K, device=dev).view(K, 1, 1) * V
        x = F.embedding(off, p["emb"].reshape(K * V, d))
    nh_ = v.get("norm", "broadcast")
    for l in range(L):
        u = norm(x, p[f"{l}.n1"], nh_)
        q, k_, val = lin(u, folded(p[f"{l}.qkv"], p[f"{l}.n1"], nh_), v["lin"]).view(K * B, T, 3 * d).split(d, 2)
        q, k_, val = (t.view(K * B, T, nh, -1).transpose(1, 2) for t in (q, k_, val))
        y = F.scaled_dot_product_attention(rope(q), rope(k_), val, is_causal=True)
        x = x + lin(y.transpose(1, 2).reshape(K, B, T, d), p[f"{l}.proj"], v["lin"])
        u = norm(x, p[f"{l}.n2"], nh_)
        gate = lin(u, folded(p[f"{l}.w1"], p[f"{l}.n2"], nh_), v["lin"])
        x = x + lin(F.silu(gate) * lin(u, folded(p[f"{l}.w3"], p[f"{l}.n2"], nh_), v["lin"]), p[f"{l}.w2"], v["lin"])
    x = norm(x, p["nf"], nh_)
    logits = x.view(K, B * T, d).bmm(folded(p["emb"], p["nf"], nh_).transpose(1, 2))   # (K, BT, V)
    if v["loss"] == "per_model":
        return sum(F.cross_entropy(logits[k].float(), tgt[k].view(-1)) for k in range(K))
    if v["loss"] == "unbind":
        return sum(F.cross_entropy(l, t.view(-1)) for l, t in zip(logits.unbind(0), tgt.unbind(0)))   # bf16 in, as the native kernel reads it
    if v["loss"] == "grouped":   # one call over every copy's rows, each copy's own mean
        return F.cross_entropy(logits.reshape(-1, V), tgt.view(-1), reduction="none").view(K, -1).mean(1).sum()
    return F.cross_entropy(logits.reshape(-1, V).float(), tgt.view(-1)) * K

def timed(v, steps=20):
    leaves, p = make(v["strided"])
    idx = torch.randint(0, V, (K, B, T), device=dev)
    tgt = torch.randint(0, V, (K, B, T), device=dev)
    for _ in range(3):
        forward(p, idx, tgt, v).backward()
    torch.cuda.synchronize()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    s.record()
    for _ in range(steps):
        forward(p, idx, tgt, v).backward()
    e.record(); torch.cuda.synchronize()
    ms = s.elapsed_time(e) / steps
    return ms, p, idx, tgt

def graphed(v, compiled=False, replays=50):
    """ms per step of the step captured as one CUDA graph (compiled: the step's forward and loss by torch.compile first)."""
    _, p, idx, tgt = timed(v, steps=1)
    fwd = torch.compile(forward) if compiled else forward
    step = lambda: fwd(p, idx, tgt, v).backward()
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(3):
            step()
    torch.cuda.current_stream().wait_stream(side)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        step()
    g.replay(); torch.cuda.synchronize()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    s.record()
    for _ in range(replays):
        g.replay()
    e.record(); torch.cuda.synchronize()
    return s.elapsed_time(e) / replays

if "--graphs" in sys.argv:
    packed_k = K
    now = dict(strided=False, emb="gather", lin="bmm_t", loss="unbind")
    best = {**now, "norm": "fold", "loss": "grouped"}
    print(f"K={packed_k} B={B} T={T} d={d} L={L} V={V}; forward+backward of one step as one CUDA graph, bf16")
    print(f"{'variant':58} {'alone ms':>9} {'packed ms':>10} {'gain':>6}")
    for name, v, compiled in [("the engine's packed step", now, False),
                              ("+ gains folded into the next weight", {**now, "norm": "fold"}, False),
                              ("+ one cross-entropy over all copies", best, False),
                              ("both, torch.compile", best, True)]:
        try:
            K = 1
            alone = graphed({**v, "norm": "weight"}, compiled)   # alone, the engine's RmsNorm holds the gain
            K = packed_k
            packed = graphed(v, compiled)
            print(f"{name:58} {alone:9.3f} {packed:10.3f} {K * alone / packed:5.2f}x")
        except Exception as error:   # a variant that cannot be captured says why and the rest still run
            K = packed_k
            print(f"{name:58} failed: {type(error).__name__}: {str(error)[:200]}")
    sys.exit(0)

base = dict(strided=True, emb="gather", lin="bmm_t", loss="per_model")
variants = [("engine (strided rows, gather, bmm(W^T), loss per model)", base),
            ("contiguous stacked weights", {**base, "strided": False}),
            ("embedding by offsets (F.embedding)", {**base, "emb": "offsets"}),
            ("one loss call", {**base, "loss": "one"}),
            ("contiguous + offsets + one loss", dict(strided=False, emb="offsets", lin="bmm_t", loss="one")),
            ("the engine now: contiguous, gather, loss per model by unbind", dict(strided=False, emb="gather", lin="bmm_t", loss="unbind"))]
print(f"K={K} B={B} T={T} d={d} L={L} V={V} hidden={h}; one step of K models, forward+backward, bf16, eager")
for name, v in variants:
    ms, *_ = timed(v)
    print(f"{ms:8.2f} ms  {K * B * T / ms / 1e3:8.2f}M tok/s  {name}")
ms1 = None
# One model alone, the same way (K=1 semantics through the same code).
from torch.profiler import profile, ProfilerActivity
now = variants[-1][1]
_, p, idx, tgt = timed(now, steps=1)
with profile(activities=[ProfilerActivity.CUDA]) as prof:
    for _ in range(5):
        forward(p, idx, tgt, now).backward()
    torch.cuda.synchronize()
print(prof.key_averages().table(sort_by="cuda_time_total", row_limit=25, max_name_column_width=150))

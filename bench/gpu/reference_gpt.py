"""The fair PyTorch reference for bench/gpu: ScaleLab's model, optimizer and schedule, written the way a careful
PyTorch user would write them (F.rms_norm, RoPE tables built once, fused AdamW, log-softmax in fp32, bf16 autocast),
run eager or under torch.compile (model and loss together, where the fp32 upcast fuses into the loss).

Model: tied token embedding, pre-norm blocks of causal attention (RoPE, NeoX layout, SDPA) and a SwiGLU MLP
(hidden 8*ceil(8d/3/8)), RMSNorm (eps 1e-6), no biases; N(0, 0.02) init, residual projections 0.02/sqrt(2L).
Data: the token shards of a ScaleLab data set folder (llm.c format), windows at SplitMix64 starts. AdamW (0.9,
0.95, eps 1e-8), decay 0.1 on 2-D weights only, clip 1.0, warmup + cosine to 10%. Prints one JSON line per log
interval, then a summary.
"""
import argparse, json, math, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MASK = (1 << 64) - 1


def mix(x):
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


class RMSNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return F.rms_norm(x, (x.size(-1),), self.weight, 1e-6)


def rope_tables(t, hs, device):
    inv = 10000.0 ** (-torch.arange(0, hs, 2, dtype=torch.float32, device=device) / hs)
    ang = torch.outer(torch.arange(t, dtype=torch.float32, device=device), inv)
    return ang.cos().to(torch.bfloat16), ang.sin().to(torch.bfloat16)


def rope(x, cos, sin):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        hidden = 8 * math.ceil(8 * d / 3 / 8)
        self.heads = heads
        self.norm1, self.norm2 = RMSNorm(d), RMSNorm(d)
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.proj = nn.Linear(d, d, bias=False)
        self.w1 = nn.Linear(d, hidden, bias=False)
        self.w3 = nn.Linear(d, hidden, bias=False)
        self.w2 = nn.Linear(hidden, d, bias=False)

    def forward(self, x, cos, sin):
        b, t, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, -1).transpose(1, 2) for z in (q, k, v))  # (B, nh, T, hs)
        y = F.scaled_dot_product_attention(rope(q, cos, sin), rope(k, cos, sin), v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).contiguous().view(b, t, d))
        h = self.norm2(x)
        return x + self.w2(F.silu(self.w1(h)) * self.w3(h))


class GPT(nn.Module):
    def __init__(self, vocab, d, layers, heads, seq_len):
        super().__init__()
        cos, sin = rope_tables(seq_len, d // heads, "cuda")
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)
        self.tokens = nn.Embedding(vocab, d)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.norm = RMSNorm(d)
        for p in self.parameters():
            if p.dim() >= 2:
                nn.init.normal_(p, 0, 0.02)
        for blk in self.blocks:
            for proj in (blk.proj, blk.w2):
                nn.init.normal_(proj.weight, 0, 0.02 / math.sqrt(2 * layers))

    def forward(self, idx):
        x = self.tokens(idx)
        for blk in self.blocks:
            x = blk(x, self.cos, self.sin)
        return F.linear(self.norm(x), self.tokens.weight)


def lr_at(step, c):
    peak, warm = c["learningRate"], c["warmupSteps"]
    if step < warm:
        return peak * (step + 1) / warm
    progress = min(max((step - warm) / max(1, c["steps"] - warm - 1), 0), 1)
    floor = peak * 0.1
    return floor + 0.5 * (peak - floor) * (1 + math.cos(math.pi * progress))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--shards", required=True, help="a ScaleLab data set folder (llm.c shards, manifest.json)")
    ap.add_argument("--compile", action="store_true")
    a = ap.parse_args()
    c = json.load(open(a.config))
    B, T = c["batchSize"], c["seqLen"]
    c["steps"] = -(-c["tokens"] // (B * T))
    manifest = json.load(open(f"{a.shards}/manifest.json"))
    width = 2 if manifest["vocabSize"] <= 65536 else 4
    ids = np.concatenate([np.fromfile(f"{a.shards}/{s}", dtype=np.uint16 if width == 2 else np.uint32, offset=1024) for s in manifest["shards"]])
    train = torch.from_numpy(ids[: manifest["trainTokens"]].astype(np.int64))
    span = len(train) - T - 1
    torch.manual_seed(c["seed"])
    torch.backends.cuda.matmul.allow_tf32 = False
    dev = "cuda"
    model = GPT(c["bpeVocab"], c["dModel"], c["nLayers"], c["nHeads"], T).to(dev)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": c["weightDecay"]}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=c["learningRate"], betas=(0.9, 0.95), eps=1e-8, fused=True)

    def loss_of(x, y):
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = model(x)
        return F.nll_loss(F.log_softmax(logits.view(-1, logits.size(-1)), dim=-1, dtype=torch.float32), y.reshape(-1))

    step_fn = torch.compile(loss_of) if a.compile else loss_of
    flops_per_token = 6 * (c["nLayers"] * (4 * c["dModel"] ** 2 + 3 * c["dModel"] * 8 * math.ceil(8 * c["dModel"] / 3 / 8))
                           + c["bpeVocab"] * c["dModel"]) + 12 * c["nLayers"] * c["dModel"] * T
    seed = c["seed"] & 0xFFFFFFFF
    loss_sum, count, t0, tok0, rates = torch.zeros((), device=dev), 0, time.perf_counter(), 0, []
    for step in range(c["steps"]):
        starts = [mix(((seed << 40) & MASK) ^ ((step * B + b) & MASK)) % span for b in range(B)]
        idx = torch.stack([train[s: s + T + 1] for s in starts]).to(dev, non_blocking=True)
        x, y = idx[:, :-1], idx[:, 1:]
        for g in opt.param_groups:
            g["lr"] = lr_at(step, c)
        loss = step_fn(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        loss_sum += loss.detach()
        count += 1
        done = step + 1
        if done % c["logInterval"] == 0 or done == c["steps"]:
            mean = loss_sum.item() / count
            now = time.perf_counter()
            rate = (done * B * T - tok0) / (now - t0)
            rates.append(rate)
            t0, tok0, loss_sum, count = now, done * B * T, torch.zeros((), device=dev), 0
            print(json.dumps({"step": done, "loss": mean, "tokens_per_s": rate, "mfu": rate * flops_per_token / 989.4e12}), flush=True)
    steady = sorted(rates[1:])[len(rates[1:]) // 2] if len(rates) > 1 else rates[-1]
    print(json.dumps({"summary": True, "final_loss": mean, "tokens_per_s_median": steady,
                      "mfu": steady * flops_per_token / 989.4e12, "peak_mem_gib": torch.cuda.max_memory_allocated() / 2**30,
                      "params": sum(p.numel() for p in model.parameters())}))


if __name__ == "__main__":
    main()

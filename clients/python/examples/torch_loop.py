"""Logs a PyTorch training loop into ScaleLab: a small character-level transformer trained on a text file, its loss
every 10 steps and its validation loss at the end. Run it at a few sizes and fit the study in ScaleLab as any other.

    pip install torch   # or any PyTorch you have
    SCALELAB_API_KEY=... python3 torch_loop.py --url http://127.0.0.1:5080 --text input.txt --width 128 --layers 4

N counts the non-embedding parameters and each run reports its own FLOPs (6 per parameter per token here; a trainer
that counts attention and the head exactly reports that instead)."""
import argparse
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from scalelab_client import ScaleLab  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--study", default="torch-char-lm")
    parser.add_argument("--text", required=True)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--context", type=int, default=128)
    args = parser.parse_args()

    text = open(args.text, encoding="utf-8").read()
    vocab = sorted(set(text))
    data = torch.tensor([vocab.index(c) for c in text], dtype=torch.long)
    split = int(len(data) * 0.9)
    device = "cuda" if torch.cuda.is_available() else "cpu"

    embed = nn.Embedding(len(vocab), args.width)
    layer = nn.TransformerEncoderLayer(args.width, max(1, args.width // 64), 4 * args.width, batch_first=True, norm_first=True)
    body = nn.TransformerEncoder(layer, args.layers)
    head = nn.Linear(args.width, len(vocab))
    model = nn.ModuleDict({"embed": embed, "body": body, "head": head}).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    mask = nn.Transformer.generate_square_subsequent_mask(args.context).to(device)

    def batch(source):
        starts = torch.randint(0, len(source) - args.context - 1, (args.batch,))
        x = torch.stack([source[s:s + args.context] for s in starts]).to(device)
        y = torch.stack([source[s + 1:s + args.context + 1] for s in starts]).to(device)
        return x, y

    def loss_of(x, y):
        logits = model["head"](model["body"](model["embed"](x), mask=mask))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1))

    n = sum(p.numel() for p in body.parameters())
    tokens_per_step = args.batch * args.context
    tokens = args.steps * tokens_per_step
    study = ScaleLab(args.url).study(args.study, parameters="nonEmbedding", compute="exact")
    name = f"w{args.width}-l{args.layers}"
    started = time.time()
    with study.run(name, n=n, tokens=tokens, flops=6.0 * n * tokens,
                   config={"dModel": args.width, "nLayers": args.layers, "seqLen": args.context, "batchSize": args.batch,
                           "learningRate": 3e-4}) as run:
        for step in range(1, args.steps + 1):
            loss = loss_of(*batch(data[:split]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if step % 10 == 0:
                seen = step * tokens_per_step
                run.log(step, tokens=seen, flops=6.0 * n * seen, seconds=time.time() - started, loss=loss.item())
        with torch.no_grad():
            val = sum(loss_of(*batch(data[split:])).item() for _ in range(20)) / 20
        run.finish(val_loss=val, seconds=time.time() - started)
    print(f"{name}: N = {n:,}, validation loss {val:.4f}")


if __name__ == "__main__":
    main()

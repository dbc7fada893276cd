"""Logs a PyTorch training loop into ScaleLab: a small character-level transformer trained on a text file, its loss
every 10 steps and its validation loss at the end. Run it at a few sizes and fit the study in ScaleLab as any other.

    pip install torch   # or any PyTorch you have
    SCALELAB_API_KEY=... python3 torch_loop.py --url http://127.0.0.1:5080 --text input.txt --width 128 --layers 4

N counts the non-embedding parameters and each run reports its own FLOPs (6 per parameter per token here; a trainer
that counts attention and the head exactly reports that instead). What talks to ScaleLab is log_run, which needs no
PyTorch: the integration tests run it against the real API (ExternalRunsTests), where there is none."""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from scalelab_client import ScaleLab  # noqa: E402

LOG_INTERVAL = 10


def log_run(url, study_name, name, n, tokens_per_step, steps, config, train_step, evaluate):
    """Trains by calling train_step() `steps` times, logging into the study: the loss every LOG_INTERVAL steps, with
    the tokens, FLOPs and seconds so far, then evaluate()'s validation loss, which it returns. The loss is read only at
    the log interval: float() of a GPU tensor waits for the device."""
    tokens = steps * tokens_per_step
    study = ScaleLab(url).study(study_name, parameters="nonEmbedding", compute="exact")
    started = time.time()
    with study.run(name, n=n, tokens=tokens, flops=6.0 * n * tokens, config=config) as run:
        for step in range(1, steps + 1):
            loss = train_step()
            if step % LOG_INTERVAL == 0:
                seen = step * tokens_per_step
                run.log(step, tokens=seen, flops=6.0 * n * seen, seconds=time.time() - started, loss=float(loss))
        val = evaluate()
        run.finish(val_loss=val, seconds=time.time() - started)
    return val


def main():
    # Imported here rather than at the top, so that log_run can be imported and run without PyTorch.
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

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

    def train_step():
        loss = loss_of(*batch(data[:split]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss

    def evaluate():
        model.eval()   # no dropout while measuring
        with torch.no_grad():
            val = sum(loss_of(*batch(data[split:])).item() for _ in range(20)) / 20
        model.train()
        return val

    n = sum(p.numel() for p in body.parameters())
    name = f"w{args.width}-l{args.layers}"
    val = log_run(args.url, args.study, name, n, args.batch * args.context, args.steps,
                  {"dModel": args.width, "nLayers": args.layers, "seqLen": args.context, "batchSize": args.batch,
                   "learningRate": 3e-4}, train_step, evaluate)
    print(f"{name}: N = {n:,}, validation loss {val:.4f}")


if __name__ == "__main__":
    main()

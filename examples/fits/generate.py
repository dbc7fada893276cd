"""Writes the example CSVs from known laws with log-normal noise (stdlib only; deterministic)."""
import math, random

E, A, B, ALPHA, BETA = 1.69, 406.4, 410.7, 0.34, 0.28   # Hoffmann et al. 2022, approach 3


def loss(n, d):
    return E + A / n ** ALPHA + B / d ** BETA


def logspace(a, b, k):
    return [a * (b / a) ** (i / (k - 1)) for i in range(k)]


def n_opt(c):
    g = (ALPHA * A / (BETA * B)) ** (1 / (ALPHA + BETA))
    return g * (c / 6) ** (BETA / (ALPHA + BETA))


rng = random.Random(7)
with open("chinchilla-synthetic.csv", "w") as f:
    f.write("n,d,loss\n")
    for n in logspace(1e7, 1e10, 10):
        for d in logspace(1e9, 1e12, 10):
            f.write(f"{n:.6g},{d:.6g},{loss(n, d) * math.exp(rng.gauss(0, 0.01)):.6f}\n")

with open("isoflop-synthetic.csv", "w") as f:
    f.write("n,d,loss,flops\n")
    for c in (1e18, 1e19, 1e20, 1e21):
        for n in logspace(n_opt(c) / 8, n_opt(c) * 8, 9):
            d = c / (6 * n)
            f.write(f"{n:.6g},{d:.6g},{loss(n, d) * math.exp(rng.gauss(0, 0.003)):.6f},{c:.6g}\n")

with open("mixers-compute.csv", "w") as f:
    # Two architectures on the compute-efficient frontier: one better at small compute, one that scales better.
    f.write("n,d,loss,flops,group\n")
    for group, (e, a, alpha) in {"softmax": (1.7, 60.0, 0.065), "linear": (1.9, 25.0, 0.045)}.items():
        for c in logspace(1e16, 1e21, 12):
            n = n_opt(c)
            f.write(f"{n:.6g},{c / (6 * n):.6g},{(e + a * c ** -alpha) * math.exp(rng.gauss(0, 0.002)):.6f},{c:.6g},{group}\n")

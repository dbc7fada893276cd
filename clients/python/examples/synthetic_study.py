"""Logs an IsoFLOP study drawn from a known law into ScaleLab, as a trainer elsewhere would: Hoffmann et al.'s
L(N, D) = 1.69 + 406.4 / N^0.34 + 410.7 / D^0.28, 4 compute budgets x 5 model sizes around each budget's optimum,
each run with a short loss curve and its final validation loss from the law. A fit of the study must give the law
back (the integration tests check that). N counts all parameters and C = 6·N·D, as Hoffmann et al. count.

    SCALELAB_API_KEY=... python3 synthetic_study.py --url http://127.0.0.1:5080 --name chinchilla-synthetic

Prints {"study": ID, "runs": 20}. Running it again changes nothing: every call finds what the first run made."""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from scalelab_client import ScaleLab  # noqa: E402

E, A, B, ALPHA, BETA = 1.69, 406.4, 410.7, 0.34, 0.28
EMBEDDING = 8_192 * 256   # what a vocabulary of 8,192 at width 256 adds to N's non-embedding part


def loss(n, d):
    return E + A / n ** ALPHA + B / d ** BETA


def optimal_n(c):
    """N_opt(C) = G·(C/6)^(β/(α+β)), G = (αA / βB)^(1/(α+β)) (Hoffmann et al., appendix D.2)."""
    g = (ALPHA * A / (BETA * B)) ** (1 / (ALPHA + BETA))
    return g * (c / 6) ** (BETA / (ALPHA + BETA))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--name", default="chinchilla-synthetic")
    args = parser.parse_args()
    lab = ScaleLab(args.url)
    study = lab.study(args.name, parameters="total", compute="6ND")
    runs = 0
    for budget in (1e18, 1e19, 1e20, 1e21):
        for factor in (0.25, 0.5, 1, 2, 4):
            n = round(optimal_n(budget) * factor)
            d = round(budget / (6 * n))
            with study.run(f"c{budget:.0e}-x{factor}".replace("+", ""), n=n - EMBEDDING, total_params=n, tokens=d,
                           config={"learningRate": 3e-4}) as run:
                for step in range(1, 11):
                    seen = d * step // 10
                    run.log(step, tokens=seen, flops=6.0 * n * seen, loss=loss(n, seen))
                run.finish(val_loss=loss(n, d), tokens=d)
            runs += 1
    study.close()
    print(json.dumps({"study": study.id, "runs": runs}))


if __name__ == "__main__":
    main()

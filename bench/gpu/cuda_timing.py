"""GPU timing shared by the Python benchmarks of bench/gpu."""
import statistics

import torch


def median_us(call, calls=20, repeats=7, warmup=5):
    """Median µs of one call. Calls go back to back between two events, so the GPU's queue stays full and the host's
    launch time (Python's, here) is not counted where the GPU is the slower side."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(calls):
            call()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) * 1000 / calls)
    return statistics.median(times)

"""GPU tests through the whole cluster (never in CI: tests/gpu/run.sh runs them on the GPU machine, with the stack
that infra/gpu/cluster.sh brought up). Each check drives the public REST API, as a user would:

  cuda      the worker silo trains on CUDA through the grains: runs land on CUDA slots, report MFU against the
            GPU's peak, and leave their checkpoint in blob storage.
  packed    eight runs packed on one GPU (Worker:RunsPerGpu) run at the same time, and the one that shares its seed
            with a run trained alone trains the same losses, within bf16 tolerance and the GPU's run-to-run spread.
  resume    a worker killed (SIGKILL) mid-run on the GPU: the run's next attempt resumes from a stored checkpoint,
            finishes, and its loss curve has every logged step exactly once.

Usage: python3 tests/gpu/cluster_checks.py API_URL API_KEY WORKER_PID_FILE RESTART_COMMAND
Prints one line per check and exits non-zero when any fails. SCALELAB_CHECK_SCALE (1) scales every run's steps: a
rehearsal of the script on a CPU stack uses 0.02 (there the cuda and packed checks fail, as they should).
"""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

API, KEY, WORKER_PID, RESTART = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4]

BASE = {
    "task": "hmm", "hmmStates": 64, "hmmVocab": 128, "dModel": 128, "nLayers": 2, "nHeads": 4,
    "seqLen": 256, "batchSize": 32, "learningRate": 0.003, "warmupSteps": 20, "logInterval": 10,
    "evalInterval": 200, "evalBatches": 4, "finalEvalTokens": 65536, "seed": 1,
}
TOKENS_PER_STEP = BASE["seqLen"] * BASE["batchSize"]
SCALE = float(os.environ.get("SCALELAB_CHECK_SCALE", "1"))


def steps(n):
    return max(10, int(n * SCALE) // 10 * 10)


def call(method, path, body=None):
    request = urllib.request.Request(API + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "X-Api-Key": KEY})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def submit(name, base, axes=None):
    spec = {"name": name, "kind": "grid", "base": base}
    if axes:
        spec["axes"] = axes
    return call("POST", "/api/sweeps", spec)["sweepId"]


def wait_sweep(sweep, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        detail = call("GET", f"/api/sweeps/{sweep}")
        if detail["sweep"]["status"] not in ("Pending", "Running", "Queued"):
            return detail
        time.sleep(2)
    raise TimeoutError(f"sweep {sweep} did not finish in {seconds} s")


def curve(run, metric="loss"):
    series = call("GET", f"/api/runs/{run}/metrics/{metric}?maxPoints=10000")   # every point: the API downsamples to 1,000 by default
    return series["steps"], series["values"]


def check_cuda(detail):
    failures = []
    for run in detail["runs"]:
        if run["status"] != "Succeeded":
            failures.append(f"{run['name']} {run['status']}: {run.get('error')}")
            continue
        if "cuda" not in (run["slotId"] or ""):
            failures.append(f"{run['name']} ran on {run['slotId']}, not a CUDA slot")
        _, mfu = curve(run["id"], "mfu")
        if not mfu or not all(0 < m < 1 for m in mfu):
            failures.append(f"{run['name']} MFU {mfu[:3]} not in (0, 1)")
        artifacts = call("GET", f"/api/runs/{run['id']}")["artifacts"]
        if not any(a["kind"] == "checkpoint" and a["bytes"] > 0 for a in artifacts):
            failures.append(f"{run['name']} left no checkpoint in blob storage")
    return failures


def overlapping(detail):
    """The most runs of a sweep that were running at one moment, from their run logs' first and last lines."""
    spans = []
    for run in detail["runs"]:
        lines = call("GET", f"/api/runs/{run['id']}/logs")
        times = [line["at"] for line in lines]
        spans.append((min(times), max(times)))
    return max(sum(1 for s, e in spans if s <= start <= e) for start, _ in spans)


def check_packed(alone_detail, packed_detail):
    failures = check_cuda(packed_detail)
    alone = alone_detail["runs"][0]
    twin = next((r for r in packed_detail["runs"] if call("GET", f"/api/runs/{r['id']}")["config"]["seed"] == 1), None)
    if twin is None:
        return failures + ["no seed-1 run in the packed sweep"]
    steps_a, loss_a = curve(alone["id"])
    steps_b, loss_b = curve(twin["id"])
    if steps_a != steps_b:
        return failures + ["the packed twin logged other steps than the run alone"]
    tail = max(1, len(loss_a) // 10)
    first = abs(loss_a[0] - loss_b[0])
    late = abs(sum(loss_a[-tail:]) / tail - sum(loss_b[-tail:]) / tail)
    val = abs(alone["finalValLoss"] - twin["finalValLoss"])
    together = overlapping(packed_detail)
    print(f"  packed: {together} of {len(packed_detail['runs'])} runs at once; twin vs alone: first loss "
          f"{first:.5f}, mean of the last 10% {late:.5f}, final val_loss {val:.5f}")
    if together < 4:
        failures.append(f"only {together} runs ran at once")
    if first > 0.01 or late > 0.03 or val > 0.03:
        failures.append("the packed twin's losses differ from the run alone beyond bf16 tolerance")
    return failures


def check_resume():
    total, interval = steps(20000), steps(2000)
    sweep = submit("gpu-check-resume", dict(BASE, tokens=total * TOKENS_PER_STEP, checkpointInterval=interval,
                                            evalInterval=steps(5000), seed=3))
    run = call("GET", f"/api/sweeps/{sweep}")["runs"][0]["id"]
    deadline = time.time() + 300
    while call("GET", f"/api/runs/{run}")["run"]["stepsDone"] < 2 * interval + interval // 2:
        if time.time() > deadline:
            return ["the run never got past two checkpoints"]
        time.sleep(0.5)
    killed_at = call("GET", f"/api/runs/{run}")["run"]["stepsDone"]
    os.kill(int(open(WORKER_PID).read()), signal.SIGKILL)
    subprocess.run(RESTART, shell=True, check=True, stdout=subprocess.DEVNULL)
    detail = wait_sweep(sweep, 600)
    summary = detail["runs"][0]
    failures = [] if summary["status"] == "Succeeded" else [f"resumed run {summary['status']}: {summary.get('error')}"]
    logs = call("GET", f"/api/runs/{run}/logs")
    resumed = [line["message"] for line in logs if line["attempt"] >= 2 and "resuming from the checkpoint at step" in line["message"]]
    resume_step = int(resumed[0].split("at step ")[1].split()[0]) if resumed else 0
    logged, _ = curve(run)
    expected = list(range(BASE["logInterval"], total + 1, BASE["logInterval"]))
    print(f"  resume: killed near step {killed_at}, attempt {summary['attempt']} resumed from the checkpoint at step "
          f"{resume_step}; {len(logged)} loss steps logged, {len(set(logged))} distinct, {len(expected)} expected")
    if summary["attempt"] < 2 or resume_step < interval or resume_step % interval != 0 or resume_step > killed_at:
        failures.append(f"no resume from a stored checkpoint (attempt {summary['attempt']}, step {resume_step})")
    if sorted(logged) != expected:
        failures.append("the loss curve lost or duplicated steps across the kill")
    return failures


def guarded(check, *args):
    """A check that raises (an API error, a timeout) fails with the reason, and the other checks still run."""
    try:
        return check(*args)
    except Exception as error:  # noqa: BLE001 - any error is this check's failure
        return [f"{type(error).__name__}: {error}"]


def main():
    results = {}
    base = dict(BASE, tokens=steps(600) * TOKENS_PER_STEP, checkpointInterval=steps(300))
    alone = guarded(lambda: wait_sweep(submit("gpu-check-alone", base), 300))
    results["cuda"] = alone if isinstance(alone, list) else guarded(check_cuda, alone)
    packed = guarded(lambda: wait_sweep(submit("gpu-check-packed", base, {"seed": [1, 2, 3, 4, 5, 6, 7, 8]}), 600))
    results["packed"] = packed if isinstance(packed, list) else \
        (["no run alone to compare with"] if isinstance(alone, list) else guarded(check_packed, alone, packed))
    results["resume"] = guarded(check_resume)
    for name, failures in results.items():
        print(f"{name}: {'passed' if not failures else 'FAILED: ' + '; '.join(failures)}")
    sys.exit(1 if any(results.values()) else 0)


if __name__ == "__main__":
    main()

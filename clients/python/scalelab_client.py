"""ScaleLab's Python client for runs trained elsewhere (nanoGPT, torchtitan, your own loop): log them into a ScaleLab
study, where fits, comparisons and the dashboard use them beside ScaleLab's own runs.

One file, the standard library only: copy it next to your trainer.

    from scalelab_client import ScaleLab
    lab = ScaleLab("http://127.0.0.1:5080")                      # the API key comes from SCALELAB_API_KEY
    study = lab.study("my-ladder", parameters="nonEmbedding", compute="exact")
    with study.run("d512-l8", n=25_000_000, tokens=500_000_000, flops=8.1e16, config={"dModel": 512}) as run:
        for step in range(steps):
            ...
            run.log(step, loss=loss.item(), tokens=step * tokens_per_step)
        run.finish(val_loss=evaluate())                         # leaving the block without finishing fails the run
    study.close()

Every call can be repeated safely: a study is found again by its name, a run by its name in the study, and a metric
point is keyed (run, name, step), so re-running a script after a crash or a timeout never duplicates anything (a run
the crash failed is opened again as its next attempt). Calls
that fail on the network, or with 429 or a 5xx status, are retried with backoff; a refusal (4xx) raises ScaleLabError
with the problem's fields.
"""
import json
import math
import os
import time
import urllib.error
import urllib.request

__all__ = ["ScaleLab", "Study", "Run", "ScaleLabError"]


class ScaleLabError(Exception):
    """A refusal from the API: status, title, and errors by field (RFC 7807 problem details)."""

    def __init__(self, status, title, errors=None, detail=None):
        self.status, self.title, self.errors, self.detail = status, title, errors or {}, detail
        fields = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in self.errors.items())
        super().__init__(f"{status} {title}" + (f" ({fields})" if fields else f" ({detail})" if detail else ""))


class ScaleLab:
    """A connection to ScaleLab's REST API. The key is read from SCALELAB_API_KEY unless given; it is never printed."""

    def __init__(self, url, api_key=None, timeout=30.0, retries=5):
        self.url = url.rstrip("/")
        self._key = api_key if api_key is not None else os.environ.get("SCALELAB_API_KEY")
        self.timeout, self.retries = timeout, retries

    def __repr__(self):
        return f"ScaleLab({self.url!r})"

    def study(self, name, parameters="nonEmbedding", compute="exact"):
        """Opens the study `name` (the same name again finds the same study). parameters: "nonEmbedding" or "total",
        what N counts; compute: "exact" (each run reports its FLOPs) or "6ND" (C = 6·N·D)."""
        body = self._post("/api/external/studies", {"name": name, "accounting": {"parameters": parameters, "compute": compute}})
        return Study(self, body["id"], body["name"])

    def _post(self, path, payload):
        data = json.dumps(payload, allow_nan=False).encode()
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(self.url + path, data=data, method="POST",
                                             headers={"Content-Type": "application/json", "Accept": "application/json"})
            if self._key:
                request.add_header("X-Api-Key", self._key)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    text = response.read()
                    return json.loads(text) if text else None
            except urllib.error.HTTPError as error:
                if (error.code == 429 or error.code >= 500) and attempt < self.retries:
                    time.sleep(_backoff(attempt, error.headers.get("Retry-After")))
                    continue
                raise _problem(error) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError):
                if attempt == self.retries:
                    raise
                time.sleep(_backoff(attempt, None))


class Study:
    """A study of runs trained elsewhere; a sweep of kind "external" in ScaleLab (fit it by its id)."""

    def __init__(self, lab, id, name):
        self.lab, self.id, self.name = lab, id, name

    def __repr__(self):
        return f"Study({self.name!r}, id={self.id!r})"

    def run(self, name, n, tokens, flops=None, total_params=None, config=None):
        """Adds the run `name` (the same name again finds the same run): n non-embedding parameters (total_params
        when the study counts all of them), trained on `tokens` tokens with `flops` training FLOPs (required when the
        study counts compute exactly). config: the run's settings in ScaleLab's run-config names (dModel, nLayers,
        learningRate, mixer...), so runs can be grouped and compared with ScaleLab's own."""
        payload = {"name": name, "nonEmbeddingParameters": int(n), "tokens": int(tokens)}
        if total_params is not None:
            payload["totalParameters"] = int(total_params)
        if flops is not None:
            payload["flops"] = float(flops)
        if config is not None:
            payload["config"] = config
        body = self.lab._post(f"/api/external/studies/{self.id}/runs", payload)
        return Run(self.lab, body["id"], body["name"])

    def close(self):
        """Closes the study once all its runs have finished."""
        return self.lab._post(f"/api/external/studies/{self.id}/close", {})


class Run:
    """A run trained elsewhere. log() buffers points and sends them in batches; finish() sends what is left."""

    BATCH = 1000          # points per call (the API takes up to 10,000)
    FLUSH_SECONDS = 10.0  # a point waits at most this long before it is sent

    def __init__(self, lab, id, name):
        self.lab, self.id, self.name = lab, id, name
        self._points, self._last_flush, self.finished = [], time.monotonic(), False

    def __repr__(self):
        return f"Run({self.name!r}, id={self.id!r})"

    def log(self, step, tokens=None, flops=None, seconds=None, **metrics):
        """Records metrics at a step, e.g. run.log(100, loss=3.2, lr=3e-4, tokens=409600). Logging a (name, step)
        again replaces the earlier value."""
        for name, value in metrics.items():
            value = float(value)
            if not math.isfinite(value):
                raise ValueError(f"{name} at step {step} is {value}; ScaleLab stores finite numbers only")
            point = {"step": int(step), "name": name, "value": value}
            if tokens is not None:
                point["tokens"] = int(tokens)
            if flops is not None:
                point["flops"] = float(flops)
            if seconds is not None:
                point["seconds"] = float(seconds)
            self._points.append(point)
        if len(self._points) >= self.BATCH or time.monotonic() - self._last_flush > self.FLUSH_SECONDS:
            self.flush()

    def flush(self):
        while self._points:
            batch = self._points[:self.BATCH]
            self.lab._post(f"/api/external/runs/{self.id}/metrics", {"points": batch})
            del self._points[:len(batch)]
        self._last_flush = time.monotonic()

    def finish(self, loss=None, val_loss=None, tokens=None, seconds=None, failed=False, error=None):
        """Ends the run: succeeded with its final loss (val_loss is what fits use when given), or failed."""
        self.flush()
        payload = {"status": "failed" if failed else "succeeded"}
        for key, value in (("finalLoss", loss), ("finalValLoss", val_loss), ("wallClockSeconds", seconds)):
            if value is not None:
                payload[key] = float(value)
        if tokens is not None:
            payload["tokens"] = int(tokens)
        if error is not None:
            payload["error"] = str(error)[:4000]
        body = self.lab._post(f"/api/external/runs/{self.id}/finish", payload)
        self.finished = True
        return body

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if not self.finished:
            try:
                self.finish(failed=True, error=f"{kind.__name__}: {value}" if kind else "the run ended without finish()")
            except Exception:
                if kind is None:
                    raise   # otherwise the exception that ended the block is the one to see
        return False


def _backoff(attempt, retry_after):
    try:
        return float(retry_after)
    except (TypeError, ValueError):
        return min(30.0, 0.5 * 2 ** attempt)


def _problem(error):
    try:
        body = json.loads(error.read() or b"{}")
    except ValueError:
        body = {}
    return ScaleLabError(error.code, body.get("title") or error.reason, body.get("errors"), body.get("detail"))

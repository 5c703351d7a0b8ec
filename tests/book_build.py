"""Build the book for the test suite: once per run, cold, into a folder the tests read.

``scripts/test`` starts it in the background before pytest (``python tests/book_build.py OUT [CHAPTER ...]``), so
the book executes while the unit tests run on the other cores; the ``build`` fixture of tests/test_book.py waits
for ``OUT/result.json``. Run by pytest alone (``python -m pytest tests/test_book.py``), the first worker that
needs the build makes it under a file lock and the others wait for it.

The build is ``jupyter-book build -W -n --keep-going`` into ``OUT`` with a cold execution cache; every chapter
kernel also measures the figures it shows (scripts/figure_check.py, for the page check).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULT = "result.json"


def _children_cpu() -> float:
    """CPU seconds of the finished child processes (jupyter-book and the chapter kernels it waited for)."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def build(out: Path, subset: list[str]) -> dict:
    """Build into ``out`` (``out/_build/html`` ...); returns and writes ``out/result.json``."""
    out.mkdir(parents=True, exist_ok=True)
    exe = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe if exe.exists() else shutil.which("jupyter-book")), "build", str(ROOT), "--path-output", str(out),
           "-W", "-n", "--keep-going"]
    if subset:
        picked = subprocess.run([sys.executable, str(ROOT / "scripts" / "book_subset.py"), str(out / "subset"), *subset],
                                capture_output=True, text=True, check=True)
        cmd += picked.stdout.split()
    startup = out / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "scripts" / "figure_check.py", startup / "00-ssekit-figure-check.py")
    env = {**os.environ, "IPYTHONDIR": str(out / "ipython"), "SSEKIT_FIGURE_REPORT": str(out / "figures.jsonl")}
    t0, cpu0 = time.perf_counter(), _children_cpu()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, cwd=ROOT, env=env)
    result = {"returncode": proc.returncode, "stdout": proc.stdout[-4000:], "stderr_tail": proc.stderr[-4000:],
              # -W already turns Sphinx warnings into errors; this also catches any that --keep-going let through
              # (ipykernel's own start-up notice is not Sphinx's)
              "warnings": [ln for ln in proc.stderr.splitlines()
                           if "WARNING:" in ln and not ln.startswith("[IPKernelApp]")],
              "seconds": round(time.perf_counter() - t0, 1), "cpu_seconds": round(_children_cpu() - cpu0, 1),
              "subset": subset}
    tmp = out / (RESULT + ".tmp")
    tmp.write_text(json.dumps(result), encoding="utf-8")
    tmp.replace(out / RESULT)
    return result


def wait(out: Path, timeout: float = 1800.0) -> dict:
    """The result of a build another process started into ``out``."""
    t0 = time.monotonic()
    while not (out / RESULT).exists():
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"no book build finished in {out} within {timeout:.0f} s")
        time.sleep(0.5)
    return json.loads((out / RESULT).read_text(encoding="utf-8"))


def build_once(out: Path, subset: list[str]) -> dict:
    """Build into ``out`` unless another process has (or is): one build for all pytest-xdist workers."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (out / RESULT).exists():
            return json.loads((out / RESULT).read_text(encoding="utf-8"))
        return build(out, subset)


if __name__ == "__main__":
    r = build(Path(sys.argv[1]), sys.argv[2:])
    sys.exit(0)

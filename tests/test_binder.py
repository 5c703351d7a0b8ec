"""Play Binder: a local Jupyter server serves each chapter as a notebook, and a kernel in book/ runs it.

What a reader's launch button leads to, minus the image build: a Jupyter
server from this environment (listening on 127.0.0.1 only, with a random
token, and jupytext's contents manager enabled by jupytext's own server
extension, as in the Binder image) is asked through the REST contents API
for ``book/<chapter>.md`` as a notebook. A session for that path starts a
kernel whose working directory is ``book/``, like JupyterLab's; every code
cell runs there, over the kernel's websocket, with no ``SSEKIT_CACHE_DIR``
(Binder has no disk cache). Any error fails the test. Then the MyST inline
expressions of the Markdown cells (``{eval}`n.x```) are evaluated in the
same kernel, as jupyterlab-myst does when it renders them.

Marked ``binder``: ``scripts/test -m "not binder"`` skips it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.binder

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("*.md") if p.read_text(encoding="utf-8").startswith("---\njupytext:"))
EVAL = re.compile(r"\{eval\}`([^`]+)`")
CELL_TIMEOUT = 600  # seconds; a chapter takes seconds to a few tens of seconds


class Server:
    """A Jupyter server on 127.0.0.1 and the few REST and websocket calls the test needs."""

    def __init__(self, tmp: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.token = secrets.token_hex(16)
        env = {k: v for k, v in os.environ.items() if k != "SSEKIT_CACHE_DIR"}
        # a clean per-user configuration; the environment's own (sys.prefix/etc/jupyter, where
        # jupytext enables its server extension) still applies, as in the Binder image
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
            env[name] = str(tmp / name.lower())
        self.log = open(tmp / "server.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}", "--ServerApp.open_browser=False",
             f"--ServerApp.root_dir={ROOT}"] + (["--allow-root"] if os.geteuid() == 0 else []),
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                self.get("/api/status")
                break
            except (urllib.error.URLError, ConnectionError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("Jupyter server did not start:\n" + (tmp / "server.log").read_text()[-3000:])
                time.sleep(0.3)

    def request(self, method: str, path: str, body: dict | None = None) -> dict:
        req = urllib.request.Request(self.base + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            text = resp.read().decode()
        return json.loads(text) if text else {}

    def get(self, path: str) -> dict:
        return self.request("GET", path)

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


class Kernel:
    """A kernel of the server, driven over its websocket channel (Jupyter messaging protocol 5.3)."""

    def __init__(self, server: Server, kernel_id: str):
        import websocket  # websocket-client, a dependency of jupyter_server

        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels",
            header=[f"Authorization: token {server.token}"], timeout=CELL_TIMEOUT)
        self.session = uuid.uuid4().hex

    def execute(self, code: str, user_expressions: dict[str, str] | None = None) -> tuple[list[dict], dict]:
        """Run ``code``; returns (error outputs, execute_reply content)."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "test", "session": self.session, "msg_type": "execute_request",
                       "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "allow_stdin": False,
                        "stop_on_error": True, "user_expressions": user_expressions or {}},
        }))
        errors, reply, idle = [], None, False
        while reply is None or not idle:
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "error":
                errors.append(msg["content"])
            elif kind == "execute_reply":
                reply = msg["content"]
            elif kind == "status" and msg["content"].get("execution_state") == "idle":
                idle = True
        if reply.get("status") == "error" and not errors:
            errors.append(reply)
        return errors, reply

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("binder"))
    yield s
    s.close()


def test_server_listens_on_loopback_only(server):
    assert server.get("/api/status")["started"]
    for ip in {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)} - {"127.0.0.1"}:
        with socket.socket() as s:
            s.settimeout(2)
            assert s.connect_ex((ip, server.port)) != 0, f"the server answers on {ip}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_runs_as_a_notebook(server, chapter):
    path = f"book/{chapter}.md"
    model = server.get(f"/api/contents/{path}?type=notebook&content=1")
    assert model["type"] == "notebook" and model["format"] == "json", "jupytext did not serve the chapter as a notebook"
    cells = model["content"]["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code, f"{path}: no code cells"
    session = server.request("POST", "/api/sessions", {"path": path, "type": "notebook", "name": f"{chapter}.md",
                                                       "kernel": {"name": "python3"}})
    kernel = Kernel(server, session["kernel"]["id"])
    try:
        _, reply = kernel.execute("import os", {"cwd": "os.getcwd()", "cache": "os.environ.get('SSEKIT_CACHE_DIR')"})
        expr = reply["user_expressions"]
        assert expr["cwd"]["data"]["text/plain"] == repr(str(ROOT / "book")), "kernel not started in book/"
        assert expr["cache"]["data"]["text/plain"] == "None", "SSEKIT_CACHE_DIR leaked into the kernel"
        t0 = time.perf_counter()
        for i, cell in enumerate(code):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            errors, _ = kernel.execute(source)
            assert not errors, f"{path}, code cell {i + 1}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
        seconds = time.perf_counter() - t0
        # the inline expressions jupyterlab-myst evaluates when it renders the Markdown cells
        markdown = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        exprs = sorted(set(EVAL.findall(markdown)))
        if exprs:
            _, reply = kernel.execute("", {str(i): e for i, e in enumerate(exprs)})
            bad = [(e, reply["user_expressions"][str(i)]) for i, e in enumerate(exprs)
                   if reply["user_expressions"][str(i)]["status"] != "ok"]
            assert not bad, f"{path}: inline expressions fail in the kernel: {bad}"
            shown = [reply["user_expressions"][str(i)]["data"]["text/plain"] for i in range(len(exprs))]
            assert not [s for s in shown if s.startswith("'")], f"{path}: quoted inline values {shown}"
        print(f"{chapter}: {seconds:.1f} s in a fresh kernel, no disk cache")
    finally:
        kernel.close()
        server.request("DELETE", f"/api/sessions/{session['id']}")

"""Real scrapyd servers on loopback for the deployment tests: each in a directory of its own, on a free
port, with the environment a crawl server gets (DATABASE_URL), stopped at the end."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.conftest import ROOT

PROJECT = "iran-municipal-news"
SCRAPYD = Path(sys.executable).parent / "scrapyd"
SCRAPYD_DEPLOY = Path(sys.executable).parent / "scrapyd-deploy"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ScrapydServer:
    """`scrapyd` started in `home` (its scrapyd.conf, eggs, per-job logs), in a process group of its own so
    that `kill` takes its running jobs with it, as a machine that goes down does."""

    def __init__(self, home: Path, environment: dict[str, str]):
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        home.mkdir(parents=True, exist_ok=True)
        (home / "scrapyd.conf").write_text(
            "[scrapyd]\n"
            f"bind_address = 127.0.0.1\nhttp_port = {self.port}\n"
            "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nitems_dir =\n"
            "max_proc = 4\npoll_interval = 0.2\n"
        )
        self.process = subprocess.Popen(
            [str(SCRAPYD)],
            cwd=home,
            env={**os.environ, **environment},
            stdout=(home / "scrapyd.out").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.get("daemonstatus.json")
                return
            except (urllib.error.URLError, ConnectionError):
                assert self.process.poll() is None, (home / "scrapyd.out").read_text()[-3000:]
                assert time.monotonic() < deadline, "scrapyd did not start"
                time.sleep(0.2)

    def get(self, endpoint: str, **query: str) -> dict:
        url = self.url + endpoint + ("?" + urllib.parse.urlencode(query) if query else "")
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)

    def post(self, endpoint: str, data: list[tuple[str, str]]) -> dict:
        body = urllib.parse.urlencode(data).encode()
        with urllib.request.urlopen(self.url + endpoint, data=body, timeout=10) as response:
            answer = json.load(response)
        assert answer["status"] == "ok", answer
        return answer

    def schedule(self, source: str, **settings: str) -> str:
        """schedule.json, as deploy/scrapyd/schedule calls it; returns the job id."""
        data = [("project", PROJECT), ("spider", source)] + [("setting", f"{k}={v}") for k, v in settings.items()]
        return self.post("schedule.json", data)["jobid"]

    def jobs(self) -> dict:
        return self.get("listjobs.json", project=PROJECT)

    def finished(self, job: str) -> bool:
        return any(entry["id"] == job for entry in self.jobs()["finished"])

    def running(self, job: str) -> bool:
        return any(entry["id"] == job for entry in self.jobs()["running"])

    def job_log(self, source: str, job: str) -> str:
        return (self.home / "logs" / PROJECT / source / f"{job}.log").read_text()

    def kill(self) -> None:
        """SIGKILL to scrapyd and every job it runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def build_egg(destination: Path) -> Path:
    """The project's egg, built by scrapyd-client from the checkout as an operator deploys it."""
    egg = destination / "project.egg"
    # From a copy of the project: setuptools leaves its build/ behind, and the suite writes nothing into the checkout.
    project = destination / "project"
    shutil.copytree(
        ROOT,
        project,
        ignore=shutil.ignore_patterns(".git", ".venv", "data", "build", "tests", "bench", "__pycache__", "*.egg-info"),
    )
    subprocess.run(
        [str(SCRAPYD_DEPLOY), "--build-egg", str(egg)], cwd=project, check=True, capture_output=True, timeout=300
    )
    return egg


def deploy(egg: Path, servers: list[ScrapydServer]) -> subprocess.CompletedProcess:
    """`scrapyd-deploy -a` with the deploy targets of scrapy.cfg pointed at these servers (addversion.json)."""
    targets = {f"CRAWL_SERVER_{n}": server.url for n, server in enumerate(servers, start=1)}
    return subprocess.run(
        [str(SCRAPYD_DEPLOY), "-a", "--egg", str(egg), "--version", "1"],
        cwd=ROOT,
        env={**os.environ, **targets},
        capture_output=True,
        text=True,
        timeout=120,
    )

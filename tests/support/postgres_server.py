"""A throwaway PostgreSQL server: a fresh cluster in a temporary directory, on 127.0.0.1 and a free
port, for the tests and the benchmarks. Nothing of the machine's own PostgreSQL is touched.

    with PostgresServer() as server:
        store = Store.open(server.url)      # postgresql+psycopg://crawler@127.0.0.1:PORT/news
        server.stop()                       # the database going away in the middle of a crawl

PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user (or `nobody`).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

DATABASE = "news"
USER = "crawler"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine (or they would not start)."""


def find_bin_dir() -> Path:
    """Where initdb and pg_ctl are: $PG_BIN, the PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    candidates = [os.environ.get("PG_BIN", "")]
    on_path = shutil.which("pg_ctl")
    candidates.append(str(Path(on_path).resolve().parent) if on_path else "")
    versions = (
        sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
        if Path("/usr/lib/postgresql").is_dir()
        else []
    )
    candidates += [str(path) for path in versions]
    for candidate in filter(None, candidates):
        if all((Path(candidate) / name).is_file() for name in ("initdb", "pg_ctl", "createdb")):
            return Path(candidate)
    raise PostgresUnavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl, createdb); install the `postgresql` package or set PG_BIN"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """A PostgreSQL cluster of its own, started on entering and deleted on leaving."""

    def __init__(self, *, durable: bool = True):
        self.bin = find_bin_dir()
        # durable=False turns fsync off: right for tests, wrong for measuring what production pays.
        self.durable = durable
        self.port = _free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="crawler-pg-"))
        self.data = self.directory / "data"
        self.owner = None
        if os.geteuid() == 0:
            self.owner = next((name for name in ("postgres", "nobody") if _user_exists(name)), None)
            if self.owner is None:
                raise PostgresUnavailable("running as root and no `postgres` or `nobody` user to run PostgreSQL as")
            account = pwd.getpwnam(self.owner)
            os.chown(self.directory, account.pw_uid, account.pw_gid)

    @property
    def url(self) -> str:
        return self.url_of(DATABASE)

    def url_of(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database on this server; its URL."""
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name)
        return self.url_of(name)

    def _run(self, *args: str) -> None:
        command = [*(["runuser", "-u", self.owner, "--"] if self.owner else []), *args]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.directory)
        if result.returncode:
            raise PostgresUnavailable(f"{Path(args[0]).name} failed: {(result.stderr or result.stdout).strip()[-800:]}")

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.directory}" + ("" if self.durable else " -F")
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def __enter__(self) -> PostgresServer:
        try:
            self._run(
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            )
            self.start()
            self.create_database(DATABASE)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True

"""A throwaway PostgreSQL server on 127.0.0.1, for the tests and the benchmark.

Why: the tracker store must work on PostgreSQL as well as SQLite, and CI has no database
service and no Docker. Debian's `postgresql` package gives us initdb/pg_ctl; this module
runs a private cluster in a temp dir (trust auth, loopback only, a free port, socket in the
temp dir), and removes it all on stop() or at interpreter exit.

fsync, synchronous_commit and full_page_writes are off: the data is thrown away, so crash
safety buys nothing and costs seconds. Never point this at data you want to keep.

    with PostgresServer() as pg:
        url = pg.create_database("bench")   # postgresql://postgres@127.0.0.1:<port>/bench
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

SUPERUSER = "postgres"
OS_USER = "postgres"  # initdb and postgres refuse to run as root; Debian's package creates this user
BINARIES = ("initdb", "pg_ctl", "postgres")
START_TIMEOUT = 60  # seconds, pg_ctl -w -t
STOP_TIMEOUT = 30
PORT_ATTEMPTS = 3  # a free port can be taken between choosing it and binding it
NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
SETTINGS = """
# bot/postgres_server.py: a throwaway test server
listen_addresses = '127.0.0.1'
unix_socket_directories = '{socket_dir}'
fsync = off
synchronous_commit = off
full_page_writes = off
"""


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server binaries are missing, or the server would not start."""


def _has_binaries(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in BINARIES)


def _version_key(bindir: str) -> tuple:
    version = Path(bindir).parent.name  # /usr/lib/postgresql/<version>/bin
    return tuple(int(part) for part in re.findall(r"\d+", version))


def find_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres, or None.

    Looked for on PATH (symlinks followed), then `pg_config --bindir`, then Debian's
    /usr/lib/postgresql/<version>/bin, newest version first.
    """
    candidates: list[Path] = []
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        candidates.append(Path(pg_ctl).resolve().parent)
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10)
            if out.returncode == 0 and out.stdout.strip():
                candidates.append(Path(out.stdout.strip()))
        except (OSError, subprocess.TimeoutExpired):
            pass
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    candidates.extend(Path(d) for d in debian)
    return next((d for d in candidates if _has_binaries(d)), None)


def _is_debian_root() -> bool:
    return os.geteuid() == 0 and Path("/etc/debian_version").exists() and shutil.which("apt-get") is not None


def ensure_installed() -> Path:
    """The server binaries' directory; installs Debian's `postgresql` first when root on Debian."""
    bindir = find_bindir()
    if bindir:
        return bindir
    if not _is_debian_root():
        raise PostgresUnavailable(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found on PATH, in "
            "`pg_config --bindir` or /usr/lib/postgresql/*/bin, and they can only be installed "
            "automatically as root on Debian: install them (Debian/Ubuntu: `apt-get install "
            "postgresql`) or put their directory on PATH"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "postgresql"]):
        try:
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired as e:
            raise PostgresUnavailable(f"`{' '.join(cmd)}` did not finish within 900 s") from e
        if done.returncode != 0:
            raise PostgresUnavailable(
                f"`{' '.join(cmd)}` failed ({done.returncode}):\n{_tail(done.stdout + done.stderr)}"
            )
    bindir = find_bindir()
    if not bindir:
        raise PostgresUnavailable("installed Debian's postgresql, but still found no initdb/pg_ctl/postgres")
    return bindir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (PID 1 in a container may not reap)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


class PostgresServer:
    """One private PostgreSQL cluster: start(), create_database(), drop_database(), stop().

    install=True lets start() install Debian's postgresql when it is missing (root only).
    port=None picks a free one (retrying if it is taken meanwhile).
    """

    def __init__(self, install: bool = True, port: int | None = None) -> None:
        self.install = install
        self.port = port
        self.host = "127.0.0.1"
        self.user = SUPERUSER
        self.bindir: Path | None = None
        self.dir: Path | None = None
        self.pid: int | None = None

    @property
    def datadir(self) -> Path:
        return self.dir / "data"

    @property
    def log_path(self) -> Path:
        return self.dir / "server.log"

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _run(self, *args: str, timeout: float) -> subprocess.CompletedProcess:
        """Run a server binary, as the postgres user when we are root."""
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", OS_USER, "--", *cmd]
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        # cwd: the postgres user may not be allowed into ours (e.g. /root)
        return subprocess.run(cmd, cwd=self.dir, env=env, capture_output=True, text=True, timeout=timeout)

    def _make_dir(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="pgtest-"))
        if os.geteuid() != 0:
            return
        try:
            owner = pwd.getpwnam(OS_USER)
        except KeyError:
            raise PostgresUnavailable(
                f"running as root, but there is no `{OS_USER}` user to run initdb/postgres as "
                "(Debian's postgresql package creates it)"
            ) from None
        os.chown(self.dir, owner.pw_uid, owner.pw_gid)
        for parent in self.dir.parents:  # the postgres user must be able to reach the dir
            if not os.stat(parent).st_mode & 0o001:
                raise PostgresUnavailable(f"{parent} is not searchable by the `{OS_USER}` user: set TMPDIR")

    def start(self) -> PostgresServer:
        if self.pid is not None:
            return self
        self.bindir = ensure_installed() if self.install else find_bindir()
        if not self.bindir:
            raise PostgresUnavailable("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found")
        atexit.register(self.stop)
        try:
            self._make_dir()
            self._initdb()
            self._start_server()
        except BaseException:
            self.stop()
            raise
        return self

    def _initdb(self) -> None:
        try:
            done = self._run(
                "initdb", "-D", str(self.datadir), "-A", "trust", "-U", SUPERUSER,
                "-E", "UTF8", "--locale=C", "--no-sync", timeout=120,
            )  # fmt: skip
        except subprocess.TimeoutExpired as e:
            raise PostgresUnavailable("initdb did not finish within 120 s") from e
        if done.returncode != 0:
            output = _tail(done.stdout + done.stderr)
            raise PostgresUnavailable(f"initdb failed ({done.returncode}):\n{output}")
        with open(self.datadir / "postgresql.conf", "a") as conf:
            conf.write(SETTINGS.format(socket_dir=self.dir))

    def _start_server(self) -> None:
        chosen = self.port
        attempts = 1 if chosen else PORT_ATTEMPTS
        for attempt in range(attempts):
            self.port = chosen or free_port()
            if self.log_path.exists():  # a retry: truncating keeps the postgres user as owner
                self.log_path.write_text("")
            try:
                done = self._run(
                    "pg_ctl", "-D", str(self.datadir), "-l", str(self.log_path), "-w",
                    "-t", str(START_TIMEOUT), "-o", f"-p {self.port}", "start",
                    timeout=START_TIMEOUT + 30,
                )  # fmt: skip
                ok = done.returncode == 0
                output = done.stdout + done.stderr
            except subprocess.TimeoutExpired:
                ok, output = False, f"pg_ctl start did not return within {START_TIMEOUT + 30} s"
            if ok:
                self.pid = int((self.datadir / "postmaster.pid").read_text().split()[0])
                return
            log = self.log_path.read_text(errors="replace")
            self._kill_leftover()
            if "could not bind" not in log or attempt == attempts - 1:
                raise PostgresUnavailable(
                    f"PostgreSQL did not start on 127.0.0.1:{self.port}: {_tail(output, 5)}\n"
                    f"--- last lines of the server log (its temp dir is removed) ---\n{_tail(log)}"
                )

    def _kill_leftover(self) -> None:
        """Stop a postmaster that pg_ctl left running (a timed-out start, a failed stop)."""
        pidfile = self.datadir / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return
        for sig, wait in ((signal.SIGINT, 10), (signal.SIGQUIT, 5), (signal.SIGKILL, 5)):
            if not _alive(pid):
                return
            try:
                os.kill(pid, sig)  # SIGINT: fast shutdown, SIGQUIT: immediate
            except ProcessLookupError:
                return
            deadline = time.monotonic() + wait
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)

    def stop(self) -> None:
        """pg_ctl stop -m fast, then remove the temp dir. Safe to call twice."""
        atexit.unregister(self.stop)
        if self.dir is None:
            return
        if self.pid is not None and (self.datadir / "postmaster.pid").exists():
            try:
                self._run(
                    "pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "-t", str(STOP_TIMEOUT), "stop",
                    timeout=STOP_TIMEOUT + 10,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                pass
        self._kill_leftover()
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None
        self.pid = None

    def halt(self) -> None:
        """Stop the server, keeping its data: a database outage. `-m fast`, not immediate:
        with fsync off (see SETTINGS) an immediate stop would lose the last commits."""
        self._run(
            "pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "-t", str(STOP_TIMEOUT), "stop",
            timeout=STOP_TIMEOUT + 10,
        )  # fmt: skip

    def resume(self) -> None:
        """Start a halted server again on the same port, with its data."""
        self._start_server()

    def status(self) -> str:
        """`pg_ctl status` output (while the data dir exists)."""
        done = self._run("pg_ctl", "-D", str(self.datadir), "status", timeout=30)
        return done.stdout + done.stderr

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        """A psycopg2 connection in autocommit mode."""
        conn = psycopg2.connect(
            host=self.host, port=self.port, user=self.user, dbname=database, connect_timeout=10
        )
        conn.autocommit = True
        return conn

    def create_database(self, name: str) -> str:
        """Create `name` (lower-case letters, digits, _) and return its SQLAlchemy URL."""
        if not NAME.fullmatch(name):
            raise ValueError(f"database name {name!r}: use [a-z_][a-z0-9_]*, at most 63 characters")
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        finally:
            conn.close()
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop `name` if it exists, closing connections left open to it (PostgreSQL 13+)."""
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        finally:
            conn.close()

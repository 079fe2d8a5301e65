"""The real processes some tests start, stop and kill: `yishi serve` workers, a private
redis-server and a private PostgreSQL (pgserver's binaries in a temporary data folder).

Never the machine's own servers: each of these listens on a free port of 127.0.0.1, so a
test may kill or restart it without touching anything another test (or helper) uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from tests.conftest import free_port

REDIS_SERVER = shutil.which("redis-server")
YISHI = Path(sys.executable).with_name("yishi")
START_TIMEOUT = 120.0  # a loaded 2-core CI machine has taken over 60 s to start a worker


class RedisProcess:
    """A private, memory-only redis-server on 127.0.0.1 that can be killed and restarted
    (on the same port: `kill()` then `start()`)."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.log = (log_dir / f"redis-{self.port}.log").open("ab")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        assert REDIS_SERVER
        self.proc = subprocess.Popen(  # noqa: ASYNC220 (Popen does not wait)
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        await wait_for_port(self.port, self.proc)

    def kill(self) -> None:
        """kill -9: no goodbye to the connected clients."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()
        self.log.close()


async def wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    async def poll() -> None:
        while True:
            assert proc.poll() is None, f"process exited with {proc.returncode}"
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                await writer.wait_closed()
                return
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), START_TIMEOUT)


class YishiProcess:
    """`yishi serve` in its own process, on the test database and the given pub/sub."""

    def __init__(
        self,
        database_url: str,
        broadcast_url: str,
        log_dir: Path,
        *,
        workers: int = 1,
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/graphql"
        self.log_path = log_dir / f"yishi-{self.port}.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "BROADCAST_URL": broadcast_url,
            "ENVIRONMENT": "test",
            "LOG_LEVEL": "INFO",
            "DATA_DIR": str(log_dir / "unused"),
            **(env or {}),
        }
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [str(YISHI), "serve", "--port", str(self.port), "--workers", str(workers)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def ready(self) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=5) as http:

            async def poll() -> None:
                while True:
                    assert self.proc.poll() is None, self.log_path.read_text()[-3000:]
                    with contextlib.suppress(httpx.HTTPError):
                        if (await http.get("/readyz")).status_code == 200:
                            return
                    await asyncio.sleep(0.1)

            await asyncio.wait_for(poll(), START_TIMEOUT)

    def kill(self) -> None:
        """kill -9: its sockets drop, its leases end with its connections."""
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


class PostgresProcess:
    """A private PostgreSQL: pgserver's binaries, a data folder of its own in the temporary
    directory, listening on 127.0.0.1 at a free port (kept across `restart`), fsync off.
    Stopped and started with pgserver's pg_ctl, so a test can restart the database under
    a running service. As root (containers, CI) the server runs as pgserver's system user,
    as pgserver itself does."""

    def __init__(self) -> None:
        self.port = free_port()
        self.data = Path(tempfile.mkdtemp(prefix="yishi-pg-"))
        self.log = self.data.with_name(self.data.name + ".log")
        self.user: str | None = None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, args: list[str]) -> None:
        from pgserver._commands import POSTGRES_BIN_PATH

        subprocess.run(
            [str(POSTGRES_BIN_PATH / tool), "-D", str(self.data), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            user=self.user,
            timeout=60,
        )

    def init(self) -> None:
        if os.geteuid() == 0:
            import pwd
            import stat

            from pgserver._commands import POSTGRES_BIN_PATH
            from pgserver.utils import (
                ensure_folder_permissions,
                ensure_prefix_permissions,
                ensure_user_exists,
            )

            self.user = "pgserver"
            ensure_user_exists(self.user)
            ensure_prefix_permissions(self.data)
            ensure_prefix_permissions(POSTGRES_BIN_PATH)
            read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
            ensure_folder_permissions(POSTGRES_BIN_PATH, read | execute)
            ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
            entry = pwd.getpwnam(self.user)
            os.chown(self.data, entry.pw_uid, entry.pw_gid)
            self.log.touch()
            os.chown(self.log, entry.pw_uid, entry.pw_gid)
        self._run("initdb", ["--auth=trust", "--encoding=utf8", "-U", "postgres", "--no-sync"])

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data} -F -c max_connections=200"
        self._run("pg_ctl", ["-w", "-o", options, "-l", str(self.log), "start"])

    def stop(self) -> None:
        """A fast shutdown: sessions are terminated, committed work is kept."""
        self._run("pg_ctl", ["-w", "-m", "fast", "stop"])

    def close(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self._run("pg_ctl", ["-w", "-m", "immediate", "stop"])
        shutil.rmtree(self.data, ignore_errors=True)
        self.log.unlink(missing_ok=True)

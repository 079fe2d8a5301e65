"""The `yishi` command as an operator runs it: the demo on an embedded PostgreSQL, serving
it, stopping cleanly, and refusing bad configuration."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from backend.core.settings import Settings
from backend.server.demo import DEMO_MEETING, DEMO_PASSWORD, DEMO_SLUG, PEOPLE

YISHI = str(Path(sys.executable).with_name("yishi"))
DEMO_PHONES = [phone for _, phone, _, _ in PEOPLE]


def clean_env(**overrides: str) -> dict[str, str]:
    """The environment without any setting of the service (so the defaults apply)."""
    settings = {name.upper() for name in Settings.model_fields}
    env = {
        k: v
        for k, v in os.environ.items()
        if k.upper() not in settings and k != "TEST_DATABASE_URL"
    }
    return {**env, **overrides}


def run_yishi(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [YISHI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_leftover_postgres(data_dir: Path) -> None:
    """Stop the embedded server of `data_dir` if a failed test left it running."""
    pid_file = data_dir / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, signal.SIGTERM)
    except (FileNotFoundError, ValueError, IndexError, ProcessLookupError):
        pass


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(working directory, DATA_DIR) for the demo; the embedded server is stopped after."""
    home = tmp_path_factory.mktemp("yishi-demo")
    data_dir = home / "pgdata"
    yield home, data_dir
    stop_leftover_postgres(data_dir)


@pytest.fixture(scope="module")
def first_demo_run(demo_home) -> subprocess.CompletedProcess[str]:
    home, data_dir = demo_home
    return run_yishi("demo", env=clean_env(DATA_DIR=str(data_dir)), cwd=home)


def test_demo_seeds_the_demo_county_and_lists_its_accounts(first_demo_run, demo_home):
    # given / when: `yishi demo` on an empty data directory (first_demo_run)
    result = first_demo_run

    # then
    assert result.returncode == 0, result.stderr
    assert f"slug: {DEMO_SLUG}" in result.stdout
    assert DEMO_PASSWORD in result.stdout
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("    138")]
    assert listed == DEMO_PHONES
    assert len(listed) == 9
    # the embedded server stopped with the command
    assert not (demo_home[1] / "postmaster.pid").exists()


def test_demo_is_idempotent(first_demo_run, demo_home):
    # given
    home, data_dir = demo_home
    assert first_demo_run.returncode == 0, first_demo_run.stderr

    # when
    second = run_yishi("demo", env=clean_env(DATA_DIR=str(data_dir)), cwd=home)

    # then
    assert second.returncode == 0, second.stderr
    assert second.stdout == first_demo_run.stdout


def test_demo_prints_the_address_it_is_told_to_serve(first_demo_run, demo_home):
    # given
    home, data_dir = demo_home
    assert first_demo_run.returncode == 0, first_demo_run.stderr

    # when: a port from the environment, and one from the option
    from_env = run_yishi("demo", env=clean_env(DATA_DIR=str(data_dir), PORT="9124"), cwd=home)
    from_option = run_yishi(
        "demo", "--port", "9125", env=clean_env(DATA_DIR=str(data_dir), PORT="9124"), cwd=home
    )

    # then
    assert "http://127.0.0.1:9124/graphql" in from_env.stdout, from_env.stdout
    assert "http://127.0.0.1:9125/graphql" in from_option.stdout, from_option.stdout
    assert ":8000" not in from_env.stdout + from_option.stdout


def test_serve_answers_and_stops_cleanly_on_sigterm(first_demo_run, demo_home):
    # given: the seeded demo
    home, data_dir = demo_home
    assert first_demo_run.returncode == 0, first_demo_run.stderr
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [YISHI, "serve", "--port", str(port)],
        env=clean_env(DATA_DIR=str(data_dir)),
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # when: it is ready
        deadline = time.monotonic() + 120  # a wait bound, generous for a loaded machine
        ready = None
        with httpx.Client(base_url=base, timeout=5) as http:
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    ready = http.get("/readyz")
                    if ready.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            assert ready is not None and ready.status_code == 200, "serve did not become ready"

            # then: the demo admin signs in
            response = http.post(
                "/graphql",
                headers={"X-Tenant": DEMO_SLUG},
                json={
                    "query": "mutation($p: String!, $w: String!) { login(input: {phone: $p, "
                    "password: $w}) { tokens { accessToken } user { displayName } "
                    "errors { code } } }",
                    "variables": {"p": DEMO_PHONES[0], "w": DEMO_PASSWORD},
                },
            )
            login = response.json()["data"]["login"]
            assert login["errors"] == []
            assert login["user"] == {"displayName": "王县管"}
            token = login["tokens"]["accessToken"]
            viewer = http.post(
                "/graphql",
                json={
                    "query": "{ viewer { roles county { slug } } meetings { edges { node { "
                    "title state agenda { speakerName timer { durationSeconds } } "
                    "polls { state options } } } } }"
                },
                headers={"Authorization": f"Bearer {token}"},
            )
            assert viewer.json()["data"]["viewer"] == {
                "roles": ["TENANT_ADMIN"],
                "county": {"slug": DEMO_SLUG},
            }
            # and the demo 述职报告会 is there to try the live features
            meetings = [e["node"] for e in viewer.json()["data"]["meetings"]["edges"]]
            (meeting,) = [m for m in meetings if m["title"] == DEMO_MEETING]
            assert meeting["title"] == DEMO_MEETING and meeting["state"] == "ANNOUNCED"
            assert [a["timer"]["durationSeconds"] for a in meeting["agenda"]] == [600, 600]
            assert meeting["polls"] == [{"state": "DRAFT", "options": ["同意", "不同意", "弃权"]}]
        assert (data_dir / "postmaster.pid").exists()

        # when: asked to stop
        server.send_signal(signal.SIGTERM)
        returncode = server.wait(timeout=30)

        # then: it exits, and the embedded PostgreSQL stops with it
        deadline = time.monotonic() + 15
        while (data_dir / "postmaster.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not (data_dir / "postmaster.pid").exists(), "embedded PostgreSQL still running"
        assert returncode == 128 + signal.SIGTERM, server.stderr.read() if server.stderr else ""
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_production_with_a_short_jwt_secret_is_refused(tmp_path):
    # when
    result = run_yishi(
        "tenants",
        "list",
        cwd=tmp_path,
        env=clean_env(
            JWT_SECRET="short", ENVIRONMENT="production", DATABASE_URL="postgresql://x@127.0.0.1/x"
        ),
    )

    # then
    assert result.returncode == 2
    assert "JWT_SECRET" in result.stderr
    assert result.stdout == ""


def test_a_bad_broadcast_url_is_refused(tmp_path):
    # when
    result = run_yishi(
        "tenants",
        "list",
        cwd=tmp_path,
        env=clean_env(BROADCAST_URL="ftp://x", DATA_DIR=str(tmp_path / "pg")),
    )

    # then
    assert result.returncode == 2
    assert "broadcast_url" in result.stderr
    assert not (tmp_path / "pg").exists()  # refused before starting any database

"""The deployment files say what the service does (issue 9, "infra/"): every environment
variable they set is a setting the service reads, the probes hit routes that answer, more
than one replica always goes with a Redis hub, every command is one `yishi` has, and the
files they mount exist."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from backend.core.settings import Settings
from backend.server.cli import app as cli

DEPLOY = Path(__file__).resolve().parents[1] / "infra" / "deploy"
SETTINGS = {name.upper() for name in Settings.model_fields}
#: Read by the image or the entrypoint, not by Settings.
OTHER_ENV = {"POSTGRES_PASSWORD", "PROMETHEUS_MULTIPROC_DIR"}


def k8s_documents() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    return docs


def pod_spec(doc: dict[str, Any]) -> dict[str, Any] | None:
    spec = doc.get("spec", {})
    if doc["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]["spec"]
    if doc["kind"] in {"Deployment", "StatefulSet", "Job"}:
        return spec["template"]["spec"]
    return None


def containers() -> Iterator[tuple[str, dict[str, Any]]]:
    for doc in k8s_documents():
        spec = pod_spec(doc)
        for c in (spec or {}).get("containers", []):
            yield doc["metadata"]["name"], c


def config_maps() -> dict[str, dict[str, str]]:
    return {d["metadata"]["name"]: d["data"] for d in k8s_documents() if d["kind"] == "ConfigMap"}


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def env_names(container: dict[str, Any]) -> set[str]:
    names = {e["name"] for e in container.get("env", [])}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            names |= set(config_maps()[source["configMapRef"]["name"]])
    return names


def yishi_commands() -> Iterator[list[str]]:
    for _, c in containers():
        command = c.get("command", [])
        if command[:2] == ["sh", "-c"]:
            command = shlex.split(command[2])
        if command and command[0] == "yishi":
            yield command
    for service in compose()["services"].values():
        if service.get("command", [None])[0] == "yishi":
            yield service["command"]


def test_every_environment_variable_is_a_setting_the_service_reads():
    unknown = {
        (name, var)
        for name, c in containers()
        if c["image"].startswith("yishi")
        for var in env_names(c)
        if var not in SETTINGS | OTHER_ENV
    }
    for service, spec in compose()["services"].items():
        if spec["image"].startswith("yishi"):
            unknown |= {
                (service, var) for var in spec.get("environment", {}) if var not in SETTINGS
            }
    assert unknown == set()


def test_the_yishi_replicas_use_a_redis_hub_and_the_rls_login():
    deployment = next(d for d in k8s_documents() if d["metadata"]["name"] == "yishi")
    assert deployment["spec"]["replicas"] > 1
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    config = config_maps()["yishi-config"]
    assert config["BROADCAST_URL"].startswith("redis://")
    assert config["ENVIRONMENT"] == "production"
    assert {"APP_DATABASE_URL", "JWT_SECRET", "ID_KEY"} <= env_names(container)
    web = compose()["services"]["yishi"]
    assert web["deploy"]["replicas"] > 1 and web["environment"]["BROADCAST_URL"].startswith(
        "redis://"
    )
    assert "yishi_web" in web["environment"]["APP_DATABASE_URL"]


async def test_the_probes_hit_routes_that_answer(server, gql):
    deployment = next(d for d in k8s_documents() if d["metadata"]["name"] == "yishi")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe in ("readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["port"] in ports
        response = await gql.http.get(server.base_url + get["path"])
        assert response.status_code == 200, (probe, get["path"])
    serve = container["command"]
    assert serve[serve.index("--port") + 1] == str(ports["http"])


@pytest.mark.parametrize("command", list(yishi_commands()), ids=" ".join)
def test_every_command_is_one_yishi_has(command):
    groups = {g.name: g.typer_instance for g in cli.registered_groups}
    names = {c.name or c.callback.__name__ for c in cli.registered_commands}
    if command[1] in groups:
        sub = groups[command[1]]
        assert command[2] in {c.name or c.callback.__name__ for c in sub.registered_commands}
    else:
        assert command[1] in names


def test_the_files_the_deployment_mounts_exist():
    for volume in compose()["services"]["postgres"]["volumes"]:
        source = volume.split(":", 1)[0]
        if source.startswith("."):
            assert (DEPLOY / source).resolve().is_file(), source
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    root = DEPLOY.parents[1]
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            for part in line.split()[1:-1]:
                assert (root / part).exists(), part

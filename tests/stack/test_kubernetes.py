"""deploy/kubernetes: the base and the household overlay render with Debian's kubectl, every
object is valid Kubernetes 1.36 (strict schemas shipped in kubernetes-validate, read offline),
and they keep the promises compose keeps: the same images, volumes, path map and health checks."""

from __future__ import annotations

import base64
import copy
import os
from pathlib import Path
import re
import shutil
import subprocess
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from custom_components.mediahub.hub.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "kubernetes"
COMPOSE = ROOT / "stack" / "compose.yaml"
LAN = "192.168.1.0/24"
WORKLOADS = ("Deployment", "StatefulSet")

type Doc = dict[str, Any]


def kubectl() -> str:
    binary = shutil.which("kubectl")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("kubectl is missing: scripts/setup installs kubernetes-client")
        pytest.skip("kubectl is not installed here (scripts/setup installs it in the rootfs)")
    return binary


def render(folder: Path) -> list[Doc]:
    result = subprocess.run(
        [kubectl(), "kustomize", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [d for d in yaml.safe_load_all(result.stdout) if d]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Doc]]:
    """The base, and the overlay with its secrets.env made from the example, as a household does."""
    tree = tmp_path_factory.mktemp("deploy") / "kubernetes"
    shutil.copytree(DEPLOY, tree)
    household = tree / "overlays" / "household"
    shutil.copy(household / "secrets.env.example", household / "secrets.env")
    return {"base": render(tree / "base"), "household": render(household)}


@pytest.fixture(scope="module")
def base(rendered: dict[str, list[Doc]]) -> list[Doc]:
    return rendered["base"]


@pytest.fixture(scope="module")
def household(rendered: dict[str, list[Doc]]) -> list[Doc]:
    return rendered["household"]


@pytest.fixture(scope="module")
def compose() -> Doc:
    return dict(yaml.safe_load(COMPOSE.read_text()))


def find(docs: list[Doc], kind: str, name: str) -> Doc:
    """The object of that kind and name (a generated one's name has its hash appended)."""
    named = re.compile(rf"{re.escape(name)}(-[a-z0-9]{{10}})?")
    [doc] = [d for d in docs if d["kind"] == kind and named.fullmatch(d["metadata"]["name"])]
    return doc


def pods(docs: list[Doc]) -> dict[str, Doc]:
    return {
        d["metadata"]["name"]: d["spec"]["template"]["spec"] for d in docs if d["kind"] in WORKLOADS
    }


def containers(pod: Doc) -> list[Doc]:
    """The containers that run for the pod's life: its containers and its native sidecars."""
    sidecars = [c for c in pod.get("initContainers", []) if c.get("restartPolicy") == "Always"]
    return sidecars + list(pod["containers"])


def all_containers(docs: list[Doc]) -> dict[str, Doc]:
    return {c["name"]: c for pod in pods(docs).values() for c in containers(pod)}


def asks_what_compose_asks(probe: Doc, service: Doc) -> bool:
    """A probe runs compose's health-check command, or asks the URL that command asks."""
    test = service["healthcheck"]["test"]
    assert test[0] == "CMD"
    if "exec" in probe:
        return bool(probe["exec"]["command"] == test[1:])
    url = re.search(r"http://127\.0\.0\.1:(\d+)(/[\w/]*)", " ".join(test[1:]))
    assert url is not None, test
    return (probe["httpGet"]["port"], probe["httpGet"]["path"]) == (int(url[1]), url[2])


@pytest.mark.parametrize("which", ["base", "household"])
def test_every_object_is_valid_kubernetes_1_36_strict(
    rendered: dict[str, list[Doc]], which: str
) -> None:
    docs = rendered[which]
    kinds = {d["kind"] for d in docs}
    assert {"Deployment", "StatefulSet", "Service", "NetworkPolicy", "ConfigMap"} <= kinds
    for doc in docs:
        assert kubernetes_validate.validate(doc, "1.36", strict=True) == "1.36", doc["kind"]


def test_the_strict_schemas_refuse_what_the_api_server_would(base: list[Doc]) -> None:
    """The check is real: a misspelt field, or a sidecar's restartPolicy as a string, fails."""
    workload = copy.deepcopy(find(base, "Deployment", "qbittorrent"))
    workload["spec"]["template"]["spec"]["containers"][0]["imagePullPolcy"] = "Always"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(workload, "1.36", strict=True)
    workload = copy.deepcopy(find(base, "Deployment", "qbittorrent"))
    workload["spec"]["template"]["spec"]["initContainers"][0]["startupProbe"]["periodSeconds"] = "5"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(workload, "1.36", strict=True)


@pytest.mark.parametrize("which", ["base", "household"])
def test_every_container_has_probes_requests_and_limits(
    rendered: dict[str, list[Doc]], which: str
) -> None:
    found = all_containers(rendered[which])
    assert set(found) == {"gluetun", "qbittorrent", "prowlarr", "plex", "panel"}
    for name, container in found.items():
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert probe in container, (name, probe)
        for bound in ("requests", "limits"):
            assert set(container["resources"][bound]) == {"cpu", "memory"}, (name, bound)
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, name


def test_qbittorrent_lives_in_gluetuns_network_namespace_and_starts_after_the_tunnel(
    base: list[Doc],
) -> None:
    pod = pods(base)["qbittorrent"]
    # One pod, one network namespace: gluetun a native sidecar, qBittorrent its only container.
    [gluetun] = pod["initContainers"]
    assert gluetun["name"] == "gluetun" and gluetun["restartPolicy"] == "Always"
    assert [c["name"] for c in pod["containers"]] == ["qbittorrent"]
    assert not pod.get("hostNetwork")
    # The kubelet starts the containers only once the sidecar's startup probe passes: the
    # image's own health check, which passes only with the tunnel up.
    assert gluetun["startupProbe"]["exec"]["command"] == ["/gluetun-entrypoint", "healthcheck"]
    assert gluetun["securityContext"]["capabilities"]["add"] == ["NET_ADMIN"]
    tun = next(v for v in pod["volumes"] if v["name"] == "tun")
    assert tun["hostPath"] == {"path": "/dev/net/tun", "type": "CharDevice"}
    assert {"name": "tun", "mountPath": "/dev/net/tun"} in gluetun["volumeMounts"]
    # The kill switch: the firewall lets out the tunnel, the cluster and the LAN only.
    config = find(base, "ConfigMap", "gluetun")["data"]
    assert LAN in config["FIREWALL_OUTBOUND_SUBNETS"].split(",")
    assert config["FIREWALL_INPUT_PORTS"] == "8080,8000"
    role = next(e for e in gluetun["env"] if e["name"] == "HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE")
    assert role["value"] == '{"auth":"apikey","apikey":"$(GLUETUN_API_KEY)"}'
    # The Service gluetun (as compose names it) reaches the pod's WebUI and control server; no
    # Service carries the torrenting port (peers come through the tunnel).
    service = find(base, "Service", "gluetun")
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": "qbittorrent"}
    assert {p["port"] for p in service["spec"]["ports"]} == {8080, 8000}
    assert all(
        p["port"] != 6881 for s in base if s["kind"] == "Service" for p in s["spec"]["ports"]
    )


@pytest.mark.parametrize("which", ["base", "household"])
def test_probes_ask_what_compose_health_checks_ask(
    rendered: dict[str, list[Doc]], compose: Doc, which: str
) -> None:
    services = compose["services"]
    names = {"panel": "mediahub"}
    for name, container in all_containers(rendered[which]).items():
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert asks_what_compose_asks(container[probe], services[names.get(name, name)]), (
                name,
                probe,
            )


def test_non_root_and_read_only_where_the_images_allow_and_the_docs_say_where_not(
    base: list[Doc],
) -> None:
    pod = pods(base)["mediahub-panel"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 1000
    [panel] = pod["containers"]
    assert panel["securityContext"]["readOnlyRootFilesystem"] is True
    assert panel["securityContext"]["capabilities"]["drop"] == ["ALL"]
    # The Dockerfile's user is the same.
    assert "--uid 1000" in (ROOT / "stack" / "Dockerfile").read_text()
    docs = (ROOT / "docs" / "kubernetes.md").read_text()
    section = docs[docs.index("## Root and read-only") :]
    for name in ("gluetun", "qBittorrent", "Prowlarr", "Plex"):
        assert name in section, name
    for name, spec in pods(base).items():
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name


def test_secrets_come_from_the_secret_and_never_from_a_configmap(household: list[Doc]) -> None:
    secret = find(household, "Secret", "mediahub-secrets")
    plain = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    for name, container in all_containers(household).items():
        for env in container.get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref is not None:
                assert ref["name"] == secret["metadata"]["name"], (name, env)
                assert ref["key"] in plain or ref.get("optional") is True, (name, ref)
            if re.search(r"KEY|PASSWORD|TOKEN|CLAIM", env["name"]) and "ROLE" not in env["name"]:
                assert ref is not None, (name, env["name"])
            for value in plain.values():
                assert value not in env.get("value", ""), (name, env["name"])
    for config in (d for d in household if d["kind"] == "ConfigMap"):
        for key, value in config["data"].items():
            assert not re.search(r"KEY|PASSWORD|TOKEN|CLAIM", key), (config["metadata"], key)
            for secret_value in plain.values():
                assert secret_value not in value, (config["metadata"]["name"], key)
    # The real secrets.env is never committed.
    assert "deploy/kubernetes/overlays/*/secrets.env" in (ROOT / ".gitignore").read_text()


def images(docs: list[Doc]) -> set[str]:
    return {c["image"] for c in all_containers(docs).values()}


@pytest.mark.parametrize("which", ["base", "household"])
def test_compose_and_kubernetes_run_the_same_pinned_images(
    rendered: dict[str, list[Doc]], compose: Doc, which: str
) -> None:
    in_compose = {s["image"] for s in compose["services"].values()}
    assert images(rendered[which]) == in_compose
    for image in in_compose:
        name, _, tag = image.rpartition(":")
        assert name and "/" not in tag and tag not in ("", "latest"), image
        assert re.search(r"\d+\.\d+", tag), image
    # The panel's image is the release's: the integration's version.
    version = yaml.safe_load(
        (ROOT / "custom_components" / "mediahub" / "manifest.json").read_text()
    )["version"]
    assert f"ghcr.io/mediahub-dev/mediahub-panel:{version}" in in_compose


def test_the_volumes_and_path_map_are_compose_s(base: list[Doc], compose: Doc) -> None:
    def mounts(container: Doc) -> dict[str, str | None]:
        return {m["mountPath"]: m.get("subPath") for m in container["volumeMounts"]}

    def data_folders(service: str) -> dict[str, str]:
        """compose: container path → the folder under DATA_ROOT."""
        found = {}
        for volume in compose["services"][service]["volumes"]:
            source, target = volume.rsplit(":", 1)
            if source.startswith("${DATA_ROOT"):
                found[target] = source.rsplit("/", 1)[1]
        return found

    found = all_containers(base)
    for k8s, service in (("qbittorrent", "qbittorrent"), ("plex", "plex"), ("panel", "mediahub")):
        on_data = {
            path: sub
            for path, sub in mounts(found[k8s]).items()
            if any(
                m["name"] == "data" and m["mountPath"] == path for m in found[k8s]["volumeMounts"]
            )
        }
        assert on_data == data_folders(service), k8s
    # Every data mount is the one claim, which every node may mount.
    for pod in pods(base).values():
        for volume in pod["volumes"]:
            if volume["name"] == "data":
                assert volume["persistentVolumeClaim"]["claimName"] == "data"
    assert find(base, "PersistentVolumeClaim", "data")["spec"]["accessModes"] == ["ReadWriteMany"]
    # The panel's settings are compose's.
    panel_config = find(base, "ConfigMap", "mediahub-panel")["data"]
    ours = Settings.from_env({**panel_config, "MEDIAHUB_PROWLARR_API_KEY": "k"})
    theirs_env = {
        k: v
        for k, v in compose["services"]["mediahub"]["environment"].items()
        if not str(v).startswith("${")
    }
    theirs = Settings.from_env({**theirs_env, "MEDIAHUB_PROWLARR_API_KEY": "k"})
    for field in ("path_map", "categories", "state_dir", "torrents_dir", "qbittorrent_url"):
        assert getattr(ours, field) == getattr(theirs, field), field
    assert ours.prowlarr_url == theirs.prowlarr_url and ours.plex_url == theirs.plex_url
    assert ours.gluetun_url == theirs.gluetun_url
    assert (ours.state_dir, "state") in [
        (m["mountPath"], m["name"]) for m in found["panel"]["volumeMounts"]
    ]


def test_only_the_panel_reaches_qbittorrent_and_the_panel_answers_the_lan_only(
    household: list[Doc],
) -> None:
    labels = {
        d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"]
        for d in household
        if d["kind"] in WORKLOADS
    }
    qbittorrent = find(household, "NetworkPolicy", "qbittorrent")["spec"]
    assert qbittorrent["podSelector"]["matchLabels"].items() <= labels["qbittorrent"].items()
    assert qbittorrent["policyTypes"] == ["Ingress"]
    [rule] = qbittorrent["ingress"]
    [source] = rule["from"]
    assert set(source) == {"podSelector"}
    assert source["podSelector"]["matchLabels"].items() <= labels["mediahub-panel"].items()
    assert {p["port"] for p in rule["ports"]} == {8080, 8000}

    panel = find(household, "NetworkPolicy", "mediahub-panel")["spec"]
    assert panel["podSelector"]["matchLabels"].items() <= labels["mediahub-panel"].items()
    [rule] = panel["ingress"]
    assert rule["from"] == [{"ipBlock": {"cidr": LAN}}]
    assert rule["ports"] == [{"protocol": "TCP", "port": 3000}]
    # The overlay puts the panel on a LAN address, for LAN clients, keeping their address.
    service = find(household, "Service", "mediahub-panel")["spec"]
    assert service["type"] == "LoadBalancer"
    assert service["loadBalancerSourceRanges"] == [LAN]
    assert service["externalTrafficPolicy"] == "Local"
    assert service["sessionAffinity"] == "ClientIP"
    # gluetun's Service stays inside the cluster.
    assert find(household, "Service", "gluetun")["spec"].get("type", "ClusterIP") == "ClusterIP"


def test_the_household_keeps_its_media_on_nfs_and_runs_two_panels(household: list[Doc]) -> None:
    volume = find(household, "PersistentVolume", "mediahub-data")["spec"]
    assert set(volume["nfs"]) == {"server", "path"}
    assert volume["accessModes"] == ["ReadWriteMany"]
    claim = find(household, "PersistentVolumeClaim", "data")["spec"]
    assert claim["volumeName"] == "mediahub-data" and claim["storageClassName"] == ""
    panel = find(household, "StatefulSet", "mediahub-panel")["spec"]
    assert panel["replicas"] == 2
    assert [t["metadata"]["name"] for t in panel["volumeClaimTemplates"]] == ["state"]
    assert {
        d["metadata"].get("namespace") for d in household if d["kind"] != "PersistentVolume"
    } - {None} == {"mediahub"}

"""The filter as the Wasm OCI image Istio and Envoy Gateway pull (the Wasm image spec's compat
variant): scripts/oci-image.sh builds it, skopeo pushes it to a registry on loopback and pulls
it back, and the pulled .wasm is the tested filter, byte for byte, counting requests in Envoy."""

import gzip
import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import time
import tomllib
import urllib.request

import pytest
import yaml

import harness
from harness import Envoy, get, prometheus, wait_for

SCRIPT = harness.ROOT / "scripts" / "oci-image.sh"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def tool(name, package):
    """Fails (never skips) when a Debian tool the test needs is missing."""
    path = shutil.which(name)
    if not path:
        raise AssertionError(f"missing {name}: Debian package {package}; scripts/setup.sh installs it")
    return path


def crates_version():
    """The version every crate inherits from the workspace, the filter included."""
    workspace = tomllib.loads((harness.ROOT / "Cargo.toml").read_text())["workspace"]["package"]
    package = tomllib.loads((harness.ROOT / "crates" / "slo-filter" / "Cargo.toml").read_text())["package"]
    assert package["version"] == {"workspace": True}, "slo-filter no longer inherits the workspace version"
    return workspace["version"]


def oci_image(*args):
    return subprocess.run(["bash", str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=60)


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def plugin_wasm(layout):
    """Reads the one image of an OCI layout as a mesh would (compat variant: a single tar+gzip
    layer holding plugin.wasm), checking every blob against its digest and size; returns the
    index entry and the .wasm."""
    [entry] = json.loads((layout / "index.json").read_text())["manifests"]

    def blob(descriptor):
        data = (layout / "blobs" / "sha256" / descriptor["digest"].removeprefix("sha256:")).read_bytes()
        assert (sha256(data), len(data)) == (descriptor["digest"], descriptor["size"]), descriptor
        return data

    assert entry["mediaType"] == MANIFEST
    manifest = json.loads(blob(entry))
    assert manifest["mediaType"] == MANIFEST and manifest["config"]["mediaType"] == CONFIG
    assert manifest.get("annotations", {}).get("module.wasm.image/variant") == "compat", manifest
    [layer] = manifest["layers"]
    assert layer["mediaType"] == LAYER
    tar_bytes = gzip.decompress(blob(layer))
    config = json.loads(blob(manifest["config"]))
    assert config["rootfs"] == {"type": "layers", "diff_ids": [sha256(tar_bytes)]}
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        [member] = tar.getmembers()
        assert member.name == "plugin.wasm" and member.isfile(), member.name
        return entry, tar.extractfile(member).read()


@pytest.fixture
def registry(tmp_path):
    """The registry of the docker-registry package on a free loopback port, plain HTTP, its
    storage in the test's directory; yields host:port."""
    binary = tool("docker-registry", "docker-registry")
    address = f"127.0.0.1:{harness.free_port()}"
    config = tmp_path / "registry.yml"
    config.write_text(yaml.safe_dump({
        "version": "0.1", "log": {"level": "warn", "accesslog": {"disabled": True}},
        "storage": {"filesystem": {"rootdirectory": str(tmp_path / "registry")}},
        "http": {"addr": address}}))
    log_path = tmp_path / "registry.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)

    def up():
        if process.poll() is not None:
            raise AssertionError(f"the registry exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"http://{address}/v2/", timeout=2) as r:
                return r.status == 200, r.status
        except OSError as e:
            return False, e

    try:
        wait_for(up, timeout=10, what="the registry answering /v2/")
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def skopeo_copy(tmp_path, *args):
    # The test trusts its own image; the machine's signature policy is not what is tested.
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"default": [{"type": "insecureAcceptAnything"}]}))
    done = subprocess.run([tool("skopeo", "skopeo"), "--policy", str(policy), "copy", "--quiet", *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"skopeo copy {' '.join(args)} failed: {done.stderr}"


def test_the_image_goes_through_a_registry_and_its_wasm_counts_requests_in_envoy(registry, upstream, tmp_path):
    tool("skopeo", "skopeo")
    wasm = harness.require(harness.WASM, "the SLO filter")
    version = crates_version()
    built = tmp_path / "built"
    digests = []
    for run in range(2):
        if run:  # a second later, a second run replaces the layout with the very same image
            time.sleep(1.1)
        done = oci_image("--wasm", wasm, "--out", built)
        assert done.returncode == 0, done.stderr
        assert done.stdout == f"oci:{built}:{version}\n"
        entry, packed = plugin_wasm(built)
        digests.append(entry["digest"])
    assert digests[0] == digests[1], "the same .wasm gave two different images"
    assert entry["annotations"]["org.opencontainers.image.ref.name"] == version
    assert packed == wasm.read_bytes()

    image = f"{registry}/slo-filter:{version}"
    skopeo_copy(tmp_path, "--preserve-digests", "--dest-tls-verify=false", f"oci:{built}:{version}", f"docker://{image}")
    # What a mesh's image fetcher is served: the OCI manifest as built, under the same digest.
    request = urllib.request.Request(f"http://{registry}/v2/slo-filter/manifests/{version}", headers={"Accept": MANIFEST})
    with urllib.request.urlopen(request, timeout=10) as r:
        assert r.headers["content-type"] == MANIFEST
        assert r.headers["docker-content-digest"] == entry["digest"] == sha256(r.read())
    pulled = tmp_path / "pulled"
    skopeo_copy(tmp_path, "--src-tls-verify=false", f"docker://{image}", f"oci:{pulled}:{version}")
    pulled_entry, plugin = plugin_wasm(pulled)
    assert pulled_entry["digest"] == entry["digest"]
    assert plugin == wasm.read_bytes(), "the .wasm pulled from the registry differs from the one built"

    plugin_path = tmp_path / "plugin.wasm"
    plugin_path.write_bytes(plugin)
    listen, admin = harness.free_port(), harness.free_port()
    config = harness.envoy_config(wasm=plugin_path, listen_port=listen, admin_port=admin,
                                  upstream=f"127.0.0.1:{upstream.port}", tick_seconds=1)
    (tmp_path / "envoy").mkdir()
    envoy = Envoy(config, concurrency=1, workdir=tmp_path / "envoy")
    try:
        envoy.wait_ready()
        assert get(listen, "/api/checkout/cart")[0] == 200
        key = ("slo_requests_total", (("outcome", "good"), ("slo", "checkout-availability")))
        wait_for(lambda: (prometheus(envoy).get(key) == 1, prometheus(envoy).get(key)),
                 what="the request counted by the filter pulled from the registry")
    finally:
        envoy.stop()


def test_the_image_carries_the_crates_version_and_licence(tmp_path):
    """The manifest's annotations say what Cargo.toml's [workspace.package] says, which every
    crate inherits (the filter's, and those a user installs)."""
    workspace = tomllib.loads((harness.ROOT / "Cargo.toml").read_text())["workspace"]["package"]
    for crate in ("slo-filter", "slo-core", "slo-gen", "slo-cli"):
        package = tomllib.loads((harness.ROOT / "crates" / crate / "Cargo.toml").read_text())["package"]
        assert package["license"] == {"workspace": True}, f"{crate} no longer inherits the workspace licence"
    assert (harness.ROOT / "LICENSE").is_file()
    done = oci_image("--wasm", harness.require(harness.WASM, "the SLO filter"), "--out", tmp_path / "image")
    assert done.returncode == 0, done.stderr
    [entry] = json.loads((tmp_path / "image" / "index.json").read_text())["manifests"]
    manifest = json.loads((tmp_path / "image" / "blobs" / "sha256" / entry["digest"].removeprefix("sha256:")).read_text())
    assert manifest["annotations"]["org.opencontainers.image.version"] == workspace["version"] == crates_version()
    assert manifest["annotations"]["org.opencontainers.image.licenses"] == workspace["license"]


def test_the_istio_and_envoy_gateway_manifests_pull_the_image_of_the_crates_version():
    istio = harness.shipped("istio/wasm-plugin.yaml")["spec"]["url"]
    [wasm] = harness.shipped("envoy-gateway/extension-policy.yaml")["spec"]["wasm"]
    assert istio == "oci://" + wasm["code"]["image"]["url"]
    assert istio.endswith(f"/slo-filter:{crates_version()}"), istio


def test_the_image_script_refuses_what_is_not_wasm_and_keeps_what_is_not_a_layout(tmp_path):
    not_wasm = tmp_path / "filter.wasm"
    not_wasm.write_text("not a module")
    done = oci_image("--wasm", not_wasm, "--out", tmp_path / "image")
    assert done.returncode != 0 and "is not a WebAssembly module" in done.stderr, done.stderr
    assert not (tmp_path / "image").exists()
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "notes.txt").write_text("mine")
    done = oci_image("--wasm", harness.require(harness.WASM, "the SLO filter"), "--out", keep)
    assert done.returncode != 0 and "is not an OCI image layout" in done.stderr, done.stderr
    assert (keep / "notes.txt").read_text() == "mine"
    done = oci_image("--tag", "x")
    assert done.returncode != 0 and "unknown argument '--tag'" in done.stderr, done.stderr

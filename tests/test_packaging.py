"""Install metadata stays true: the .mcpb manifest, the registry's server.json, versions, the README.

`scripts/package_smoke.sh` (CI) builds, installs and runs the wheel and the bundle, and has the
official mcpb CLI validate the manifest; these tests keep the metadata consistent with the code.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
from pydantic import SecretStr
from pydantic_settings import BaseSettings

import betaops
from betaops.providers.alexa.settings import AlexaSettings
from betaops.providers.betasend.settings import BetasendSettings
from betaops.providers.betatesting.settings import BetaTestingSettings
from betaops.providers.testflight.settings import TestFlightSettings
from betaops.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = json.loads((ROOT / "manifest.json").read_text())
SERVER = json.loads((ROOT / "server.json").read_text())
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
README = (ROOT / "README.md").read_text()
NEWEST = "2025-12-11"  # the newest registry schema (internal/validators/schemas/ of modelcontextprotocol/registry)
SETTINGS: tuple[type[BaseSettings], ...] = (
    Settings,
    BetaTestingSettings,
    TestFlightSettings,
    AlexaSettings,
    BetasendSettings,
)


def variables() -> dict[str, Any]:
    """Every environment variable betaops reads -> the annotation of its settings field."""
    out: dict[str, Any] = {}
    for cls in SETTINGS:
        prefix = str(cls.model_config.get("env_prefix", ""))
        for name, field in cls.model_fields.items():
            out[f"{prefix}{name}".upper()] = field.annotation
    return out


def is_secret(annotation: Any) -> bool:
    return SecretStr in getattr(annotation, "__args__", (annotation,))


def test_every_version_is_the_package_version() -> None:
    version = PYPROJECT["project"]["version"]
    assert betaops.__version__ == version == MANIFEST["version"] == SERVER["version"]
    assert [p["version"] for p in SERVER["packages"]] == [version]


def test_the_bundle_asks_for_each_provider_credential_and_hides_the_secrets() -> None:
    env: dict[str, str] = MANIFEST["server"]["mcp_config"]["env"]
    config: dict[str, dict[str, Any]] = MANIFEST["user_config"]
    known = variables()
    used = set()
    for variable, value in env.items():
        found = re.fullmatch(r"\$\{user_config\.(\w+)\}", value)
        assert found and found.group(1) in config, f"{variable}={value} names no user_config"
        key = found.group(1)
        used.add(key)
        assert variable in known, f"{variable} is not a setting betaops reads"
        assert config[key].get("sensitive", False) is is_secret(known[variable]), variable
        assert config[key]["required"] is False, f"{key}: every provider is optional"
        if known[variable] == Path | None:
            assert config[key]["type"] == "file", variable
    assert used == set(config), f"user_config never used: {set(config) - used}"
    credentials = {
        "BETATESTING_API_KEY",
        "TESTFLIGHT_KEY_ID",
        "TESTFLIGHT_PRIVATE_KEY_PATH",
        "ALEXA_CLIENT_ID",
        "ALEXA_CLIENT_SECRET",
        "ALEXA_REFRESH_TOKEN",
        "BETASEND_DOMAIN",
        "BETASEND_API_KEY",
        "BETASEND_HASH",
    }
    assert credentials <= set(env)


def test_the_bundle_runs_betaops_serve_with_uv_from_its_own_folder() -> None:
    server = MANIFEST["server"]
    assert MANIFEST["manifest_version"] == "0.4" and server["type"] == "uv"
    assert (ROOT / server["entry_point"]).is_file()
    assert server["mcp_config"]["command"] == "uv"
    assert server["mcp_config"]["args"] == ["run", "--directory", "${__dirname}", "betaops", "serve"]
    assert "betaops" in PYPROJECT["project"]["scripts"]


def test_server_json_describes_the_pypi_package_like_the_bundle() -> None:
    assert re.fullmatch(r"[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+", SERVER["name"])
    assert 1 <= len(SERVER["description"]) <= 100
    (package,) = SERVER["packages"]
    assert package["registryType"] == "pypi" and package["identifier"] == PYPROJECT["project"]["name"]
    assert package["transport"] == {"type": "stdio"}
    assert package["packageArguments"] == [{"type": "positional", "value": "serve"}]
    described = {v["name"]: v for v in package["environmentVariables"]}
    bundle = MANIFEST["server"]["mcp_config"]["env"]
    assert set(described) == set(bundle)
    known = variables()
    for name, item in described.items():
        assert item["isSecret"] is is_secret(known[name]), name
        assert item["isRequired"] is False and item["description"]
    # The registry proves PyPI ownership by this line in the package's description (its README).
    assert f"mcp-name: {SERVER['name']}" in README


SCHEMA_COPY = ROOT / "tests" / "schemas" / "mcp-registry" / NEWEST / "server.schema.json"  # source: SOURCE.md beside it


def registry_schema() -> dict[str, Any]:
    """The MCP Registry's published server.json schema, named by our `$schema`: the copy in the tree."""
    version = SERVER["$schema"].split("/schemas/", 1)[1].split("/", 1)[0]  # e.g. 2025-12-11
    assert version == NEWEST, "a new schema version: add its copy under tests/schemas/mcp-registry/"
    schema: dict[str, Any] = json.loads(SCHEMA_COPY.read_text())
    return schema


def test_the_schema_copy_is_the_published_one() -> None:
    """Byte for byte the schema the pinned test dependency `skillsaw` bundles from
    `modelcontextprotocol/static` (the repository behind static.modelcontextprotocol.io)."""
    package = files("skillsaw.schemas.mcp_registry") / f"v{NEWEST.replace('-', '_')}"
    assert "modelcontextprotocol/static" in (package / "SCHEMA-SOURCE.md").read_text()
    assert SCHEMA_COPY.read_bytes() == (package / "server.schema.json").read_bytes()
    assert "MIT License" in (SCHEMA_COPY.parent / "LICENSE").read_text()


def test_server_json_validates_against_the_registry_schema() -> None:
    schema = registry_schema()
    assert (
        schema["$id"]
        == SERVER["$schema"]
        == f"https://static.modelcontextprotocol.io/schemas/{NEWEST}/server.schema.json"
    )
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(SERVER), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    broken = {**SERVER, "description": "x" * 101}
    assert not validator.is_valid(broken)  # the schema really constrains


def lint_server_json(server: dict[str, Any], where: Path) -> dict[str, Any]:
    """skillsaw's registry rules: the schema plus what the registry checks on publishing (one slash
    in a reverse-DNS name, exact versions)."""
    (where / "server.json").write_text(json.dumps(server))
    rules = ("mcp-registry-server-json-valid", "mcp-registry-version-semver")
    command = [sys.executable, "-m", "skillsaw", "lint", "--no-progress", "--format", "json", "--fail-on", "warning"]
    done = subprocess.run(
        [*command, *(a for r in rules for a in ("--rule", r)), "."], cwd=where, capture_output=True, text=True
    )
    report: dict[str, Any] = json.loads(done.stdout)
    report["returncode"] = done.returncode
    return report


def test_server_json_passes_the_registry_publishing_rules(tmp_path: Path) -> None:
    report = lint_server_json(SERVER, tmp_path)
    assert report["returncode"] == 0 and not report["violations"], report["violations"]
    bad = {**SERVER, "name": "betaops", "packages": [{**SERVER["packages"][0], "version": "latest"}]}
    flagged = lint_server_json(bad, tmp_path)
    assert flagged["returncode"] != 0
    messages = " ".join(v["message"] for v in flagged["violations"])
    assert "name" in messages and "exact release" in messages


def test_the_readme_test_command_is_what_ci_runs() -> None:
    block = README.split("## Run the tests", 1)[1].split("```bash\n", 1)[1].split("\n```", 1)[0]
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert block.strip() == ci.strip()
    assert "scripts/package_smoke.sh" in ci


def test_blank_settings_count_as_unset(tmp_path: Path) -> None:
    """A desktop host passes a credential left blank as an empty string; betaops treats it as unset."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BETAOPS_", "BETATESTING_"))}
    env |= dict.fromkeys(MANIFEST["server"]["mcp_config"]["env"], "")
    env |= {"BETATESTING_API_KEY": "btst_" + "a" * 64, "XDG_STATE_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "betaops", "tools"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0] for line in done.stdout.splitlines() if line.strip()}
    assert "betatesting_list_issues" in listed
    assert not any(name.startswith(("testflight_", "alexa_", "betasend_")) for name in listed)


def test_the_packaging_smoke_passes_against_this_checkout(tmp_path: Path) -> None:
    """The smoke CI runs against the installed wheel and the bundle, run here on the checkout first:
    a change to a tool's arguments (page_size became limit) breaks this test, not only CI's last step."""
    server = [sys.executable, "-m", "betaops", "serve", "--sandbox"]
    smoke = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "stdio_smoke.py"), *server],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path)},
        cwd=tmp_path,
    )
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "smoke: ok  testflight_list_apps returned" in smoke.stdout

#!/usr/bin/env bash
# Packaging, as a user installs betaops: the wheel and sdist (`python -m build`), the wheel installed
# in a fresh venv and smoked over stdio from outside the checkout (prompts and TestFlight spec files
# must be in it), and the .mcpb bundle validated and packed with the official mcpb CLI, then started
# the way a desktop host starts it (its manifest's `uv run`, every user_config left blank).
# server.json and manifest.json are checked by pytest (tests/test_packaging.py).
# Needs the project's venv active (build and uv come with the test extras); installs Node 22 and mcpb.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.cache/package
rm -rf "$OUT" && mkdir -p "$OUT"
VERSION=$(python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
WHEEL="$OUT/dist/betaops-$VERSION-py3-none-any.whl"
SDIST="$OUT/dist/betaops-$VERSION.tar.gz"

echo "package: building the wheel and sdist"
python -m build --outdir "$OUT/dist" . >"$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log" >&2; exit 1; }
python - "$WHEEL" "$SDIST" <<'PY'
import sys, tarfile, zipfile
wheel, sdist = sys.argv[1:]
names = zipfile.ZipFile(wheel).namelist()
prompts = [n for n in names if n.startswith("betaops/_prompts/") and n.endswith(".md")]
specs = [n for n in names if n.startswith("betaops/providers/testflight/spec/") and n.endswith(".json")]
assert len(prompts) >= 5 and len(specs) >= 2, f"wheel lacks prompts or spec files: {prompts} {specs}"
assert not any(n.startswith(("tests/", "bench/")) for n in names), "tests or bench in the wheel"
members = tarfile.open(sdist).getnames()
assert any("/prompts/" in n for n in members) and any(n.endswith("spec/operations.json") for n in members), "sdist"
print(f"package: ok  wheel {len(names)} files ({len(prompts)} prompts, {len(specs)} spec files); sdist {len(members)}")
PY

echo "package: installing the wheel in a fresh venv"
python -m venv "$OUT/venv"
"$OUT/venv/bin/pip" install -q "$WHEEL" >"$OUT/install.log" 2>&1 || { tail -40 "$OUT/install.log" >&2; exit 1; }
cd "$OUT"  # away from the checkout: only the installed copy can be imported
venv/bin/python -c 'import betaops, sys; sys.exit(None if "/site-packages/" in betaops.__file__ else betaops.__file__)'
venv/bin/python ../../scripts/stdio_smoke.py venv/bin/betaops serve --sandbox
cd - >/dev/null

echo "package: the .mcpb bundle"
. scripts/npm_tools.sh
install_mcpb
mkdir -p "$OUT/stage" && tar -xzf "$SDIST" -C "$OUT/stage"
BUNDLE="$OUT/stage/betaops-$VERSION"  # exactly what a wheel is built from, plus the manifest
rm -f "$BUNDLE/PKG-INFO" && cp manifest.json "$BUNDLE/"
$MCPB validate "$BUNDLE/manifest.json"
$MCPB pack "$BUNDLE" "$OUT/betaops-$VERSION.mcpb" >"$OUT/pack.log" 2>&1 || { cat "$OUT/pack.log" >&2; exit 1; }
mkdir -p "$OUT/unpacked" && python -m zipfile -e "$OUT/betaops-$VERSION.mcpb" "$OUT/unpacked"
python - "$OUT/unpacked" <<'PY'
import pathlib, sys
root = pathlib.Path(sys.argv[1])
names = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
for wanted in ("manifest.json", "pyproject.toml", "README.md", "src/betaops/cli.py", "prompts/triage-new-issues.md"):
    assert wanted in names, f"the bundle lacks {wanted}"
stray = [n for n in names if n.startswith((".venv/", "tests/", ".cache/", "server/lib/", "server/venv/"))]
assert not stray, f"the bundle holds {stray[:5]}"
print(f"package: ok  bundle holds {len(names)} files, no venv and no tests")
PY
# uv (from the test extras) uses this interpreter and never downloads one.
UV_PYTHON="$(python -c 'import sys; print(sys.executable)')" UV_PYTHON_DOWNLOADS=never \
    python scripts/stdio_smoke.py --bundle "$OUT/unpacked"
sha256sum "$OUT/betaops-$VERSION.mcpb" | sed 's/^/package: /'
echo "package: wheel, sdist and bundle OK"

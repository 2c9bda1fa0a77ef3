#!/usr/bin/env bash
# The official MCP conformance suite against `betaops serve --http --sandbox`, in both protocol
# eras, judged against conformance-baseline.yml; then the Inspector CLI smoke (scripts/inspector_smoke.sh).
# Exits non-zero on any failure that is not in the baseline, or on a stale baseline entry.
# Needs `betaops` on PATH (the project's venv); installs Node 22 and the npm tools itself.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/npm_tools.sh
install_mcp_tools

BETAOPS=$(command -v betaops) || { echo "conformance: betaops is not on PATH (activate the venv)" >&2; exit 1; }
OUT=.cache/conformance
rm -rf "$OUT" && mkdir -p "$OUT"
PORT=$(free_port)
URL="http://127.0.0.1:$PORT/mcp"

"$BETAOPS" serve --http --sandbox --port "$PORT" >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
if ! wait_for_health "http://127.0.0.1:$PORT/health" "$SERVER"; then
    echo "conformance: the server did not become healthy" >&2
    cat "$OUT/server.log" >&2
    exit 1
fi

failed=0
run_era() {  # run_era ERA VERSION BIN REQUIREMENTS ARGS...: one leg of the suite, judged against the baseline
    local era=$1 version=$2 bin=$3 requirements=$4; shift 4
    local log="$OUT/$era.log" rc=0
    node "$bin" server --url "$URL" --expected-failures conformance-baseline.yml -o "$OUT/$era" "$@" >"$log" 2>&1 || rc=$?
    python - "$OUT/$era" "$log" "$era" "$version" "$requirements" <<'PY'
import collections, json, pathlib, re, sys
import yaml
out, log, era, version, requirements = sys.argv[1:]
scored = set(yaml.safe_load(open(requirements))["server"]) if requirements else None
checks, clean, scenarios, unscored = collections.Counter(), 0, 0, 0
for path in pathlib.Path(out).glob("*/checks.json"):
    scenario = re.sub(r"^server-|-\d{4}-\d{2}-\d{2}T.*$", "", path.parent.name)
    if scored is not None and scenario not in scored:
        unscored += 1  # extension or pending: run and reported, never counted
        continue
    statuses = [check["status"] for check in json.loads(path.read_text())]
    checks.update(statuses)
    scenarios += 1
    clean += not ({"FAILURE", "WARNING"} & set(statuses))
expected = sum(line.strip().startswith("~ ") for line in pathlib.Path(log).read_text().splitlines())
print(
    f"conformance {era} (@modelcontextprotocol/conformance {version}): {clean} of {scenarios} scored scenarios clean; "
    f"their checks: {checks['SUCCESS']} succeeded, {checks['FAILURE']} failed, {checks['WARNING']} warned; "
    f"{expected} baseline entries matched; {unscored} extension/pending scenarios also run, not scored"
)
PY
    if [ "$rc" -ne 0 ]; then
        failed=1
        echo "conformance $era: UNEXPECTED (exit $rc): failures not in conformance-baseline.yml, or stale entries:"
        sed -n '/Unexpected failures\|Stale baseline\|Error:/,$p' "$log" | head -80
    else
        echo "conformance $era: every failure is an expected fixture scenario (see conformance-baseline.yml)"
    fi
}

run_era 2025-11-25 "$CONFORMANCE_STABLE" "$CONFORMANCE_STABLE_BIN" ""
run_era 2026-07-28 "$CONFORMANCE_NEXT" "$CONFORMANCE_NEXT_BIN" "$(dirname "$CONFORMANCE_NEXT_BIN")/../requirements/2026-07-28.yaml" \
    --requirements 2026-07-28

kill "$SERVER" 2>/dev/null || true
wait "$SERVER" 2>/dev/null || true
trap - EXIT

bash scripts/inspector_smoke.sh || failed=1
if [ "$failed" -ne 0 ]; then
    echo "conformance: FAILED (logs in $OUT)" >&2
    exit 1
fi
echo "conformance and Inspector smoke: OK"

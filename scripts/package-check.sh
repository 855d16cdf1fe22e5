#!/usr/bin/env bash
# Packaging checks: build, publint, attw on the packed tarball, then install that tarball into a fresh project
# (with its peer dependencies), type-check a consumer of every entry from ESM and CommonJS with
# skipLibCheck: false, and run one real call from ESM and from CommonJS.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
npx publint --strict
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tarball=$(npm pack --silent --pack-destination "$tmp" | tail -n 1)
npx attw "$tmp/$tarball" --profile node16
effect_version=$(node -p 'require("./node_modules/effect/package.json").version')
platform_version=$(node -p 'require("./node_modules/@effect/platform/package.json").version')
ioredis_version=$(node -p 'require("./node_modules/ioredis/package.json").version')
typescript_version=$(node -p 'require("./node_modules/typescript/package.json").version')
types_node_version=$(node -p 'require("./node_modules/@types/node/package.json").version')
mkdir -p "$tmp/consumer"
cp scripts/smoke/esm.mjs scripts/smoke/cjs.cjs scripts/smoke/types.mts scripts/smoke/types.cts \
  scripts/smoke/tsconfig.json "$tmp/consumer/"
(
  cd "$tmp/consumer"
  npm init -y >/dev/null
  npm install --prefer-offline --no-audit --no-fund --silent \
    "$tmp/$tarball" "effect@$effect_version" "@effect/platform@$platform_version" "ioredis@$ioredis_version" \
    "typescript@$typescript_version" "@types/node@$types_node_version"
  npx tsc -p tsconfig.json
  echo "consumer type-check (ESM and CommonJS, every entry, skipLibCheck: false) passed"
  node esm.mjs
  node cjs.cjs
  # The command this edition installs: `npx effect-binance-pm` runs its bundle, and stdout is the JSON alone.
  npx --no-install effect-binance-pm account-info --demo --json --asset BTC |
    node -e 'const line = require("fs").readFileSync(0, "utf8").trim(); if (JSON.parse(line).asset !== "BTC") process.exit(1)'
  echo "npx effect-binance-pm (0.x) passed"
)
echo "package checks passed"

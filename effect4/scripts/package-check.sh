#!/usr/bin/env bash
# Packaging checks of the Effect 4 edition, as the root's scripts/package-check.sh does for Effect 3: build,
# publint, attw on the packed tarball (node16 ESM/CJS and bundler), then install that tarball into a fresh app
# next to effect@4 with a plain `npm install` (no --legacy-peer-deps: it must not ERESOLVE), type-check a
# consumer of every entry from ESM and CommonJS with skipLibCheck: false (which also proves stripInternal left
# every type a public .d.ts needs) and the README's first program with the README's tsconfig.json, each under
# TypeScript 5.9 and 7, and run one real call from ESM and from CommonJS (./redis: loaded, and its
# typed failures without a Redis).
set -euo pipefail
cd "$(dirname "$0")/.."
# The root's check:package runs this too; install this edition first if nobody has.
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
npx publint --strict
# Every entry of issue 9 is published: ".", "./promise", "./testing", "./redis".
node -e '
const exports = require("./package.json").exports
const missing = [".", "./promise", "./testing", "./redis"].filter((entry) => !(entry in exports))
if (missing.length > 0) { console.error("exports map lacks", missing.join(", ")); process.exit(1) }
'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tarball=$(npm pack --silent --pack-destination "$tmp" | tail -n 1)
# node16 profile: node16 CommonJS, node16 ESM and bundler resolution (node10 is out of this edition's engines)
npx attw "$tmp/$tarball" --profile node16
effect_version=$(node -p 'require("./node_modules/effect/package.json").version')
ioredis_version=$(node -p 'require("./node_modules/ioredis/package.json").version')
typescript_version=$(node -p 'require("./node_modules/typescript/package.json").version')
types_node_version=$(node -p 'require("./node_modules/@types/node/package.json").version')
typescript7_version=$(node -p 'require("./node_modules/typescript7/package.json").version')
mkdir -p "$tmp/consumer"
cp scripts/smoke/esm.mjs scripts/smoke/cjs.cjs scripts/smoke/types.mts scripts/smoke/types.cts \
  scripts/smoke/tsconfig.json "$tmp/consumer/"
# The README's first program with the README's tsconfig.json (test/examples/tsconfig.json is that block).
mkdir -p "$tmp/consumer/readme"
cp test/examples/readme-first.ts test/examples/tsconfig.json "$tmp/consumer/readme/"
echo '{ "type": "module" }' >"$tmp/consumer/readme/package.json"
(
  cd "$tmp/consumer"
  npm init -y >/dev/null
  npm install --no-audit --no-fund --silent \
    "$tmp/$tarball" "effect@$effect_version" "ioredis@$ioredis_version" \
    "typescript@$typescript_version" "typescript7@npm:typescript@$typescript7_version" "@types/node@$types_node_version"
  if npm ls --all 2>/dev/null | grep -E "@effect/(platform|schema)"; then
    echo "an Effect 3 package reached the consumer's tree" >&2
    exit 1
  fi
  # Both compilers the README supports. The smoke's tsconfig has no "types" entry: TypeScript 7 then loads no
  # @types package by itself, so this also proves the declarations reference Node's types where they need them.
  for tsc in node_modules/typescript/bin/tsc node_modules/typescript7/bin/tsc; do
    version=$(node "$tsc" -v)
    node "$tsc" -p tsconfig.json
    echo "consumer type-check (ESM and CommonJS, every entry, skipLibCheck: false, no types entry): $version passed"
    node "$tsc" -p readme/tsconfig.json --noEmit
    echo "the README's first program with the README's tsconfig.json: $version passed"
  done
  node esm.mjs
  node cjs.cjs
  # The command this edition installs: `npx effect-binance-pm` runs its bundle, and stdout is the JSON alone.
  npx --no-install effect-binance-pm account-info --demo --json --asset BTC |
    node -e 'const line = require("fs").readFileSync(0, "utf8").trim(); if (JSON.parse(line).asset !== "BTC") process.exit(1)'
  echo "npx effect-binance-pm (1.x) passed"
)
echo "package checks (Effect 4 edition) passed"

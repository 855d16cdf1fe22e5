#!/usr/bin/env bash
# Packaging checks: build, publint, attw on the packed tarball, then install that tarball into a fresh project
# (with its peer dependencies) and run one real call from ESM and from CommonJS.
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
mkdir -p "$tmp/consumer"
cp scripts/smoke/esm.mjs scripts/smoke/cjs.cjs "$tmp/consumer/"
(
  cd "$tmp/consumer"
  npm init -y >/dev/null
  npm install --prefer-offline --no-audit --no-fund --silent \
    "$tmp/$tarball" "effect@$effect_version" "@effect/platform@$platform_version"
  node esm.mjs
  node cjs.cjs
)
echo "package checks passed"

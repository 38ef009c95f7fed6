#!/usr/bin/env bash
# Builds the real gitlab-runner from source through the Go module proxy, as issue 11 asks:
# `go mod download` the runner module at a pinned version, then `go build` inside that module
# directory (so its own go.mod, go.sum and replace directives apply), and caches the binary outside
# the clone, keyed by version:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/vending/gitlab-runner/<module version>/gitlab-runner
# A cached binary is reused. Prints the binary's path on success (exit 0). When the build fails it
# names the first module the proxy refused, lists the others, and exits 1; without go, exit 2.
# Not called by .ci/run or the tests: today the proxy refuses the runner's gitlab.com dependencies
# (docs/development.md, "The real gitlab-runner").
#   usage: src/test/tools/gitlab-runner.sh
set -euo pipefail

module=gitlab.com/gitlab-org/gitlab-runner
# The runner's main after v19.3.1 (VERSION file 19.4.0): the only version of the module the proxy
# lists, since the runner's release tags (v19.x) are not valid Go module versions for it.
module_version=v1.11.1-0.20260903214710-fc1f1862bd91
runner_version=19.4.0
revision=fc1f1862
built=2026-09-03T21:47:10Z

say() { echo "gitlab-runner.sh: $*" >&2; }

command -v go >/dev/null 2>&1 || { say "go is not installed (https://go.dev/dl/)"; exit 2; }

cache_root=${XDG_CACHE_HOME:-${HOME:?HOME is not set}/.cache}
cache=$cache_root/vending/gitlab-runner/$module_version
bin=$cache/gitlab-runner
if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
  say "cached: $bin"
  echo "$bin"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Outside any module, so this fetches just the runner's own module (source and go.mod).
say "go mod download $module@$module_version"
(cd "$tmp" && GOFLAGS="${GOFLAGS:-} -mod=mod" go mod download -json "$module@$module_version") >"$tmp/download.json" 2>"$tmp/download.err" || true
dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' "$tmp/download.json")
error=$(sed -n 's/^[[:space:]]*"Error": "\(.*\)",*$/\1/p' "$tmp/download.json")
if [ -z "$dir" ] || [ -n "$error" ] || [ ! -d "$dir" ]; then
  say "blocked: the module itself could not be downloaded: ${error:-$(cat "$tmp/download.err")}"
  exit 1
fi
found_version=$(cat "$dir/VERSION" 2>/dev/null || echo unknown)
[ "$found_version" = "$runner_version" ] || say "note: $dir/VERSION says $found_version, expected $runner_version"

# Local replace directives point into the module; module zips leave out nested modules, so such a
# directory can be missing from the download even when the build would need it.
while read -r target; do
  [ -d "$dir/$target" ] || say "note: go.mod replaces a module with ./$target, which is not in the downloaded module (nested modules are left out of module zips)"
done < <(sed -n 's/^replace .* => \(\.\/[^ ]*\)$/\1/p' "$dir/go.mod" | sed 's|^\./||')

say "go build in $dir (its own go.mod; dependencies come from ${GOPROXY:-$(go env GOPROXY)})"
ns=$module/common
ldflags="-X $ns.NAME=gitlab-runner -X $ns.VERSION=$runner_version -X $ns.REVISION=$revision -X $ns.BRANCH=main -X $ns.BUILT=$built -w"
start=$SECONDS
if (cd "$dir" && go build -trimpath -ldflags "$ldflags" -o "$tmp/gitlab-runner" .) >"$tmp/build.log" 2>&1; then
  mkdir -p "$cache"
  mv -f "$tmp/gitlab-runner" "$bin.partial.$$" && mv -f "$bin.partial.$$" "$bin"
  say "built in $((SECONDS - start)) s: $bin ($(du -h "$bin" | cut -f1)); $("$bin" --version 2>/dev/null | head -n 1)"
  echo "$bin"
  exit 0
fi

# Which modules the proxy refused, in the order go reported them.
refused=$(sed -n 's/.*[[:space:]]\([^[:space:]]*@[^:[:space:]]*\): reading \(https:[^[:space:]]*\): \(4[0-9][0-9] [A-Za-z ]*\)$/\1 (\3)/p' "$tmp/build.log" | awk '!seen[$0]++')
if [ -n "$refused" ]; then
  first=$(head -n 1 <<<"$refused")
  reason=$(grep -m 1 'server response:' "$tmp/build.log" | sed 's/^[[:space:]]*server response: *//' || true)
  say "blocked: the Go module proxy refused $first${reason:+: $reason}"
  say "all refused modules ($(wc -l <<<"$refused")):"
  while read -r line; do echo "  $line" >&2; done <<<"$refused"
else
  say "go build failed:"
  head -n 20 "$tmp/build.log" >&2
fi
exit 1

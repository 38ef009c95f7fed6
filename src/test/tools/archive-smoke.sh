#!/usr/bin/env bash
# Proves the release archive runs where it is unpacked: builds it as CI does (the build job's
# `./mvnw -B -DskipTests package` in a fresh copy of the sources, then the package job's
# .ci/package), unpacks it in a temporary directory with no clone, mvnw or sources around, and
# runs `vending --version` and `vending generate` there: by an absolute path, a relative path and a
# symbolic link, with JAVA_HOME, and with the class-data-sharing archive in the user's cache.
# Run by ArchiveSmokeTest (tagged slow); by hand: src/test/tools/archive-smoke.sh
set -euo pipefail
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "archive-smoke: FAIL: $*" >&2; exit 1; }
step() { echo "archive-smoke: $*" >&2; }

step "copying the sources to a fresh build directory"
mkdir -p "$tmp/build"
cp -r "$project/pom.xml" "$project/mvnw" "$project/.mvn" "$project/.ci" "$project/vending" "$tmp/build/"
mkdir -p "$tmp/build/src"
cp -r "$project/src/main" "$tmp/build/src/"

step "building as the CI build job does (./mvnw -B -DskipTests package)"
(cd "$tmp/build" && ./mvnw -q -B -DskipTests package) >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; fail "build failed"; }

step "packaging as the CI package job does (.ci/package)"
archive=$("$tmp/build/.ci/package" "$tmp/dist")
[ -f "$archive" ] || fail "no archive at $archive"

mkdir -p "$tmp/install" "$tmp/home" "$tmp/work" "$tmp/bin"
tar -C "$tmp/install" -xzf "$archive"
rm -rf "$tmp/build" # nothing of the clone may be left for the launcher to find
app=$tmp/install/vending
[ -x "$app/vending" ] || fail "the archive has no executable vending launcher"
[ -f "$app/vending.jar" ] || fail "the archive has no vending.jar"
for absent in mvnw pom.xml src target; do
  [ ! -e "$app/$absent" ] || fail "the archive contains $absent"
done

# A user's environment: own HOME (the CDS archive goes to its cache), no XDG_CACHE_HOME.
export HOME=$tmp/home
unset XDG_CACHE_HOME VENDING_NO_CDS VENDING_JAVA_OPTS
cd "$tmp/work"

step "vending --version (absolute path)"
out=$("$app/vending" --version) || fail "vending --version exited $?"
case $out in vending\ *) ;; *) fail "unexpected --version output: $out" ;; esac

jsa=$HOME/.cache/vending/cds$app/vending.jsa
[ -f "$jsa" ] || fail "no class-data-sharing archive at $jsa after the first run"
# -Xshare:on makes the JVM fail instead of silently running without an archive it cannot use
VENDING_JAVA_OPTS=-Xshare:on "$app/vending" --version >/dev/null || fail "the CDS archive is not usable (-Xshare:on failed)"

step "vending generate (relative path, to a file)"
rel=../install/vending/vending
"$rel" generate --runners 2 --spot -o fleet.yaml 2>"$tmp/generate.err" || { cat "$tmp/generate.err" >&2; fail "generate exited non-zero"; }
head -n 1 fleet.yaml | grep -qx "AWSTemplateFormatVersion: '2010-09-09'" || fail "fleet.yaml is not a template: $(head -n 3 fleet.yaml)"
grep -q 'AWS::AutoScaling::AutoScalingGroup' fleet.yaml || fail "fleet.yaml has no Auto Scaling group"
VENDING_JAVA_OPTS=-Xshare:on "$rel" --version >/dev/null || fail "the CDS archive is not used when started by a relative path"

step "vending generate through a symbolic link, with JAVA_HOME"
ln -s "$app/vending" "$tmp/bin/vending"
java_bin=$(readlink -f "$(command -v java)")
java_home=${java_bin%/bin/java}
JAVA_HOME=$java_home "$tmp/bin/vending" generate --runners 1 --format json >fleet.json || fail "generate via a symlink with JAVA_HOME failed"
grep -q '"AWSTemplateFormatVersion"' fleet.json || fail "fleet.json is not a template"

step "a JAVA_HOME without java is one clear error"
if err=$(JAVA_HOME=$tmp/nojava "$app/vending" --version 2>&1); then
  fail "a JAVA_HOME without bin/java was accepted"
fi
case $err in *JAVA_HOME*) ;; *) fail "unclear error for a bad JAVA_HOME: $err" ;; esac

step "with no writable cache the launcher still runs (no CDS archive)"
: >"$tmp/not-a-directory"
HOME=$tmp/not-a-directory "$app/vending" --version >/dev/null || fail "vending failed without a writable cache"

echo "archive-smoke: OK ($archive unpacked and run)"

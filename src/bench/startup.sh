#!/usr/bin/env bash
# Start-up and memory benchmark: each command against `java -version`, measured in the same run
# (machines are noisy, so compare ratios, not absolute times). Median of RUNS runs each.
#   usage: src/bench/startup.sh [RUNS]        (default 9; needs GNU time: apt-get install time)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
runs=${1:-9}
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time): apt-get install -y time" >&2; exit 2; }

./vending --version >/dev/null   # builds the jar and the CDS archive if needed

# The floor: a hello-world jar with the launcher's JVM flags and its own CDS archive. No Java
# program started this way can be faster, so it shows how much of the budget the JVM itself takes.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jvm_flags=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off) # as ./vending
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' >"$tmp/Hello.java"
javac -d "$tmp" "$tmp/Hello.java"
printf 'Main-Class: Hello\n' >"$tmp/manifest"
jar cfm "$tmp/hello.jar" "$tmp/manifest" -C "$tmp" Hello.class
java "${jvm_flags[@]}" -XX:ArchiveClassesAtExit="$tmp/hello.jsa" -jar "$tmp/hello.jar" >/dev/null 2>&1

measure() { # label, command... -> "label median_s max_rss_mb"
  local label=$1; shift
  local times=() mems=() tf
  tf=$(mktemp)
  for _ in $(seq "$runs"); do
    # wall time from bash's microsecond clock (GNU time's %e has 10 ms steps); peak RSS from GNU time
    local t0=$EPOCHREALTIME
    /usr/bin/time -o "$tf" -f '%M' "$@" >/dev/null 2>&1 || true
    local t1=$EPOCHREALTIME
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", b - a}')")
    mems+=("$(tail -n 1 "$tf")")
  done
  rm -f "$tf"
  local t m
  t=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  m=$(printf '%s\n' "${mems[@]}" | sort -g | tail -n 1)
  printf '%s\t%s\t%s\n' "$label" "$t" "$((m / 1024))"
}

results=$(
  measure "java -version" java -version
  measure "hello-world jar, CDS (floor)" java "${jvm_flags[@]}" -XX:SharedArchiveFile="$tmp/hello.jsa" -jar "$tmp/hello.jar"
  measure "vending --version" ./vending --version
  measure "vending --help" ./vending --help
  measure "generate 1 runner" ./vending generate --runners 1
  measure "generate 100 spot arm64" ./vending generate --runners 100 --spot --arch arm64
  measure "generate 100 (no CDS)" env VENDING_NO_CDS=1 ./vending generate --runners 100 --spot --arch arm64
  if ./vending cost --runners 1 >/dev/null 2>&1; then measure "cost 100 spot arm64" ./vending cost --runners 100 --spot --arch arm64; fi
)
base=$(printf '%s\n' "$results" | awk -F'\t' '/^java -version/ {print $2}')
printf '%-30s %10s %8s %12s\n' command "median s" "x java" "max RSS MB"
printf '%s\n' "$results" | awk -F'\t' -v b="$base" '{ printf "%-30s %10.3f %8.1f %12d\n", $1, $2, (b>0 ? $2/b : 0), $3 }'
echo "($runs runs each, $(nproc) cores, $(java -version 2>&1 | head -n 1))"

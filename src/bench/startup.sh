#!/usr/bin/env bash
# Start-up and memory benchmark: each command against `java -version`, measured in the same run
# (machines are noisy, so compare ratios, not absolute times). Medians over ROUNDS rounds.
#   usage: src/bench/startup.sh [ROUNDS]      (default 9; needs GNU time: apt-get install time)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
runs=${1:-9}   # rounds
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

labels=() commands=()
add() { labels+=("$1"); shift; commands+=("$(printf '%q ' "$@")"); }
add "java -version" java -version
add "hello-world jar, CDS (floor)" java "${jvm_flags[@]}" -XX:SharedArchiveFile="$tmp/hello.jsa" -jar "$tmp/hello.jar"
add "vending --version" ./vending --version
add "vending --help" ./vending --help
add "generate 1 runner" ./vending generate --runners 1
add "generate 100 spot arm64" ./vending generate --runners 100 --spot --arch arm64
add "generate 100 (no CDS)" env VENDING_NO_CDS=1 ./vending generate --runners 100 --spot --arch arm64
add "cost 100 spot arm64" ./vending cost --runners 100 --spot --arch arm64

# Rounds, not blocks: each round runs every command once, so a slow spell of the machine hits all
# of them alike. The ratio column is the median over rounds of (command / java -version that round).
declare -A us=() rss=()
tf="$tmp/time.out"
for round in $(seq "$runs"); do
  for i in "${!commands[@]}"; do
    t0=${EPOCHREALTIME/./}
    # wall time from bash's microsecond clock (GNU time's %e has 10 ms steps); peak RSS from GNU time
    eval "/usr/bin/time -o \"\$tf\" -f '%M' ${commands[$i]}" >/dev/null 2>&1 || true
    t1=${EPOCHREALTIME/./}
    us[$i,$round]=$((t1 - t0))
    rss[$i,$round]=$(tail -n 1 "$tf")
  done
done

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-30s %10s %8s %12s\n' command "median s" "x java" "max RSS MB"
for i in "${!commands[@]}"; do
  t=$(for r in $(seq "$runs"); do echo "${us[$i,$r]}"; done | median)
  x=$(for r in $(seq "$runs"); do awk -v a="${us[$i,$r]}" -v b="${us[0,$r]}" 'BEGIN {print a / b}'; done | median)
  m=$(for r in $(seq "$runs"); do echo "${rss[$i,$r]}"; done | sort -g | tail -n 1)
  printf '%-30s %10.3f %8.1f %12d\n' "${labels[$i]}" "$(awk -v t="$t" 'BEGIN {print t / 1e6}')" "$x" "$((m / 1024))"
done
echo "($runs rounds, $(nproc) cores, $(java -version 2>&1 | head -n 1))"

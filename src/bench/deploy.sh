#!/usr/bin/env bash
# Deploy benchmark: `vending deploy` of a 3-runner fleet against `aws cloudformation deploy` of the
# same template, on the same moto server, in one run. Rounds, not blocks: each round resets moto and
# runs vending create, awscli create, vending no-op, awscli no-op (which tool goes first alternates),
# so a slow spell of the machine hits both alike. Medians over ROUNDS, and the median of the
# per-round ratios.
#   usage: src/bench/deploy.sh [ROUNDS]      (default 7; needs moto_server and the aws CLI on PATH)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
rounds=${1:-7}
command -v moto_server >/dev/null || { echo "needs moto_server: pip install 'moto[server]'" >&2; exit 2; }
command -v aws >/dev/null || { echo "needs the aws CLI: pip install awscli" >&2; exit 2; }

./vending --version >/dev/null   # builds the jar and the CDS archive if needed

tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
endpoint=http://127.0.0.1:$port
for _ in $(seq 100); do curl -fsS -o /dev/null "$endpoint/moto-api/" 2>/dev/null && break; sleep 0.1; done

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-1 AWS_PAGER=''
unset AWS_PROFILE AWS_REGION AWS_ENDPOINT_URL
export GITLAB_RUNNER_TOKEN=glrt-BenchToken_0123456789
fleet=(--runners 3 --name bench)
./vending generate "${fleet[@]}" --format json -o "$tmp/fleet.json" >/dev/null 2>&1
# KEY=DEFAULT of every parameter with a default, as the template declares it
mapfile -t defaults < <(python3 -c 'import json,sys
for k, p in json.load(open(sys.argv[1]))["Parameters"].items():
    if "Default" in p: print(k + "=" + str(p["Default"]))' "$tmp/fleet.json")

vending_deploy() { ./vending deploy "${fleet[@]}" --endpoint-url "$endpoint" --yes >"$tmp/out" 2>&1; }
# the same without deploy's own class-data archive (generate's only): what that archive buys
jvm_flags=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off) # as ./vending
vending_plain() {
  java "${jvm_flags[@]}" -XX:SharedArchiveFile=target/vending.jsa -jar target/vending.jar deploy --runners 3 --name bench-plain \
    --endpoint-url "$endpoint" --yes >"$tmp/out" 2>&1
}
# awscli cannot look the network up, so it is given it; and every parameter, as vending sends them:
# moto answers UsePreviousValue (what awscli sends on update for parameters not given) on an
# SSM-typed parameter with HTTP 500, and counts it as a change on the others.
awscli_deploy() {
  aws --endpoint-url "$endpoint" cloudformation deploy --stack-name awscli-bench --template-file "$tmp/fleet.json" \
    --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset --parameter-overrides VpcId="$vpc" SubnetIds="$subnets" \
    RunnerTokenParameterName=/vending/awscli-bench/runner-token "${defaults[@]}" >"$tmp/out" 2>&1
}
expect() { grep -q -- "$1" "$tmp/out" || { echo "benchmark: '$1' missing from the output of $2:" >&2; cat "$tmp/out" >&2; exit 1; }; }

# the preview and the events must still be shown: a faster deploy that shows less does not count
check_vending() {
  if [ "$1" = create ]; then expect "+ Add      AWS::AutoScaling::AutoScalingGroup" "vending create"; expect CREATE_COMPLETE "vending create"
  else expect "no changes" "vending no-op"; fi
}
check_awscli() { if [ "$1" = create ]; then expect "Successfully created" "awscli create"; else expect "No changes to deploy" "awscli no-op"; fi; }

declare -A us=()
labels=("vending create" "awscli create" "vending no-op" "awscli no-op" "no archive create" "no archive no-op")
timed() { # slot label-index, command...
  local slot=$1; shift
  local t0=${EPOCHREALTIME/./}
  "$@" || { echo "benchmark: ${labels[$slot]} failed:" >&2; cat "$tmp/out" >&2; exit 1; }
  us[$slot,$round]=$((${EPOCHREALTIME/./} - t0))
}
network() {
  curl -fsS -X POST -o /dev/null "$endpoint/moto-api/reset"
  vpc=$(aws --endpoint-url "$endpoint" ec2 describe-vpcs --filters Name=isDefault,Values=true --query 'Vpcs[0].VpcId' --output text)
  subnets=$(aws --endpoint-url "$endpoint" ec2 describe-subnets --filters Name=vpc-id,Values="$vpc" --query 'Subnets[].SubnetId' --output text | tr '\t' ,)
}
# One untimed round first: the launcher records deploy's class-data archive on its first successful
# AWS command (see docs/performance.md), and Python writes its bytecode caches.
network
rm -f target/vending-aws.jsa
t0=${EPOCHREALTIME/./}
vending_deploy || { cat "$tmp/out" >&2; exit 1; }
first_us=$((${EPOCHREALTIME/./} - t0))
awscli_deploy || { cat "$tmp/out" >&2; exit 1; }
for round in $(seq "$rounds"); do
  network
  for phase in create no-op; do
    v=0 a=1 p=4; [ "$phase" = no-op ] && v=2 a=3 p=5
    if [ $((round % 2)) = 1 ]; then
      timed $v vending_deploy; check_vending "$phase"
      timed $a awscli_deploy; check_awscli "$phase"
    else
      timed $a awscli_deploy; check_awscli "$phase"
      timed $v vending_deploy; check_vending "$phase"
    fi
    timed $p vending_plain; check_vending "$phase"   # on its own stack, so it creates and no-ops like the others
  done
done

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-16s %10s %12s\n' run "median s" "x awscli"
for i in 0 1 2 3 4 5; do
  t=$(for r in $(seq "$rounds"); do echo "${us[$i,$r]}"; done | median)
  base=$(( i - i % 2 + 1 )); [ "$i" -ge 4 ] && base=$(( (i - 4) * 2 + 1 ))
  x=$(for r in $(seq "$rounds"); do awk -v a="${us[$i,$r]}" -v b="${us[$base,$r]}" 'BEGIN {print a / b}'; done | median)
  printf '%-16s %10.3f %12.2f\n' "${labels[$i]}" "$(awk -v t="$t" 'BEGIN {print t / 1e6}')" "$x"
done
printf '%-16s %10.3f %12s\n' "vending first" "$(awk -v t="$first_us" 'BEGIN {print t / 1e6}')" "(records the archive; one run)"
echo "($rounds rounds, $(nproc) cores, $(java -version 2>&1 | head -n 1), $(aws --version 2>&1 | cut -d' ' -f1), moto $(python3 -c 'import moto; print(moto.__version__)'))"

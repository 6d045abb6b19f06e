#!/usr/bin/env bash
# Workload W1 on this project and on its peers (benchmarks/peers/*), alternately, with the same
# flags and the same JVM flags, then one table with each peer's ratios to our runs just before and
# just after it:
#
#   benchmarks/compare.sh [--peers jraft,ratis,aeron] [--transport grpc|inmemory] [W1 flags...]
#
# W1 flags (--clients C --payload P --warmup W --seconds D --no-sync) go to every run unchanged;
# --transport goes to ours only (default grpc: the peers too send their writes over the loopback).
# Order: ours, peer 1, ours, peer 2, ..., ours. Builds everything first (ours with the wrapper,
# each peer with its run.sh), so no build runs between the measured runs. Each run's output is kept
# in benchmarks/target/compare/<time>/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
peers="jraft,ratis,aeron"
transport="grpc"
flags=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --peers) peers="$2"; shift 2 ;;
    --transport) transport="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) flags+=("$1"); shift ;;
  esac
done
IFS=',' read -r -a peer_list <<< "$peers"
for p in "${peer_list[@]}"; do
  if [[ ! -x "$root/benchmarks/peers/$p/run.sh" ]]; then
    echo "no such peer: $p (have: $(cd "$root/benchmarks/peers" && ls -d */run.sh | sed 's#/run.sh##' | tr '\n' ' '))" >&2
    exit 2
  fi
done

# The JVM flags of every run, ours and the peers' (their run.sh sets the same).
java_flags=(-Xms2g -Xmx2g -XX:+UseG1GC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2)
jar="$root/benchmarks/target/benchmarks.jar"

echo "building ours and ${peers}" >&2
(cd "$root" && ./mvnw -B -q -pl benchmarks -am -DskipTests package) >&2
for p in "${peer_list[@]}"; do
  "$root/benchmarks/peers/$p/run.sh" --build-only
done

out="$root/benchmarks/target/compare/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
n=0
# run NAME COMMAND...: one measured run, its output kept as NN-NAME.out / .err
run() {
  local name="$1"
  shift
  n=$((n + 1))
  local base
  base="$out/$(printf '%02d' "$n")-$name"
  echo "run $n: $name $(uptime | sed 's/.*load/load/')" >&2
  if ! "$@" >"$base.out" 2>"$base.err"; then
    echo "run $n ($name) failed: see $base.err" >&2
  fi
  grep '^RESULT ' "$base.out" >&2 || true
}
ours() {
  run paxos java "${java_flags[@]}" -cp "$jar" io.paxos.benchmarks.LoadGenerator \
    --transport "$transport" "${flags[@]}"
}

echo "flags: ${flags[*]:-(defaults)}; ours: --transport $transport" | tee "$out/flags.txt" >&2
ours
for p in "${peer_list[@]}"; do
  run "$p" "$root/benchmarks/peers/$p/run.sh" "${flags[@]}"
  ours
done
echo "load after the runs: $(uptime | sed 's/.*load/load/')" >&2
java -cp "$jar" io.paxos.benchmarks.ComparisonTable "$out"

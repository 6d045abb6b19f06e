#!/usr/bin/env bash
# Start a fresh local cluster, write to it continuously while breaking it on purpose, and check
# that no acknowledged write was lost.
#
#   failure-scenarios.sh [--layout 3|5|5-5-2|3-2-2 | --config FILE] [--dir DIR] [--hold MS]
#
# In turn it kills (kill -9) the leader, an acceptor, a learner and a minority of the acceptors at
# once, pauses the leader (SIGSTOP) for --hold ms (default 2000, past the election timeout) and
# resumes it, and restarts every node; each fault lasts --hold ms. It prints a table (scenario,
# writes acknowledged during it, acknowledged writes lost, time until a write sent after the fault
# was acknowledged) and exits 1 if any acknowledged write was lost or the cluster never served
# again. The cluster runs in DIR (default: a new folder under paxos-cluster/) and is stopped at
# the end. Every learner writes the slots it applies to DIR/oplog-N.txt (server --oplog); once the
# cluster stopped, oplog-compare checks that no two nodes applied different operations in a slot
# (exit 1 if they did). Needs the built jar, like cluster.sh (PAXOS_CMD as there).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
jar="${PAXOS_JAR:-$here/../target/paxos-examples.jar}"
fail() { echo "failure-scenarios.sh: $*" >&2; exit 2; }
where=(); dir=""; hold=2000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --layout|--config) [[ $# -ge 2 ]] || fail "$1 needs a value"; where+=("$1" "$2"); shift 2 ;;
    --dir) [[ $# -ge 2 ]] || fail "--dir needs a folder"; dir="$2"; shift 2 ;;
    --hold) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || fail "--hold needs milliseconds"; hold="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option '$1' (see failure-scenarios.sh --help)" ;;
  esac
done
config="$here/../config/local-3.yaml"
if [[ ${#where[@]} -gt 0 && "${where[0]}" == --config ]]; then
  config="${where[1]}"
elif [[ ${#where[@]} -gt 0 ]]; then
  [[ "${where[1]}" =~ ^(3|5|5-5-2|3-2-2)$ ]] || fail "unknown layout '${where[1]}': use 3, 5, 5-5-2 or 3-2-2"
  config="$here/../config/local-${where[1]}.yaml"
fi
dir="${dir:-paxos-cluster/scenarios-$(date +%Y%m%d-%H%M%S)}"
[[ ! -e "$dir/bootstrapped" ]] || fail "$dir holds a cluster already: give a new --dir"
if [[ -n "${PAXOS_CMD:-}" ]]; then
  read -ra cmd <<<"$PAXOS_CMD"
else
  [[ -r "$jar" ]] || fail "no $jar: build it first with ./mvnw -q -DskipTests package"
  read -ra cmd <<<"java ${JAVA_OPTS:-} -jar"
  cmd+=("$jar")
fi

cluster() { bash "$here/cluster.sh" "$@" --config "$config" --dir "$dir"; }
trap 'cluster stop >/dev/null 2>&1 || true' EXIT
export PAXOS_OPLOG="$dir/oplog-\${id}.txt" # each node replaces ${id} by its id
cluster start
status=0
"${cmd[@]}" failure-scenarios --config "$config" --script "$here/cluster.sh" --dir "$dir" --hold "$hold" || status=$?
cluster stop >/dev/null # the nodes write what they applied to their oplogs as they stop
shopt -s nullglob
oplogs=("$dir"/oplog-*.txt)
if [[ ${#oplogs[@]} -gt 0 ]]; then
  "${cmd[@]}" oplog-compare "${oplogs[@]}" || { [[ $status -ne 0 ]] || status=1; }
fi
exit "$status"

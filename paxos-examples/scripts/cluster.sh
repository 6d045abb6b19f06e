#!/usr/bin/env bash
# Run a local multi-process cluster of the key-value server.
#
#   cluster.sh start|stop|status [--layout 3|5|5-5-2|3-2-2 | --config FILE] [--dir DIR]
#   cluster.sh kill|pause|resume|restart N [--layout ... | --config FILE] [--dir DIR]
#
# start     starts every member not running yet (the first start of a cluster bootstraps it) and
#           waits until each serves; stop stops them all (SIGTERM); status prints each member's
#           process and the cluster as the members see it (kv status).
# kill N    kill -9 member N (a crash); pause N / resume N: SIGSTOP / SIGCONT (a frozen process);
#           restart N: stop N if it runs, then start it again.
# --layout  one of the cluster files shipped in paxos-examples/config: 3 (local-3.yaml, the
#           default), 5 (local-5.yaml), 5-5-2 (local-5-5-2.yaml), 3-2-2 (local-3-2-2.yaml);
#           --config names any other cluster file.
# --dir     where logs, pids and data go (default: paxos-cluster/<cluster file name> in the
#           current directory): DIR/node-N.log, DIR/node-N.pid, DIR/data/node-N.
#
# Needs the built jar: ./mvnw -q -DskipTests package (JAVA_OPTS is passed to each node's JVM;
# PAXOS_CMD, if set, is the command that runs paxos-examples instead of java -jar, for tests).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
jar="${PAXOS_JAR:-$here/../target/paxos-examples.jar}"
usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 64; }
fail() { echo "cluster.sh: $*" >&2; exit 1; }

[[ $# -ge 1 ]] || usage
action="$1"; shift
node=""
case "$action" in
  kill|pause|resume|restart)
    [[ $# -ge 1 && "$1" =~ ^[0-9]+$ ]] || fail "$action needs a member id, e.g. cluster.sh $action 2"
    node="$1"; shift ;;
  start|stop|status) ;;
  -h|--help|help) usage ;;
  *) fail "unknown action '$action': use start, stop, status, kill N, pause N, resume N or restart N" ;;
esac

config="$here/../config/local-3.yaml"
dir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --layout)
      [[ $# -ge 2 ]] || fail "--layout needs one of 3, 5, 5-5-2, 3-2-2"
      case "$2" in
        3|5|5-5-2|3-2-2) config="$here/../config/local-$2.yaml" ;;
        *) fail "unknown layout '$2': use 3, 5, 5-5-2 or 3-2-2" ;;
      esac
      shift 2 ;;
    --config) [[ $# -ge 2 ]] || fail "--config needs a file"; config="$2"; shift 2 ;;
    --dir) [[ $# -ge 2 ]] || fail "--dir needs a folder"; dir="$2"; shift 2 ;;
    *) fail "unknown option '$1' (see cluster.sh --help)" ;;
  esac
done
[[ -r "$config" ]] || fail "cannot read the cluster file $config"
if [[ -z "${PAXOS_CMD:-}" ]]; then
  [[ -r "$jar" ]] || fail "no $jar: build it first with ./mvnw -q -DskipTests package"
fi
if [[ -n "${PAXOS_CMD:-}" ]]; then
  read -ra cmd <<<"$PAXOS_CMD"
else
  read -ra cmd <<<"java ${JAVA_OPTS:-} -jar"
  cmd+=("$jar")
fi
paxos() { "${cmd[@]}" "$@"; }
name="$(basename "$config")"; name="${name%.*}"
dir="${dir:-paxos-cluster/$name}"
mkdir -p "$dir"

# Member ids and gRPC addresses, as the server itself reads them from the cluster file.
mapfile -t members < <(paxos server --config "$config" --list-members)
[[ ${#members[@]} -gt 0 ]] || fail "no members in $config"
ids=(); endpoints=""
for m in "${members[@]}"; do
  ids+=("${m%% *}")
  endpoints="${endpoints:+$endpoints,}${m#* }"
done
known() { local id; for id in "${ids[@]}"; do [[ "$id" == "$1" ]] && return 0; done; return 1; }
[[ -z "$node" ]] || known "$node" || fail "$node is not a member of $config: use one of ${ids[*]}"

pid_of() { local f="$dir/node-$1.pid"; [[ -f "$f" ]] && cat "$f" || true; }
running() { local p; p="$(pid_of "$1")"; [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; }

start_node() {
  local id="$1" args=()
  if running "$id"; then echo "node $id already runs (pid $(pid_of "$id"))"; return; fi
  # Only a cluster's first start creates data directories: a member whose directory is gone later
  # must not vote again with a forgotten state (it then serves as a learner only).
  [[ -f "$dir/bootstrapped" ]] || args+=(--bootstrap-new)
  nohup "${cmd[@]}" server --config "$config" --id "$id" \
    --data-dir "$dir/data/node-$id" "${args[@]}" >>"$dir/node-$id.log" 2>&1 &
  echo $! >"$dir/node-$id.pid"
}

await_ready() {
  local id="$1" deadline=$((SECONDS + 60))
  while ! grep -q "READY node $id " "$dir/node-$id.log" 2>/dev/null; do
    running "$id" || fail "node $id exited: see $dir/node-$id.log"
    ((SECONDS < deadline)) || fail "node $id did not serve within 60 s: see $dir/node-$id.log"
    sleep 0.2
  done
  grep "READY node $id " "$dir/node-$id.log" | tail -1
}

stop_node() {
  local id="$1" p; p="$(pid_of "$id")"
  if ! running "$id"; then rm -f "$dir/node-$id.pid"; return; fi
  kill -CONT "$p" 2>/dev/null || true # a paused process acts on SIGTERM only once it runs again
  kill "$p"
  for _ in $(seq 1 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$p" 2>/dev/null; then kill -9 "$p"; echo "node $id did not stop within 30 s: killed"; fi
  rm -f "$dir/node-$id.pid"
  echo "node $id stopped"
}

case "$action" in
  start)
    started=()
    for id in "${ids[@]}"; do
      running "$id" && { echo "node $id already runs (pid $(pid_of "$id"))"; continue; }
      mv -f "$dir/node-$id.log" "$dir/node-$id.log.1" 2>/dev/null || true # the previous run's
      start_node "$id"
      started+=("$id")
    done
    for id in "${started[@]}"; do await_ready "$id"; done
    touch "$dir/bootstrapped"
    echo "cluster $name serves: logs and data in $dir; endpoints $endpoints"
    ;;
  stop)
    for id in "${ids[@]}"; do stop_node "$id"; done ;;
  status)
    for id in "${ids[@]}"; do
      if running "$id"; then
        state="$(ps -o stat= -p "$(pid_of "$id")" | tr -d ' ')"
        [[ "$state" == T* ]] && echo "node $id: paused (pid $(pid_of "$id"))" || echo "node $id: running (pid $(pid_of "$id"))"
      else
        echo "node $id: not running"
      fi
    done
    paxos kv status --endpoints "$endpoints" --timeout 2s || true ;;
  kill)
    running "$node" || fail "node $node does not run"
    kill -9 "$(pid_of "$node")"; rm -f "$dir/node-$node.pid"; echo "node $node killed (kill -9)" ;;
  pause)
    running "$node" || fail "node $node does not run"
    kill -STOP "$(pid_of "$node")"; echo "node $node paused (SIGSTOP)" ;;
  resume)
    running "$node" || fail "node $node does not run"
    kill -CONT "$(pid_of "$node")"; echo "node $node resumed (SIGCONT)" ;;
  restart)
    stop_node "$node"
    mv -f "$dir/node-$node.log" "$dir/node-$node.log.1" 2>/dev/null || true
    start_node "$node"; await_ready "$node" ;;
esac

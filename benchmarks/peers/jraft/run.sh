#!/usr/bin/env bash
# Workload W1 against SOFAJRaft (see README.md beside this script). Builds once with the project's
# Maven wrapper (again only when pom.xml or a source changed), then runs with the flags of every
# W1 comparison run. Arguments go to the harness:
#   run.sh [--clients C] [--payload P] [--warmup W] [--seconds D] [--no-sync]
#   run.sh --build-only
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
classpath="$here/target/classpath.txt"
if [[ ! -f "$classpath" || ! -d "$here/target/classes" ]] \
  || [[ -n "$(find "$here/pom.xml" "$here/src" "$here/../common/src" -newer "$classpath" | head -1)" ]]; then
  (cd "$root" && ./mvnw -B -q -f benchmarks/peers/jraft/pom.xml package \
    dependency:build-classpath -Dmdep.outputFile="$classpath") >&2
fi
if [[ "${1:-}" == "--build-only" ]]; then
  exit 0
fi
# ForkJoin common-pool parallelism 2: on 2 cores it defaults to 1, and then CompletableFuture's
# *Async methods start a thread per task. The same flags go to every system compared.
# Bolt's Hessian serializer reflects into java.base: the --add-opens keep it on its fast paths.
exec java -Xms2g -Xmx2g -XX:+UseG1GC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 \
  ${PEER_JAVA_OPTS:-} \
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED \
  --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$here/target/classes:$(cat "$classpath")" io.paxos.peers.jraft.JRaftW1 "$@"

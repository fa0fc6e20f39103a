#!/usr/bin/env bash
# Builds and starts the whole ledger locally: the embedded store and both applications.
#   deploy/local/run.sh              build, then start everything; Ctrl-C stops it all
#   SKIP_BUILD=1 deploy/local/run.sh start without building
#   STORE_IN_MEMORY=true ...         keep nothing across restarts
# Data lives in ./data (the embedded store's file). Logs go to ./data/logs.
set -euo pipefail
cd "$(dirname "$0")/../.."

STORE_PORT="${STORE_PORT:-27027}"
COMMAND_PORT="${COMMAND_PORT:-8081}"
QUERY_PORT="${QUERY_PORT:-8082}"
export AXONIQ_UPDATE_CHECKER_DISABLED=true

if [ "${SKIP_BUILD:-0}" != "1" ]; then
  echo "Building (./mvnw -q -B -DskipTests package) ..."
  ./mvnw -q -B -DskipTests package
fi
COMMAND_JAR=$(ls command-side/target/consent-ledger-command-side-*.jar | grep -v plain | head -n 1)
QUERY_JAR=$(ls query-side/target/consent-ledger-query-side-*.jar | grep -v plain | head -n 1)
mkdir -p data/logs

pids=()
stop_all() {
  echo "Stopping ..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all EXIT INT TERM

wait_for() { # name url-or-port
  local name=$1 probe=$2
  for _ in $(seq 1 120); do
    if [[ $probe == http* ]]; then curl -fsS "$probe" >/dev/null 2>&1 && return 0
    else (exec 3<>/dev/tcp/127.0.0.1/"$probe") 2>/dev/null && return 0; fi
    sleep 1
  done
  echo "$name did not come up; see data/logs/" >&2; exit 1
}

# The embedded store runs as a process of its own so that both applications share it.
EMBEDDED_MONGO_PORT=$STORE_PORT EMBEDDED_MONGO_IN_MEMORY="${STORE_IN_MEMORY:-false}" \
EMBEDDED_MONGO_FILE=data/consent-ledger.mv \
  java -cp "$COMMAND_JAR" -Dloader.main=io.consentledger.eventstore.embedded.EmbeddedStoreLauncher \
       org.springframework.boot.loader.launch.PropertiesLauncher > data/logs/store.log 2>&1 &
pids+=($!)
wait_for "The embedded store" "$STORE_PORT"

export MONGODB_URI="mongodb://127.0.0.1:$STORE_PORT"
java -jar "$COMMAND_JAR" --server.port="$COMMAND_PORT" > data/logs/command-side.log 2>&1 &
pids+=($!)
# Local runs only: webhooks may call receivers on this machine over plain http (deploy/local/demo.sh starts one).
java -jar "$QUERY_JAR" --server.port="$QUERY_PORT" --consent-ledger.webhooks.allow-insecure-loopback=true \
  > data/logs/query-side.log 2>&1 &
pids+=($!)
wait_for "The command side" "http://127.0.0.1:$COMMAND_PORT/actuator/health"
wait_for "The query side" "http://127.0.0.1:$QUERY_PORT/actuator/health"

cat <<MSG

Consent Ledger is running:
  store         $MONGODB_URI (embedded, file data/consent-ledger.mv)
  command side  http://127.0.0.1:$COMMAND_PORT   (OpenAPI: /v3/api-docs, health: /actuator/health)
  query side    http://127.0.0.1:$QUERY_PORT   (health: /actuator/health)
Logs: data/logs/. Press Ctrl-C to stop everything.
MSG
wait

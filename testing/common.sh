# Shared by the scripts in this folder: where things live and which loopback ports the stack uses.
# shellcheck shell=bash
LFMAINT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LFMAINT_VENV="${LFMAINT_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/lfmaint/venv}"
LFMAINT_STACK_DIR="${LFMAINT_STACK_DIR:-${TMPDIR:-/tmp}/lfmaint-stack}"
STACK_PASSWORD="lfmaint-test"
PORT_CHDB=18123
PORT_CHDB_HTTPS=18443
PORT_CH18_HTTP=18124
PORT_CH18_TCP=19124
PORT_POSTGRES=15432
PORT_REDIS=16379
PORT_REDIS_TLS=16380
PORT_MOTO=15000
PORT_PUSHGATEWAY=19091
PG_BIN=/usr/lib/postgresql/15/bin

# lfmaint's ClickHouse settings for the local stack (after "$LFMAINT_STACK_DIR/stack.env" is sourced).
lfmaint_clickhouse_env() {
  export CLICKHOUSE_URL="$LFMAINT_TEST_CHDB_URL" CLICKHOUSE_USER="$LFMAINT_TEST_CLICKHOUSE_USER"
  export CLICKHOUSE_PASSWORD="$LFMAINT_TEST_CLICKHOUSE_PASSWORD" CLICKHOUSE_CLUSTER_ENABLED=false
}

# port: the cycles an agent listening there has finished (empty until its first).
agent_cycles() { curl -s "127.0.0.1:$1/metrics" | awk '/^lfmaint_cycles_total/{print $2}'; }

# pid binary: "B L", the kB resident in the process from the binary's file and from shared libraries.
rss_by_file() {
  awk -v bin="$(readlink -f "$2")" '/^[0-9a-f]+-[0-9a-f]+ /{file=$6} /^Rss:/{if (file == bin) b += $2; else if (file ~ /^\//) l += $2}
      END {printf "%d %d\n", b, l}' "/proc/$1/smaps"
}

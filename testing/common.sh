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

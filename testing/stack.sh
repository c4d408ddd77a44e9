#!/usr/bin/env bash
# The local stack lfmaint's tests and demo talk to, all on 127.0.0.1, data under one folder:
# the real ClickHouse 26.9 engine (chdb behind testing/chdb_front), Debian's clickhouse-server 18.16,
# PostgreSQL 15, Redis 7, moto (CloudWatch) and a Pushgateway.
#   testing/stack.sh up|down|status|env
# Every process is started and stopped by its own PID file; nothing else is killed.
set -euo pipefail
source "$(dirname "$0")/common.sh"
DIR="$LFMAINT_STACK_DIR"
ENV_FILE="$DIR/stack.env"
COMPONENTS=(chdb ch18 postgres redis moto pushgateway)

log() { echo "stack: $*" >&2; }

alive() { [ -f "$DIR/$1.pid" ] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

# spawn NAME CMD...: runs CMD in the background with its output in NAME.log and its PID in NAME.pid.
spawn() {
  local name=$1; shift
  nohup "$@" >"$DIR/$name.log" 2>&1 &
  echo $! >"$DIR/$name.pid"
}

wait_until() {
  local name=$1; shift
  for _ in $(seq 1 120); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! alive "$name"; then break; fi
    sleep 0.5
  done
  log "$name did not come up; last lines of $DIR/$name.log:"; tail -n 20 "$DIR/$name.log" >&2 || true
  return 1
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

# A private CA and a certificate for 127.0.0.1/localhost, so HTTPS with CA verification is tested for real.
make_tls() {
  local d="$DIR/tls"
  [ -f "$d/server.pem" ] && return 0
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=lfmaint test CA" \
    -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$d/san.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 30 \
    -extfile "$d/san.ext" -out "$d/server.pem" 2>/dev/null
}

start_chdb() {
  mkdir -p "$DIR/chdb"
  make_tls
  CHDB_FRONT_PASSWORD="$STACK_PASSWORD" spawn chdb "$LFMAINT_VENV/bin/python" "$LFMAINT_ROOT/testing/chdb_front/chdb_front.py" \
    --port "$PORT_CHDB" --data "$DIR/chdb/data" --config-file "$LFMAINT_ROOT/testing/chdb_front/system-logs.xml" \
    --https-port "$PORT_CHDB_HTTPS" --cert "$DIR/tls/server.pem" --key "$DIR/tls/server.key"
  wait_until chdb curl -sf "http://127.0.0.1:$PORT_CHDB/ping"
}

start_ch18() {
  local d="$DIR/ch18"
  mkdir -p "$d/data" "$d/tmp"
  sed -e "s|@DIR@|$d|g" -e "s|@HTTP@|$PORT_CH18_HTTP|" -e "s|@TCP@|$PORT_CH18_TCP|" \
    "$LFMAINT_ROOT/testing/ch18/config.xml" >"$d/config.xml"
  sed -e "s|@PASSWORD@|$STACK_PASSWORD|" "$LFMAINT_ROOT/testing/ch18/users.xml" >"$d/users.xml"
  spawn ch18 /usr/sbin/clickhouse-server --config-file="$d/config.xml"
  wait_until ch18 curl -sf "http://127.0.0.1:$PORT_CH18_HTTP/ping"
}

start_postgres() {
  local d="$DIR/postgres"
  if [ ! -f "$d/data/PG_VERSION" ]; then
    mkdir -p "$d/socket"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$d"
    as_postgres "'$PG_BIN/initdb' -D '$d/data' -U postgres --auth-local=trust --auth-host=scram-sha-256 >'$d/initdb.log' 2>&1"
  fi
  as_postgres "'$PG_BIN/pg_ctl' -D '$d/data' -l '$d/server.log' -w -t 60 \
    -o \"-p $PORT_POSTGRES -k $d/socket -c listen_addresses=127.0.0.1\" start >/dev/null"
  head -n 1 "$d/data/postmaster.pid" >"$DIR/postgres.pid"
  as_postgres "'$PG_BIN/psql' -h '$d/socket' -p $PORT_POSTGRES -U postgres -qtA -v ON_ERROR_STOP=1 <<SQL
SELECT 'CREATE ROLE lfmaint LOGIN PASSWORD ''$STACK_PASSWORD''' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lfmaint')\\gexec
SELECT 'CREATE DATABASE langfuse OWNER lfmaint' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'langfuse')\\gexec
SQL"
}

start_redis() {
  mkdir -p "$DIR/redis"
  make_tls
  spawn redis redis-server --bind 127.0.0.1 --port "$PORT_REDIS" --requirepass "$STACK_PASSWORD" \
    --tls-port "$PORT_REDIS_TLS" --tls-cert-file "$DIR/tls/server.pem" --tls-key-file "$DIR/tls/server.key" \
    --tls-ca-cert-file "$DIR/tls/ca.pem" --tls-auth-clients no \
    --dir "$DIR/redis" --save "" --appendonly no --daemonize no
  wait_until redis redis-cli -p "$PORT_REDIS" --no-auth-warning -a "$STACK_PASSWORD" ping
}

start_moto() {
  spawn moto "$LFMAINT_VENV/bin/python" -m moto.server -H 127.0.0.1 -p "$PORT_MOTO"
  wait_until moto curl -sf "http://127.0.0.1:$PORT_MOTO/moto-api/"
}

start_pushgateway() {
  mkdir -p "$DIR/pushgateway"
  spawn pushgateway prometheus-pushgateway --web.listen-address="127.0.0.1:$PORT_PUSHGATEWAY"
  wait_until pushgateway curl -sf "http://127.0.0.1:$PORT_PUSHGATEWAY/-/ready"
}

stop_one() {
  local name=$1
  alive "$name" || { rm -f "$DIR/$name.pid"; return 0; }
  if [ "$name" = postgres ]; then
    as_postgres "'$PG_BIN/pg_ctl' -D '$DIR/postgres/data' -m fast -w stop >/dev/null" || true
  else
    kill "$(cat "$DIR/$name.pid")" 2>/dev/null || true
    for _ in $(seq 1 40); do alive "$name" || break; sleep 0.25; done
    alive "$name" && kill -9 "$(cat "$DIR/$name.pid")" 2>/dev/null || true
  fi
  rm -f "$DIR/$name.pid"
}

write_env() {
  cat >"$ENV_FILE" <<ENV
export LFMAINT_STACK_DIR='$DIR'
export LFMAINT_TEST_CHDB_URL='http://127.0.0.1:$PORT_CHDB'
export LFMAINT_TEST_CHDB_DATA='$DIR/chdb/data'
export LFMAINT_TEST_CHDB_HTTPS_URL='https://127.0.0.1:$PORT_CHDB_HTTPS'
export LFMAINT_TEST_CA_FILE='$DIR/tls/ca.pem'
export LFMAINT_TEST_CH18_URL='http://127.0.0.1:$PORT_CH18_HTTP'
export LFMAINT_TEST_CLICKHOUSE_USER='default'
export LFMAINT_TEST_CLICKHOUSE_PASSWORD='$STACK_PASSWORD'
export LFMAINT_TEST_DATABASE_URL='postgresql://lfmaint:$STACK_PASSWORD@127.0.0.1:$PORT_POSTGRES/langfuse'
export LFMAINT_TEST_REDIS_URL='redis://:$STACK_PASSWORD@127.0.0.1:$PORT_REDIS'
export LFMAINT_TEST_REDIS_TLS_URL='rediss://:$STACK_PASSWORD@127.0.0.1:$PORT_REDIS_TLS'
export LFMAINT_TEST_MOTO_URL='http://127.0.0.1:$PORT_MOTO'
export LFMAINT_TEST_PUSHGATEWAY_URL='http://127.0.0.1:$PORT_PUSHGATEWAY'
export LFMAINT_TEST_PYTHON='$LFMAINT_VENV/bin/python'
export LFMAINT_TEST_CHDB_FRONT='$LFMAINT_ROOT/testing/chdb_front/chdb_front.py'
ENV
}

case "${1:-}" in
  up)
    mkdir -p "$DIR"
    for c in "${COMPONENTS[@]}"; do
      if alive "$c"; then log "$c already running"; else log "starting $c"; "start_$c"; fi
    done
    write_env
    log "up; environment in $ENV_FILE"
    ;;
  down)
    for c in "${COMPONENTS[@]}"; do stop_one "$c"; done
    log "down"
    ;;
  status)
    for c in "${COMPONENTS[@]}"; do
      if alive "$c"; then echo "$c running (pid $(cat "$DIR/$c.pid"))"; else echo "$c stopped"; fi
    done
    ;;
  env)
    cat "$ENV_FILE"
    ;;
  *)
    echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac

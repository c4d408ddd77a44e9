#!/usr/bin/env bash
# Creates Langfuse's ClickHouse tables (its final v4 schema, or a v3 database) in the local stack's engine
# and fills them with rows spread over the last 90 days, with versions and deletes (and the system log
# tables with what the engine itself logs).
#   testing/seed-langfuse.sh [database] [rows-per-table] [v4|v3]
set -euo pipefail
source "$(dirname "$0")/common.sh"
source "$LFMAINT_STACK_DIR/stack.env"
DATABASE="${1:-default}"
ROWS="${2:-90000}"
VERSION="${3:-v4}"
case "$VERSION" in v3|v4) ;; *) echo "seed-langfuse: version must be v3 or v4, got $VERSION" >&2; exit 2 ;; esac
python3 - "$DATABASE" "$ROWS" "$LFMAINT_ROOT/testing/fixtures" "$VERSION" <<'PY'
import base64, os, sys, urllib.request
database, rows, folder, version = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
url = os.environ["LFMAINT_TEST_CHDB_URL"] + "/"
auth = base64.b64encode(f"{os.environ['LFMAINT_TEST_CLICKHOUSE_USER']}:{os.environ['LFMAINT_TEST_CLICKHOUSE_PASSWORD']}".encode()).decode()
def run(sql):
    request = urllib.request.Request(url, data=sql.encode(), headers={"Authorization": "Basic " + auth})
    with urllib.request.urlopen(request) as response:
        return response.read().decode()
def statements(name):
    text = open(os.path.join(folder, name)).read()
    text = text.replace("{database}", database).replace("{rows}", rows).replace("{days}", "90")
    for part in text.split(";\n"):
        sql = "\n".join(line for line in part.splitlines() if not line.startswith("--")).strip()
        if sql:
            yield sql
for name in ("langfuse-schema.sql", f"langfuse-{version}-schema.sql"):
    for sql in statements(name):
        run(sql)
if run(f"SELECT count() FROM {database}.traces").strip() == "0":
    for name in ("langfuse-rows.sql", f"langfuse-{version}-rows.sql"):
        for sql in statements(name):
            run(sql)
run("SYSTEM FLUSH LOGS")
print(run(f"SELECT table, sum(rows) AS rows, formatReadableSize(sum(bytes_on_disk)) AS size FROM system.parts "
          f"WHERE active AND database IN ('{database}', 'system') GROUP BY table ORDER BY table FORMAT PrettyCompactMonoBlock"))
PY

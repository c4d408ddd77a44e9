#!/usr/bin/env python3
"""Benchmark: time to relief and peak usage of `lfmaint cleanup --threshold 90` against the seed
design's method (ALTER TABLE … DELETE older than 30 days on each table, then OPTIMIZE TABLE … FINAL),
each on the same freshly filled filesystem: a 256 MB tmpfs holding the real ClickHouse engine (a chdb
front, with the server's default old_parts_lifetime of 480 s), Langfuse's tables with 120 days of rows,
filled past 92%. Needs root (mount) and the venv
from scripts/install-deps.sh. Run through bench/cleanup-vs-seed.sh."""
import base64, os, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON, BIN = sys.argv[1], sys.argv[2]
TARGET = 80


def usage(path):
    s = os.statvfs(path)
    return (s.f_blocks - s.f_bavail) / s.f_blocks * 100


class Volume:
    def __init__(self, port):
        self.dir = tempfile.mkdtemp(prefix="lfmaint-bench-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", self.dir], check=True)
        assert os.statvfs(self.dir).f_blocks * os.statvfs(self.dir).f_frsize <= 256 << 20, "mount failed"
        self.url = f"http://127.0.0.1:{port}/"
        self.front = subprocess.Popen([PYTHON, os.path.join(ROOT, "scripts/chdb_front/chdb_front.py"), "--port", str(port),
                                       "--data", os.path.join(self.dir, "data"),
                                       "--config-file", os.path.join(ROOT, "scripts/chdb_front/system-logs.xml")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin"})
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "ping")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("front did not start")

    def query(self, sql, timeout=600):
        try:
            return urllib.request.urlopen(urllib.request.Request(self.url, data=sql.encode()), timeout=timeout).read().decode()
        except urllib.error.HTTPError as error:
            return "ERROR " + error.read().decode().strip()
        except TimeoutError:
            return f"TIMEOUT after {timeout} s"

    def fill(self):
        schema = open(os.path.join(ROOT, "scripts/fixtures/langfuse-schema.sql")).read().replace("{database}", "default")
        for part in schema.split(";\n"):
            sql = "\n".join(l for l in part.splitlines() if not l.startswith("--")).strip()
            if sql:
                self.query(sql)
        while usage(self.dir) < 92:
            self.query("INSERT INTO default.traces (id, timestamp, input, name, project_id, event_ts, is_deleted) SELECT toString(rand64()), "
                       "now64(3) - toIntervalSecond(rand() % (120 * 86400)), randomPrintableASCII(400), 't', 'p', now64(3), 0 FROM numbers(2000)")
            self.query("INSERT INTO default.observations (id, start_time, input, trace_id, project_id, type, name, event_ts, is_deleted) "
                       "SELECT toString(rand64()), now64(3) - toIntervalSecond(rand() % (120 * 86400)), randomPrintableASCII(400), 'x', 'p', "
                       "'GENERATION', 'o', now64(3), 0 FROM numbers(2000)")
        # Let merges catch up before measuring, so that the measurement sees the method, not the backlog.
        quiet = 0
        for _ in range(300):
            quiet = quiet + 1 if self.query("SELECT count() FROM system.merges").strip() == "0" else 0
            if quiet >= 5:
                break
            time.sleep(0.2)
        self.query("SYSTEM FLUSH LOGS")

    def close(self):
        self.front.kill()
        self.front.wait()
        subprocess.run(["umount", self.dir])
        os.rmdir(self.dir)


def measure(volume, action):
    """Runs action() while sampling usage every 20 ms: returns start, peak, end, time to relief, wall."""
    start = usage(volume.dir)
    samples, done = [], threading.Event()
    began = time.monotonic()

    def watch():
        while not done.is_set():
            samples.append((time.monotonic() - began, usage(volume.dir)))
            time.sleep(0.02)
    thread = threading.Thread(target=watch)
    thread.start()
    note = action()
    wall = time.monotonic() - began
    time.sleep(0.3)
    done.set()
    thread.join()
    relief = next((t for t, u in samples if u < TARGET), None)
    return {"start": start, "peak": max([start] + [u for _, u in samples]), "end": usage(volume.dir), "relief": relief, "wall": wall, "note": note}


def lfmaint(volume):
    env = {"PATH": "/usr/bin:/bin", "CLICKHOUSE_URL": volume.url.rstrip("/"), "CLICKHOUSE_CLUSTER_ENABLED": "false"}
    run = subprocess.run([BIN, "cleanup", "--threshold", "90", "--target", str(TARGET)], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout, run.stderr[-2000:], file=sys.stderr)
    return f"exit {run.returncode}"


SEED_LIMIT = 60


def seed(volume):
    """The seed's statements, each given SEED_LIMIT seconds: on a full disk a mutation waits for space
    that never comes (NOT_ENOUGH_SPACE, retried forever), and the engine serves nothing else meanwhile."""
    statements = [f"ALTER TABLE default.{t} DELETE WHERE {c} < now() - INTERVAL 30 DAY SETTINGS mutations_sync = 2"
                  for t, c in (("traces", "timestamp"), ("observations", "start_time"))]
    statements += [f"OPTIMIZE TABLE default.{t} FINAL" for t in ("traces", "observations")]
    for sql in statements:
        out = volume.query(sql, timeout=SEED_LIMIT)
        if out.startswith("ERROR") or out.startswith("TIMEOUT"):
            return f"{sql.split(' WHERE')[0].split(' FINAL')[0]}: {out.split('(version')[0][:100].strip()}"
    return "all statements finished"


results = {}
for name, action, port in (("lfmaint", lfmaint, 18931), ("seed", seed, 18932)):
    volume = Volume(port)
    try:
        volume.fill()
        results[name] = measure(volume, lambda: action(volume))
    finally:
        volume.close()
    print(f"{name} done", file=sys.stderr, flush=True)

print(f"cleanup of a 256 MB filesystem filled past 92% with 120 days of Langfuse rows; target {TARGET}%")
print(f"{'method':8} {'start %':>8} {'peak %':>8} {'end %':>8} {'relief s':>9} {'wall s':>8}  outcome")
for name, r in results.items():
    relief = f"{r['relief']:.2f}" if r["relief"] is not None else "never"
    print(f"{name:8} {r['start']:8.1f} {r['peak']:8.1f} {r['end']:8.1f} {relief:>9} {r['wall']:8.2f}  {r['note']}")
lf, sd = results["lfmaint"], results["seed"]
if lf["relief"] and sd["relief"]:
    print(f"time to relief: seed / lfmaint = {sd['relief'] / lf['relief']:.1f}x")
elif lf["relief"]:
    print(f"time to relief: the seed method never reached {TARGET}% (lfmaint: {lf['relief']:.2f} s)")
print(f"peak above start: lfmaint {lf['peak'] - lf['start']:+.2f} points, seed {sd['peak'] - sd['start']:+.2f} points")

"""A benchmark's nearly full filesystem: a tmpfs of its own (root: mount) holding the real ClickHouse
engine (the chdb front, with the server's default old_parts_lifetime of 480 s) and Langfuse's schema,
and the measurement of a cleanup method on it: usage sampled every 20 ms while the method runs."""
import os, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def usage(path):
    s = os.statvfs(path)
    return (s.f_blocks - s.f_bavail) / s.f_blocks * 100


class Volume:
    def __init__(self, python, port, megabytes=256):
        self.dir = tempfile.mkdtemp(prefix="lfmaint-bench-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", self.dir], check=True)
        assert os.statvfs(self.dir).f_blocks * os.statvfs(self.dir).f_frsize <= megabytes << 20, "mount failed"
        self.url = f"http://127.0.0.1:{port}/"
        self.front = subprocess.Popen([python, os.path.join(ROOT, "testing/chdb_front/chdb_front.py"), "--port", str(port),
                                       "--data", os.path.join(self.dir, "data"),
                                       "--config-file", os.path.join(ROOT, "testing/chdb_front/system-logs.xml")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin"})
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "ping")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("front did not start")
        schema = open(os.path.join(ROOT, "testing/fixtures/langfuse-schema.sql")).read().replace("{database}", "default")
        for part in schema.split(";\n"):
            sql = "\n".join(l for l in part.splitlines() if not l.startswith("--")).strip()
            if sql:
                self.query(sql)

    @property
    def usage(self):
        return usage(self.dir)

    def query(self, sql, timeout=600):
        try:
            return urllib.request.urlopen(urllib.request.Request(self.url, data=sql.encode()), timeout=timeout).read().decode()
        except urllib.error.HTTPError as error:
            return "ERROR " + error.read().decode().strip()
        except TimeoutError:
            return f"TIMEOUT after {timeout} s"

    def close(self):
        self.front.kill()
        self.front.wait()
        subprocess.run(["umount", self.dir])
        os.rmdir(self.dir)


def measure(volume, action, threshold, target):
    """Runs action() while sampling usage every 20 ms: start, peak, end, the times to fall under the
    threshold and under the target (None: never), wall, and what action() said."""
    start = volume.usage
    samples, done = [], threading.Event()
    began = time.monotonic()

    def watch():
        while not done.is_set():
            samples.append((time.monotonic() - began, volume.usage))
            time.sleep(0.02)
    thread = threading.Thread(target=watch)
    thread.start()
    note = action()
    wall = time.monotonic() - began
    time.sleep(0.3)
    done.set()
    thread.join()
    under = lambda level: next((t for t, u in samples if u < level), None)
    return {"start": start, "peak": max([start] + [u for _, u in samples]), "end": volume.usage, "threshold": under(threshold),
            "relief": under(target), "wall": wall, "note": note, "samples": len(samples)}


def lfmaint(binary, volume, threshold, target):
    env = {"PATH": "/usr/bin:/bin", "CLICKHOUSE_URL": volume.url.rstrip("/"), "CLICKHOUSE_CLUSTER_ENABLED": "false"}
    command = [binary, "cleanup", "--threshold", str(threshold), "--target", str(target)]
    run = subprocess.run(command, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout, run.stderr[-2000:], file=sys.stderr)
    return f"exit {run.returncode}"


def seed(volume, tables, limit):
    """The seed design's statements (ALTER TABLE … DELETE older than 30 days on each table, then
    OPTIMIZE TABLE … FINAL), each given `limit` seconds: on a full disk a mutation waits for space that
    never comes (NOT_ENOUGH_SPACE, retried forever), and the engine serves nothing else meanwhile."""
    statements = [f"ALTER TABLE default.{t} DELETE WHERE {c} < now() - INTERVAL 30 DAY SETTINGS mutations_sync = 2" for t, c in tables]
    statements += [f"OPTIMIZE TABLE default.{t} FINAL" for t, _ in tables]
    for sql in statements:
        out = volume.query(sql, timeout=limit)
        if out.startswith("ERROR") or out.startswith("TIMEOUT"):
            return f"{sql.split(' WHERE')[0].split(' FINAL')[0]}: {out.split('(version')[0][:100].strip()}"
    return "all statements finished"

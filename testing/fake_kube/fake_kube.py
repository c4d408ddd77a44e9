#!/usr/bin/env python3
"""A stand-in for the Kubernetes API server and kubelets, for lfmaint's tests and benchmark only.

Kubernetes cannot run here, so this replays the real response shapes lfmaint reads: NodeList and
PodList (core/v1), and the kubelet Summary API (k8s.io/kubelet/pkg/apis/stats/v1alpha1) with node
stats, pods with containers, network, ephemeral storage, a projected service-account volume and a
PVC volume each. Faults on demand: a node that never answers in time, a node whose Summary is
forbidden (403 Status), a node whose volume stats lack fields.

PersistentVolumeClaims and their StorageClass (`claims.py`): GET, and PATCH with the API server's
checks; Events POSTed; a resize moving through the resizer's conditions. Every write is recorded, and
`GET /_fake/writes` lists them; `POST /_fake/fill` sets a PVC's used share ({"pvc": …, "percent": …}).

Prints "port N" on stdout once it listens. Stop it by its PID.
"""
import argparse
import json
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from claims import Claims, status

GIB = 1 << 30


def node_name(index):
    return f"node-{index:03d}"


def pvc_name(node, slot):
    return f"data-{node}-{slot}"


def pod_name(node, slot):
    return f"app-{node}-{slot}"


def generated(node, slot):
    """The capacity and used bytes of a generated PVC."""
    capacity = (10 + slot) * GIB
    return capacity, capacity * (node_index(node) % 50 + slot * 3 + 10) // 100


def summary(node, pvcs, namespace, sparse, claims, store):
    """`claims`: more PVCs on this node, each mounted by a Deployment's pod (a made-up name)."""
    now = "2026-11-23T10:00:00Z"
    pods = []
    slots = [(pvc_name(node, slot), pod_name(node, slot)) for slot in range(pvcs)]
    slots += [(claim, f"{claim}-5d8c7b9f6-q2w7x") for claim in claims]
    for slot, (pvc, pod) in enumerate(slots):
        capacity, used = store.volume_stats(pvc)
        volume = {"time": now, "availableBytes": capacity - used, "capacityBytes": capacity, "usedBytes": used,
                  "inodesFree": 600000, "inodes": 655360, "inodesUsed": 55360,
                  "name": "data", "pvcRef": {"name": pvc, "namespace": namespace}}
        if sparse:
            volume = {"time": now, "usedBytes": used, "name": "data", "pvcRef": {"name": pvc, "namespace": namespace}}
        pods.append({
            "podRef": {"name": pod, "namespace": namespace, "uid": f"uid-{node}-{slot}"},
            "startTime": now,
            "containers": [{
                "name": "app", "startTime": now,
                "cpu": {"time": now, "usageNanoCores": 1234567, "usageCoreNanoSeconds": 987654321000},
                "memory": {"time": now, "availableBytes": 500000000, "usageBytes": 300000000, "workingSetBytes": 250000000,
                           "rssBytes": 200000000, "pageFaults": 12345, "majorPageFaults": 12},
                "rootfs": {"time": now, "availableBytes": 80 * GIB, "capacityBytes": 100 * GIB, "usedBytes": 40960,
                           "inodesFree": 6000000, "inodes": 6553600, "inodesUsed": 12},
                "logs": {"time": now, "availableBytes": 80 * GIB, "capacityBytes": 100 * GIB, "usedBytes": 8192,
                         "inodesFree": 6000000, "inodes": 6553600, "inodesUsed": 2},
            }],
            "cpu": {"time": now, "usageNanoCores": 1234567, "usageCoreNanoSeconds": 987654321000},
            "memory": {"time": now, "usageBytes": 300000000, "workingSetBytes": 250000000, "rssBytes": 200000000,
                       "pageFaults": 12345, "majorPageFaults": 12},
            "network": {"time": now, "name": "eth0", "rxBytes": 123456789, "rxErrors": 0, "txBytes": 98765432, "txErrors": 0,
                        "interfaces": [{"name": "eth0", "rxBytes": 123456789, "rxErrors": 0, "txBytes": 98765432, "txErrors": 0}]},
            "volume": [
                {"time": now, "availableBytes": 4 * GIB, "capacityBytes": 4 * GIB, "usedBytes": 12288,
                 "inodesFree": 1000000, "inodes": 1000009, "inodesUsed": 9, "name": "kube-api-access-abcde"},
                volume,
            ],
            "ephemeral-storage": {"time": now, "availableBytes": 80 * GIB, "capacityBytes": 100 * GIB, "usedBytes": 61440,
                                  "inodesFree": 6000000, "inodes": 6553600, "inodesUsed": 15},
            "process_stats": {"process_count": 3},
        })
    return {
        "node": {
            "nodeName": node,
            "systemContainers": [{"name": name, "startTime": now,
                                  "cpu": {"time": now, "usageNanoCores": 20000000, "usageCoreNanoSeconds": 5000000000000},
                                  "memory": {"time": now, "usageBytes": 100000000, "workingSetBytes": 90000000,
                                             "rssBytes": 80000000, "pageFaults": 100, "majorPageFaults": 1}}
                                 for name in ("kubelet", "runtime", "pods")],
            "startTime": now,
            "cpu": {"time": now, "usageNanoCores": 300000000, "usageCoreNanoSeconds": 90000000000000},
            "memory": {"time": now, "availableBytes": 8 * GIB, "usageBytes": 6 * GIB, "workingSetBytes": 5 * GIB,
                       "rssBytes": 4 * GIB, "pageFaults": 1000000, "majorPageFaults": 100},
            "network": {"time": now, "name": "eth0", "rxBytes": 9876543210, "rxErrors": 0, "txBytes": 8765432109, "txErrors": 0},
            "fs": {"time": now, "availableBytes": 80 * GIB, "capacityBytes": 100 * GIB, "usedBytes": 20 * GIB,
                   "inodesFree": 6000000, "inodes": 6553600, "inodesUsed": 553600},
            "runtime": {"imageFs": {"time": now, "availableBytes": 80 * GIB, "capacityBytes": 100 * GIB, "usedBytes": 5 * GIB,
                                    "inodesFree": 6000000, "inodes": 6553600, "inodesUsed": 553600}},
            "rlimit": {"time": now, "maxpid": 4194304, "curproc": 500},
        },
        "pods": pods,
    }


def node_index(node):
    return int(node.split("-")[1])


def make_store(args, nodes):
    store = Claims(args.namespace, args.storage_class, args.expansion, args.resize, args.resize_seconds, args.stale_summary)
    for node in nodes:
        for slot in range(args.pvcs_per_node):
            store.add(pvc_name(node, slot), *generated(node, slot))
    for claim in args.claim:
        store.add(claim, 50 * GIB, 50 * GIB * 40 // 100)
    for fill in args.fill:
        name, percent = fill.split("=")
        store.fill(name, int(percent))
    return store


def make_handler(args):
    nodes = [node_name(i) for i in range(args.nodes)]
    store = make_store(args, nodes)
    cache = {}
    touched = [False]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # One segment per response: without these, headers and body go out as two writes and the
        # client's delayed ACK holds the body back ~40 ms (Nagle's algorithm).
        disable_nagle_algorithm = True
        wbufsize = 1 << 16

        def log_message(self, fmt, *a):
            pass

        def authorized(self):
            if args.token and self.headers.get("Authorization") != f"Bearer {args.token}":
                self.status(401, "Unauthorized", "Unauthorized")
                return False
            return True

        def body(self):
            return self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()

        def do_PATCH(self):
            body = self.body()
            if not self.authorized():
                return
            prefix = f"/api/v1/namespaces/{args.namespace}/persistentvolumeclaims/"
            if not self.path.startswith(prefix):
                return self.status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
            touched[0] = True
            self.json(*store.patch(self.path[len(prefix):], self.headers.get("Content-Type"), body))

        def do_POST(self):
            body = self.body()
            if self.path == "/_fake/fill":
                request = json.loads(body)
                store.fill(request["pvc"], int(request["percent"]))
                touched[0] = True
                return self.json(200, {})
            if not self.authorized():
                return
            parts = self.path.split("/")
            if len(parts) == 6 and parts[1:4] == ["api", "v1", "namespaces"] and parts[5] == "events":
                return self.json(*store.event(parts[4], body, self.headers.get("Content-Type")))
            return self.status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")

        def do_GET(self):
            if self.path == "/_fake/writes":
                with store.lock:
                    return self.json(200, {"writes": store.writes, "events": store.events})
            if not self.authorized():
                return
            path = self.path.split("?")[0]
            if path == f"/api/v1/namespaces/{args.namespace}/events":
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                return self.json(200, store.list_events(query.get("fieldSelector", [""])[0]))
            claim_prefix = f"/api/v1/namespaces/{args.namespace}/persistentvolumeclaims/"
            if path.startswith(claim_prefix):
                claim = store.get(path[len(claim_prefix):])
                if claim is None:
                    return self.status(404, "NotFound", f'persistentvolumeclaims "{path[len(claim_prefix):]}" not found')
                return self.json(200, claim)
            if path.startswith("/apis/storage.k8s.io/v1/storageclasses/"):
                name = path.rsplit("/", 1)[1]
                body = store.storage_class_object(name)
                if body is None:
                    return self.status(404, "NotFound", f'storageclasses.storage.k8s.io "{name}" not found')
                return self.json(200, body)
            if path == "/api/v1/nodes":
                items = [{"metadata": {"name": n}, "status": {"addresses": [
                    {"type": "InternalIP", "address": args.node_address}, {"type": "Hostname", "address": n}]}} for n in nodes]
                return self.json(200, {"kind": "NodeList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": items})
            if path == f"/api/v1/namespaces/{args.namespace}/pods":
                items = [{"metadata": {"name": pod_name(n, s), "namespace": args.namespace},
                          "spec": {"nodeName": n}, "status": {"phase": "Running"}}
                         for n in nodes for s in range(args.pvcs_per_node)]
                return self.json(200, {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": items})
            if path.startswith("/api/v1/nodes/") and path.endswith("/proxy/stats/summary"):
                return self.summary(path.split("/")[4])
            if path == "/stats/summary" and nodes:
                return self.summary(nodes[0])
            return self.status(404, "NotFound", f"the server could not find the requested resource ({path})")

        def summary(self, node):
            if node not in nodes:
                return self.status(404, "NotFound", f'nodes "{node}" not found')
            if node == args.slow_node:
                time.sleep(args.slow_seconds)
            if node == args.forbidden_node:
                return self.status(403, "Forbidden", f'nodes "{node}" is forbidden: User "system:serviceaccount:langfuse:lfmaint" '
                                                     f'cannot get resource "nodes/proxy" in API group "" at the cluster scope')
            if node not in cache or touched[0]:
                cache[node] = json.dumps(summary(node, args.pvcs_per_node, args.namespace, node == args.sparse_node,
                                                 args.claim if node == nodes[0] else (), store)).encode()
            self.raw(200, cache[node])

        def status(self, code, reason, message):
            self.json(code, status(code, reason, message))

        def json(self, code, body):
            self.raw(code, json.dumps(body).encode())

        def raw(self, code, data):
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except BrokenPipeError:
                pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--pvcs-per-node", type=int, default=2)
    parser.add_argument("--namespace", default="langfuse")
    parser.add_argument("--token", default="")
    parser.add_argument("--node-address", default="127.0.0.1")
    parser.add_argument("--slow-node")
    parser.add_argument("--slow-seconds", type=float, default=30)
    parser.add_argument("--forbidden-node")
    parser.add_argument("--sparse-node")
    parser.add_argument("--claim", action="append", default=[], help="a PVC a Deployment's pod mounts on the first node")
    parser.add_argument("--fill", action="append", default=[], help="PVC=PERCENT: that PVC's used share")
    parser.add_argument("--storage-class", default="gp3", help="every PVC's StorageClass")
    parser.add_argument("--expansion", choices=["true", "false", "absent"], default="true", help="its allowVolumeExpansion")
    parser.add_argument("--resize", choices=["complete", "stall", "error", "infeasible", "old-error"], default="complete")
    parser.add_argument("--resize-seconds", type=float, default=1.0, help="from the patch to the new capacity")
    parser.add_argument("--stale-summary", action="store_true", help="the Summary keeps the old capacity after a resize")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args))
    server.daemon_threads = True
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

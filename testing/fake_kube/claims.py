"""PersistentVolumeClaims and a StorageClass for fake_kube, with the API server's rules for a resize and
the states the external-resizer and the kubelet move a PVC through (core/v1 and storage.k8s.io/v1
shapes as a real cluster sends them; messages from kubernetes-csi/external-resizer and the admission
plugin PersistentVolumeClaimResize).

Resize modes: complete (Resizing, then FileSystemResizePending, then the new capacity), stall (Resizing
for ever), error (ControllerResizeError, the resizer retrying for ever), infeasible
(ControllerResizeInfeasible), old-error (a cluster before 1.31: Resizing for ever, the failure only in a
VolumeResizeFailed Warning Event from the external-resizer). `stale_summary`: the kubelet's Summary keeps the old capacity.
"""
import json
import re
import threading
import time

GIB = 1 << 30
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
FS_PENDING = "Waiting for user to (re-)start a pod to finish file system resize of volume on node."
EBS_RATE = ('failed to expand pvc with rpc error: code = Internal desc = Could not resize volume "vol-0a1b2c3d4e5f67890": '
            'operation error EC2: ModifyVolume, https response error StatusCode: 400, api error VolumeModificationRateExceeded: '
            "You've reached the maximum modification rate per volume limit. Wait at least 6 hours between modifications per EBS volume.")


def quantity(text):
    match = re.fullmatch(r"(\d+)(Gi|Mi|Ki|)", text or "")
    if not match:
        return None
    return int(match.group(1)) * {"Gi": GIB, "Mi": 1 << 20, "Ki": 1024, "": 1}[match.group(2)]


def gi(nbytes):
    return f"{nbytes // GIB}Gi" if nbytes % GIB == 0 else str(nbytes)


def merge(target, patch):
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return patch
    target = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = merge(target.get(key), value)
    return target


class Claims:
    def __init__(self, namespace, storage_class, expansion, resize, resize_seconds, stale_summary):
        self.namespace = namespace
        self.storage_class = storage_class
        self.expansion = expansion
        self.resize = resize
        self.resize_seconds = resize_seconds
        self.stale_summary = stale_summary
        self.lock = threading.Lock()
        self.version = 1000
        self.claims = {}  # name -> {"object": PVC, "used": bytes, "fs": bytes, "resized_at": t, "target": bytes}
        self.writes = []
        self.events = []
        self.resizer_events = []

    def add(self, name, capacity, used):
        self.version += 1
        self.claims[name] = {"used": used, "fs": capacity, "resized_at": None, "target": None, "object": {
            "kind": "PersistentVolumeClaim", "apiVersion": "v1",
            "metadata": {
                "name": name, "namespace": self.namespace, "uid": f"5f0c2b9e-{len(self.claims):04d}-4d6a-9b1e-2f8a7c3d1e0b",
                "resourceVersion": str(self.version), "creationTimestamp": "2026-10-01T08:00:00Z",
                "labels": {"app.kubernetes.io/instance": "langfuse"},
                "annotations": {"pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes",
                                "volume.beta.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
                                "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com"},
                "finalizers": ["kubernetes.io/pvc-protection"],
            },
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": gi(capacity)}},
                     "volumeName": f"pvc-{name}", "storageClassName": self.storage_class, "volumeMode": "Filesystem"},
            "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": gi(capacity)}},
        }}

    def volume_stats(self, name):
        """(capacity, used) as the kubelet reports the file system."""
        with self.lock:
            claim = self.claims.get(name)
            if claim is None:
                return None
            self.advance(claim)
            return claim["fs"], claim["used"]

    def fill(self, name, percent):
        with self.lock:
            claim = self.claims[name]
            claim["used"] = claim["fs"] * percent // 100

    def get(self, name):
        with self.lock:
            claim = self.claims.get(name)
            if claim is None:
                return None
            self.advance(claim)
            return json.loads(json.dumps(claim["object"]))

    def storage_class_object(self, name):
        if name != self.storage_class:
            return None
        body = {"kind": "StorageClass", "apiVersion": "storage.k8s.io/v1",
                "metadata": {"name": name, "resourceVersion": "250",
                             "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
                "provisioner": "ebs.csi.aws.com", "parameters": {"type": "gp3", "csi.storage.k8s.io/fstype": "ext4"},
                "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer"}
        if self.expansion != "absent":
            body["allowVolumeExpansion"] = self.expansion == "true"
        return body

    def patch(self, name, content_type, body):
        """(status code, response body) as the API server answers a PATCH."""
        with self.lock:
            self.writes.append({"method": "PATCH", "path": f"/api/v1/namespaces/{self.namespace}/persistentvolumeclaims/{name}",
                                "contentType": content_type, "body": body})
            claim = self.claims.get(name)
            if claim is None:
                return 404, status(404, "NotFound", f'persistentvolumeclaims "{name}" not found')
            if content_type != "application/merge-patch+json":
                return 415, status(415, "UnsupportedMediaType",
                                   f'the body of the request was in an unknown format - accepted media types include: '
                                   'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml')
            self.advance(claim)
            current = claim["object"]
            try:
                patch = json.loads(body)
            except ValueError as error:
                return 400, status(400, "BadRequest", f"error decoding patch: {error}")
            wanted_version = (patch.get("metadata") or {}).get("resourceVersion")
            if wanted_version is not None and wanted_version != current["metadata"]["resourceVersion"]:
                return 409, status(409, "Conflict",
                                   f'Operation cannot be fulfilled on persistentvolumeclaims "{name}": the object has been '
                                   'modified; please apply your changes to the latest version and try again')
            patched = merge({k: v for k, v in current.items() if k != "status"}, patch)
            patched["status"] = current["status"]
            old = quantity(current["spec"]["resources"]["requests"]["storage"])
            new = quantity(((patched.get("spec") or {}).get("resources") or {}).get("requests", {}).get("storage"))
            if new is None:
                return 422, status(422, "Invalid",
                                   f'PersistentVolumeClaim "{name}" is invalid: spec.resources.requests.storage: Invalid value')
            capacity = quantity(current["status"]["capacity"]["storage"])
            if new < capacity:
                return 422, status(422, "Invalid", f'PersistentVolumeClaim "{name}" is invalid: spec.resources.requests.storage: '
                                   'Forbidden: field can not be less than status.capacity')
            if new > old and self.expansion != "true":
                return 403, status(403, "Forbidden",
                                   f'persistentvolumeclaims "{name}" is forbidden: only dynamically provisioned pvc can be '
                                   'resized and the storageclass that provisions the pvc must support resize')
            self.version += 1
            patched["metadata"]["resourceVersion"] = str(self.version)
            claim["object"] = patched
            if new > old:
                claim["resized_at"] = time.monotonic()
                claim["target"] = new
            # The API server answers with the status as it was: the resizer writes its own through /status, later.
            return 200, json.loads(json.dumps(patched))

    def event(self, namespace, body, content_type):
        with self.lock:
            self.writes.append({"method": "POST", "path": f"/api/v1/namespaces/{namespace}/events", "contentType": content_type,
                                "body": body})
            event = json.loads(body)
            for key in ("firstTimestamp", "lastTimestamp"):
                stamp = event.get(key)
                if stamp is not None and not RFC3339.fullmatch(stamp):
                    return 400, status(400, "BadRequest", f'Event in version "v1" cannot be handled as a Event: parsing time "{stamp}" as '
                                       '"2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"')
            name = (event.get("metadata") or {}).get("name")
            if not name:
                return 422, status(422, "Invalid", 'Event "" is invalid: metadata.name: Required value: name or generateName is required')
            if (event.get("metadata") or {}).get("namespace") not in (None, namespace):
                return 400, status(400, "BadRequest",
                                   "the namespace of the provided object does not match the namespace sent on the request")
            if any(e["metadata"]["name"] == name for e in self.events):
                return 409, status(409, "AlreadyExists", f'events "{name}" already exists')
            if (event.get("involvedObject") or {}).get("namespace") != namespace:
                return 422, status(422, "Invalid",
                                   "Event is invalid: involvedObject.namespace: Invalid value: does not match event.namespace")
            event.setdefault("metadata", {})["uid"] = f"e{len(self.events):07d}-0000-4000-8000-000000000000"
            self.version += 1
            event["metadata"]["resourceVersion"] = str(self.version)
            self.events.append(event)
            return 201, event

    def list_events(self, selector):
        """An EventList filtered by a fieldSelector (`a.b=c,d=e`), as the API server filters it."""
        wanted = dict(pair.split("=", 1) for pair in selector.split(",") if "=" in pair)

        def field(event, path):
            value = event
            for key in path.split("."):
                value = (value or {}).get(key)
            return value

        with self.lock:
            for claim in self.claims.values():
                self.advance(claim)
            items = [e for e in self.events + self.resizer_events if all(field(e, k) == v for k, v in wanted.items())]
            return {"kind": "EventList", "apiVersion": "v1", "metadata": {"resourceVersion": str(self.version)}, "items": items}

    def advance(self, claim):
        """Moves a resize on by the time since its patch (the lock is held). Each status write bumps the
        resourceVersion, as the resizer's and the kubelet's writes through /status do."""
        if claim["resized_at"] is None:
            return
        before = json.dumps(claim["object"]["status"], sort_keys=True)
        self.move(claim)
        if json.dumps(claim["object"]["status"], sort_keys=True) != before:
            self.version += 1
            claim["object"]["metadata"]["resourceVersion"] = str(self.version)

    def move(self, claim):
        elapsed = time.monotonic() - claim["resized_at"]
        status_ = claim["object"]["status"]
        target = claim["target"]
        if self.resize == "complete" and elapsed >= self.resize_seconds:
            status_["capacity"] = {"storage": gi(target)}
            for key in ("conditions", "allocatedResourceStatuses"):
                status_.pop(key, None)
            status_["allocatedResources"] = {"storage": gi(target)}
            if not self.stale_summary:
                claim["fs"] = target
            claim["resized_at"] = None
        elif elapsed < self.resize_seconds / 4:
            return
        elif self.resize == "complete" and elapsed >= self.resize_seconds / 2:
            status_["conditions"] = [condition("FileSystemResizePending", message=FS_PENDING)]
            status_["allocatedResourceStatuses"] = {"storage": "NodeResizePending"}
        elif self.resize == "error" and elapsed >= self.resize_seconds / 2:
            status_["conditions"] = [condition("ControllerResizeError", message=EBS_RATE)]
        elif self.resize == "old-error" and elapsed >= self.resize_seconds / 2 and not claim.get("warned"):
            claim["warned"] = True
            name = claim["object"]["metadata"]["name"]
            self.resizer_events.append({
                "kind": "Event", "apiVersion": "v1",
                "metadata": {"name": f"{name}.17e3c0a2b4d5f6a7", "namespace": self.namespace, "resourceVersion": str(self.version)},
                "involvedObject": {"kind": "PersistentVolumeClaim", "namespace": self.namespace, "name": name, "apiVersion": "v1",
                                   "uid": claim["object"]["metadata"]["uid"]},
                "reason": "VolumeResizeFailed", "type": "Warning", "count": 3,
                "message": f'resize volume "pvc-{name}" by resizer "ebs.csi.aws.com" failed: '
                           + EBS_RATE.split("failed to expand pvc with ", 1)[1],
                "source": {"component": "external-resizer ebs.csi.aws.com"},
                "firstTimestamp": "2026-12-06T05:00:00Z", "lastTimestamp": "2026-12-06T05:02:00Z",
                "reportingComponent": "", "reportingInstance": ""})
        elif self.resize == "infeasible" and elapsed >= self.resize_seconds / 2:
            status_["conditions"] = [condition("ControllerResizeError", message=EBS_RATE.replace("code = Internal", "code = OutOfRange"))]
            status_["allocatedResourceStatuses"] = {"storage": "ControllerResizeInfeasible"}
        elif "conditions" not in status_:
            status_["allocatedResources"] = {"storage": gi(target)}
            status_["allocatedResourceStatuses"] = {"storage": "ControllerResizeInProgress"}
            status_["conditions"] = [condition("Resizing")]


def condition(kind, message=None):
    body = {"type": kind, "status": "True", "lastProbeTime": None, "lastTransitionTime": "2026-12-06T05:00:00Z"}
    if message:
        body["message"] = message
    return body


def status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message, "reason": reason, "code": code}

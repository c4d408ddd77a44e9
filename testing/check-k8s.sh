#!/usr/bin/env bash
# Checks the packaging: every kustomization under k8s/ renders, checkov finds nothing in k8s/ (as
# written and as rendered), deploy/ or the Dockerfile, and the alert rules pass promtool's check and
# their unit tests (k8s/tests/alerts.test.yaml), and every file the Dockerfile copies is in its build
# context. Installs what is missing: promtool from apt, kubectl from apt when a Kubernetes apt
# repository is configured (Debian's own kubectl is too old), checkov from PyPI into its own venv. Exit 1 when any check fails, after running them all.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$LFMAINT_ROOT"

CHECKOV_VERSION=3.3.30
# Not $LFMAINT_VENV itself: checkov pins boto3/botocore 1.35, older than the moto there needs.
CHECKOV_VENV="${LFMAINT_CHECKOV_VENV:-$(dirname "$LFMAINT_VENV")/checkov-venv}"

die() { echo "check-k8s: $*" >&2; exit 1; }
sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
apt_install() {
  echo "check-k8s: apt installing $*"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo_cmd apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# kubectl with kustomize v5 (components, `labels:`); Debian's own kubernetes-client is 1.20 (v2).
kustomize_v5() {
  local major
  major="$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p')"
  [ "${major:-0}" -ge 5 ]
}
kustomize_v5 || apt_install kubectl || true
kustomize_v5 || die "needs kubectl with kustomize v5 (kubectl 1.27 or newer): none found, and apt could not install the kubectl package"

command -v promtool >/dev/null || apt_install prometheus
command -v promtool >/dev/null || die "needs promtool (Debian's prometheus package)"

if [ ! -x "$CHECKOV_VENV/bin/checkov" ] || ! "$CHECKOV_VENV/bin/checkov" --version 2>/dev/null | grep -qx "$CHECKOV_VERSION"; then
  python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
  echo "check-k8s: installing checkov $CHECKOV_VERSION into $CHECKOV_VENV (once; takes a minute)"
  python3 -m venv "$CHECKOV_VENV"
  "$CHECKOV_VENV/bin/pip" install -q --disable-pip-version-check "checkov==$CHECKOV_VERSION" \
    || die "pip could not install checkov $CHECKOV_VERSION"
fi
PYTHON="$CHECKOV_VENV/bin/python"   # has PyYAML (a checkov dependency)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
# run NAME COMMAND...: runs one check, prints its output only when it fails.
run() {
  local name="$1"; shift
  if "$@" >"$work/log" 2>&1; then
    passed=$((passed + 1))
    echo "ok    $name$(summary)"
  else
    failed=$((failed + 1))
    echo "FAIL  $name"
    sed 's/^/      /' "$work/log"
  fi
}
# checkov's own counts, when the log has them.
summary() {
  grep -h '^Passed checks:' "$work/log" 2>/dev/null \
    | awk -F'[:,]' '{p+=$2; f+=$4; s+=$6} END {if (NR) printf " (checkov: %d passed, %d failed, %d skipped)", p, f, s}'
}

# Every kustomization renders; components are rendered through the overlays that use them.
mkdir -p "$work/rendered"
render_all() {
  local dir out status=0
  while read -r dir; do
    out="$work/rendered/$(echo "${dir#k8s}" | tr / _ | sed 's/^_//; s/^$/default/').yaml"
    if ! kubectl kustomize "$dir" >"$out"; then echo "kubectl kustomize $dir failed"; status=1; fi
    echo "rendered $dir: $(grep -c '^kind:' "$out") objects"
  done < <(grep -lx 'kind: Kustomization' -r k8s --include kustomization.yaml | xargs -n1 dirname | sort)
  for dir in k8s/components/*/; do
    grep -rqs "components/$(basename "$dir")\$" k8s/overlays --include kustomization.yaml \
      || { echo "no overlay uses $dir, so nothing renders it"; status=1; }
  done
  return $status
}
run "kubectl kustomize: every kustomization under k8s/" render_all

checkov() {
  "$CHECKOV_VENV/bin/checkov" --quiet --compact --skip-download --output cli "$@"
}
run "checkov k8s/ (kubernetes)" checkov -d k8s --framework kubernetes
run "checkov rendered overlays (kubernetes)" checkov -d "$work/rendered" --framework kubernetes
run "checkov deploy/ (cloudformation)" checkov -d deploy --framework cloudformation
run "checkov Dockerfile (dockerfile)" checkov -f Dockerfile --framework dockerfile

# The alert rules live in the PrometheusRule; promtool gets its spec, as the monitoring overlay renders it.
extract_rules() {
  "$PYTHON" - "$work/rendered/overlays_monitoring.yaml" "$work/lfmaint.rules.yaml" <<'EOF'
import sys, yaml
rules = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d.get("kind") == "PrometheusRule"]
assert len(rules) == 1, f"expected one PrometheusRule in the monitoring overlay, found {len(rules)}"
yaml.safe_dump(rules[0]["spec"], open(sys.argv[2], "w"), sort_keys=False)
EOF
  cp k8s/tests/alerts.test.yaml "$work/"
}
check_rules() { extract_rules && promtool check rules "$work/lfmaint.rules.yaml"; }
run "promtool check rules (PrometheusRule lfmaint)" check_rules
run "promtool test rules k8s/tests/alerts.test.yaml" promtool test rules "$work/alerts.test.yaml"

# deploy/iam-policy.json (for the console, the CLI or Terraform) is the policy checkov scanned in
# deploy/cloudformation/lfmaint-iam.yaml.
same_policy() {
  "$PYTHON" - <<'EOF'
import json, sys, yaml
class CFN(yaml.SafeLoader): pass
CFN.add_multi_constructor("!", lambda loader, tag, node: {tag: loader.construct_scalar(node)})
template = yaml.load(open("deploy/cloudformation/lfmaint-iam.yaml"), CFN)
namespace = template["Parameters"]["MetricNamespace"]["Default"]
document = json.dumps(template["Resources"]["PublishPolicy"]["Properties"]["PolicyDocument"])
document = json.loads(document.replace(json.dumps({"Ref": "MetricNamespace"}), json.dumps(namespace)))
if document != json.load(open("deploy/iam-policy.json")):
    sys.exit("deploy/iam-policy.json differs from PublishPolicy in deploy/cloudformation/lfmaint-iam.yaml")
EOF
}
run "deploy/iam-policy.json = the policy in lfmaint-iam.yaml" same_policy

# Every file the Dockerfile copies from the build context gets past .dockerignore (no Docker engine
# here to try the build): Docker's rules, last match wins, `*` and `dir/` patterns as used there.
docker_context() {
  "$PYTHON" - <<'EOF'
import fnmatch, glob, os, shlex, sys
rules = []
for line in open(".dockerignore"):
    line = line.strip()
    if line and not line.startswith("#"):
        rules.append((line.startswith("!"), line.lstrip("!").rstrip("/")))
def included(path):
    keep = True
    for negated, pattern in rules:
        parts = path.split("/")
        if any(fnmatch.fnmatchcase("/".join(parts[:n]), pattern) for n in range(1, len(parts) + 1)):
            keep = negated
    return keep
missing = []
for line in open("Dockerfile"):
    words = shlex.split(line.split("#")[0]) if line.startswith("COPY ") else []
    if not words or any(word.startswith("--from") for word in words):
        continue
    for source in words[1:-1]:
        matches = glob.glob(source)
        paths = [m for m in matches if os.path.isfile(m)] + [os.path.join(d, f) for m in matches for d, _, fs in os.walk(m) for f in fs]
        if not paths:
            missing.append(f"{source} (no such file)")
        missing += [path for path in paths if not included(os.path.normpath(path))]
if missing:
    sys.exit("COPY sources left out of the build context by .dockerignore: " + ", ".join(missing[:10]))
EOF
}
run "Dockerfile's COPY sources pass .dockerignore" docker_context

echo "k8s: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

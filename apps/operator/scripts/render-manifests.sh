#!/usr/bin/env bash
# Renders deploy/manifests/glkeys-operator.yaml (for `kubectl apply -f` users) from the chart with
# its default values, release glkeys-operator in namespace glkeys-system, plus that Namespace.
# Usage: render-manifests.sh [--stdout]   (test/chart/manifests.test.ts compares the two)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
helm="$(bash "$here/../../scripts/ensure-helm.sh")"
render() {
  cat <<'HEAD'
# Rendered from deploy/helm/glkeys-operator with its default values by
# `pnpm run generate:manifests` in apps/operator; do not edit.
# kubectl apply --server-side -f glkeys-operator.yaml
apiVersion: v1
kind: Namespace
metadata:
  name: glkeys-system
  labels:
    app.kubernetes.io/part-of: glkeys
    pod-security.kubernetes.io/enforce: restricted
HEAD
  "$helm" template glkeys-operator "$here/deploy/helm/glkeys-operator" --namespace glkeys-system
}
if [ "${1:-}" = "--stdout" ]; then
  render
else
  render > "$here/deploy/manifests/glkeys-operator.yaml"
  echo "wrote deploy/manifests/glkeys-operator.yaml" >&2
fi

#!/usr/bin/env bash
# Builds helm from its Go module (helm.sh/helm/v3) into a cache folder outside the repo, keyed by
# the versions that decide the bytes (helm, Go, platform), as kube-testenv does for its binaries.
# The chart tests (apps/operator/test/chart) call it; scripts/test calls it first so the build
# is not charged to a test's timeout. Prints the helm binary's path on stdout; progress on stderr.
set -euo pipefail

helm_version="${GLKEYS_HELM_VERSION:-v3.22.0}"
if ! command -v go >/dev/null 2>&1; then
  echo "glkeys: Go is not on PATH; install Go >= 1.26 (helm is built from Go modules)" >&2
  exit 3
fi
go_version="$(go env GOVERSION)"
platform="$(go env GOOS)-$(go env GOARCH)"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/glkeys"
dir="$cache_root/helm-${helm_version}_${go_version}_${platform}"

if [ -x "$dir/bin/helm" ]; then
  echo "$dir/bin/helm"
  exit 0
fi
mkdir -p "$dir/bin"
# One builder at a time: parallel test files may all ask.
exec 9>"$dir/.lock"
if ! flock -n 9; then
  echo "glkeys: another process is building helm into $dir; waiting for it" >&2
  flock 9
fi
if [ -x "$dir/bin/helm" ]; then
  echo "$dir/bin/helm"
  exit 0
fi
start=$SECONDS
echo "glkeys: building helm ${helm_version} with ${go_version}; a cold build takes a few minutes" >&2
# go install writes into GOBIN only; a temporary GOBIN and a rename make a half-written binary
# impossible to pick up.
tmp="$(mktemp -d "$dir/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
if ! CGO_ENABLED=0 GOBIN="$tmp" GOFLAGS=-trimpath go install -ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=${helm_version}" "helm.sh/helm/v3/cmd/helm@${helm_version}" >&2; then
  echo "glkeys: building helm failed; check that Go can reach its module proxy (GOPROXY=$(go env GOPROXY))" >&2
  exit 4
fi
mv "$tmp/helm" "$dir/bin/helm"
echo "glkeys: built helm in $((SECONDS - start))s" >&2
echo "$dir/bin/helm"

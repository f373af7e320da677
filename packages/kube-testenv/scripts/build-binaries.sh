#!/usr/bin/env bash
# Builds etcd and kube-apiserver (and, on request, kube-controller-manager)
# from the Go wrapper modules in ../go into a cache folder outside the repo,
# keyed by the versions that decide the bytes (Kubernetes, etcd, Go, platform).
# A folder with a .complete marker holds etcd + kube-apiserver and is reused
# as is; kube-controller-manager is built only the first time it is asked for,
# so the common case (no controllers needed) pays for two binaries only.
# Usage: build-binaries.sh [--with-controller-manager]
# Prints the cache folder on stdout; progress goes to stderr.
set -euo pipefail

with_kcm=0
for arg in "$@"; do
  case "$arg" in
    --with-controller-manager) with_kcm=1 ;;
    *) echo "kube-testenv: unknown argument '$arg' (expected --with-controller-manager)" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
k8s_version="$(awk '/^require k8s.io\/kubernetes /{print $3}' "$here/go/apiserver/go.mod")"
etcd_version="$(awk '/^require go.etcd.io\/etcd\/server\/v3 /{print $3}' "$here/go/etcd/go.mod")"

if ! command -v go >/dev/null 2>&1; then
  echo "kube-testenv: Go is not on PATH; install Go >= 1.26 (etcd and kube-apiserver are built from Go modules)" >&2
  exit 3
fi
go_version="$(go env GOVERSION)"
platform="$(go env GOOS)-$(go env GOARCH)"
cache_root="${GLKEYS_KUBE_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/glkeys/kube-testenv}"
dir="$cache_root/k8s-${k8s_version}_etcd-${etcd_version}_${go_version}_${platform}"

ready() {
  [ -f "$dir/.complete" ] && { [ "$with_kcm" = 0 ] || [ -x "$dir/bin/kube-controller-manager" ]; }
}

if ready; then
  echo "$dir"
  exit 0
fi

mkdir -p "$dir/bin"
# One builder at a time per cache folder: parallel test runs may all ask.
exec 9>"$dir/.lock"
if ! flock -n 9; then
  echo "kube-testenv: another process is building into $dir; waiting for it" >&2
  flock 9
fi
if ready; then
  echo "$dir"
  exit 0
fi

build() { # module-dir package output
  [ -x "$dir/bin/$3" ] && return 0
  local start=$SECONDS
  echo "kube-testenv: building $3 (kubernetes ${k8s_version}, etcd ${etcd_version}, ${go_version}); a cold build takes several minutes" >&2
  if ! (cd "$here/go/$1" && CGO_ENABLED=0 go build -mod=mod -trimpath -ldflags='-s -w' -o "$dir/bin/$3.tmp" "$2") >&2; then
    echo "kube-testenv: building $3 failed; check that Go can reach its module proxy (GOPROXY=$(go env GOPROXY))" >&2
    exit 4
  fi
  # The rename makes a half-written binary impossible to pick up.
  mv "$dir/bin/$3.tmp" "$dir/bin/$3"
  echo "kube-testenv: built $3 in $((SECONDS - start))s" >&2
}

build etcd go.etcd.io/etcd/server/v3 etcd
build apiserver k8s.io/kubernetes/cmd/kube-apiserver kube-apiserver
printf 'kubernetes=%s\netcd=%s\ngo=%s\n' "$k8s_version" "$etcd_version" "$go_version" > "$dir/VERSIONS"
touch "$dir/.complete"
if [ "$with_kcm" = 1 ]; then
  build apiserver k8s.io/kubernetes/cmd/kube-controller-manager kube-controller-manager
fi
echo "$dir"

#!/usr/bin/env bash
# Builds etcd, kube-apiserver and kube-controller-manager from the Go wrapper
# modules in ../go into a cache folder outside the repo, keyed by the versions
# that decide the bytes (Kubernetes, etcd, Go, platform). A finished folder has
# a .complete marker and is reused as is; an unfinished one is rebuilt.
# Prints the cache folder on stdout; progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
k8s_version="$(awk '/^require k8s.io\/kubernetes /{print $3}' "$here/go/apiserver/go.mod")"
etcd_version="$(awk '/^require go.etcd.io\/etcd\/server\/v3 /{print $3}' "$here/go/etcd/go.mod")"

if ! command -v go >/dev/null 2>&1; then
  echo "kube-testenv: Go is not on PATH; install Go >= 1.26 (the apiserver is built from Go modules)" >&2
  exit 3
fi
go_version="$(go env GOVERSION)"
platform="$(go env GOOS)-$(go env GOARCH)"
cache_root="${GLKEYS_KUBE_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/glkeys/kube-testenv}"
dir="$cache_root/k8s-${k8s_version}_etcd-${etcd_version}_${go_version}_${platform}"

if [ -f "$dir/.complete" ]; then
  echo "$dir"
  exit 0
fi

mkdir -p "$dir/bin"
# One builder at a time per cache folder: parallel test workers may all ask.
exec 9>"$dir/.lock"
flock 9
if [ -f "$dir/.complete" ]; then
  echo "$dir"
  exit 0
fi

build() { # module-dir package output
  local start=$SECONDS
  echo "kube-testenv: building $3 (${k8s_version}/${etcd_version}, ${go_version}); a cold build takes several minutes on 2 cores" >&2
  if ! (cd "$here/go/$1" && CGO_ENABLED=0 go build -mod=mod -trimpath -ldflags='-s -w' -o "$dir/bin/$3.tmp" "$2") >&2; then
    echo "kube-testenv: building $3 failed; check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY))" >&2
    exit 4
  fi
  mv "$dir/bin/$3.tmp" "$dir/bin/$3"
  echo "kube-testenv: built $3 in $((SECONDS - start))s" >&2
}

build etcd go.etcd.io/etcd/server/v3 etcd
build apiserver k8s.io/kubernetes/cmd/kube-apiserver kube-apiserver
build apiserver k8s.io/kubernetes/cmd/kube-controller-manager kube-controller-manager
printf 'kubernetes=%s\netcd=%s\ngo=%s\n' "$k8s_version" "$etcd_version" "$go_version" > "$dir/VERSIONS"
touch "$dir/.complete"
echo "$dir"

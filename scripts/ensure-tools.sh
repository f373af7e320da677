# Sourced by scripts/test: the command-line tools the test suites call, installed from Debian's
# packages when missing (a fresh machine may lack them; CI reusing a machine would hide that).
# Go is not installed here: the kube-apiserver build needs Go >= 1.26, which Debian lacks.
ensure_tools() {
  local missing=()
  command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
  command -v ssh-keyscan >/dev/null 2>&1 || missing+=(openssh-client)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v flock >/dev/null 2>&1 || missing+=(util-linux)
  command -v rsync >/dev/null 2>&1 || missing+=(rsync)   # gitlab-ci-local copies the project with it
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)     # gives the CLI a real terminal for the prompt test
  command -v git >/dev/null 2>&1 || missing+=(git)       # bootstrap git pushes with it; the tests run git http-backend
  [ -x /usr/sbin/sshd ] || command -v sshd >/dev/null 2>&1 || missing+=(openssh-server)  # a real sshd for the bootstrap git SSH push test
  # The operator image (apps/operator/image): built here from Debian packages fetched with apt-get
  # download and unpacked by dpkg-deb; its test unpacks it with umoci, reads it with skopeo and
  # runs it with runc (crun cannot set rlimits in this kind of sandbox).
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  command -v umoci >/dev/null 2>&1 || missing+=(umoci)
  command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
  # python-gitlab: a GitLab client that did not come from this project, for the simulator's contract test.
  { python3 -c 'import gitlab' || /usr/bin/python3 -c 'import gitlab'; } >/dev/null 2>&1 || missing+=(python3-gitlab)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "glkeys: installing ${missing[*]} (needed by the tests)" >&2
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
    else
      echo "glkeys: not root; install these Debian packages first: ${missing[*]}" >&2
      return 1
    fi
  fi
  if ! command -v go >/dev/null 2>&1; then
    echo "glkeys: Go >= 1.26 is required to build the test apiserver (packages/kube-testenv)" >&2
    return 1
  fi
}

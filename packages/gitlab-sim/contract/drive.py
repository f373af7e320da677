"""Drives every route of the GitLab simulator with python-gitlab, a client this project did not
write, and records every answer (method, URL, status, content type, body) as JSON.

Usage: python3 drive.py   with SIM_URL (e.g. http://127.0.0.1:43123) and SIM_RECORD (output
file) in the environment. The simulator must run the default seed. Exits non-zero when a call
answers otherwise than GitLab would; the recorded answers are then checked against GitLab's
OpenAPI schemas by test/contract.test.ts.
"""

import base64
import json
import os
import sys
import urllib.request

import gitlab

URL = os.environ["SIM_URL"]
RECORD = os.environ["SIM_RECORD"]
# Fixture tokens of the simulator's default seed (SEED_TOKENS); they exist only inside it.
ADMIN = "glpat-sim-admin-00000000000"
OWNER = "glpat-sim-owner-00000000000"
MAINTAINER = "glpat-sim-maintainer-000000"
DEVELOPER = "glpat-sim-developer-0000000"
READ_API = "glpat-sim-readapi-000000000"
EXPIRED = "glpat-sim-expired-000000000"

answers = []


def record(response, *args, **kwargs):
    answers.append(
        {
            "method": response.request.method,
            "url": response.request.url,
            "status": response.status_code,
            "contentType": response.headers.get("Content-Type", ""),
            "body": response.text,
        }
    )


def client(token):
    gl = gitlab.Gitlab(URL, private_token=token, retry_transient_errors=True)
    gl.session.hooks["response"].append(record)
    return gl


def expect_error(status, call):
    try:
        call()
    except gitlab.exceptions.GitlabError as e:
        if e.response_code != status:
            raise AssertionError(f"expected {status}, got {e.response_code}: {e.error_message}") from e
        return e
    raise AssertionError(f"expected {status}, the call succeeded")


def ssh_key(n):
    # An Ed25519 public key line: the wire blob is string("ssh-ed25519") + string(32 bytes).
    def wire(b):
        return len(b).to_bytes(4, "big") + b

    blob = wire(b"ssh-ed25519") + wire(bytes([n]) * 32)
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} contract-{n}"


def admin_api(path, body):
    # The simulator's own admin API (not GitLab's): used here to inject one 429.
    req = urllib.request.Request(
        f"{URL}/-/glkeys-sim{path}",
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"PRIVATE-TOKEN": ADMIN, "Content-Type": "application/json"},
    )
    urllib.request.urlopen(req).read()


admin = client(ADMIN)
owner = client(OWNER)
maintainer = client(MAINTAINER)
developer = client(DEVELOPER)

# --- the caller, its token, users, namespaces, groups ---
owner.auth()
assert owner.user.username == "alice"
assert owner.version()[0].endswith("-sim")
me = owner.http_get("/personal_access_tokens/self")
assert me["scopes"] == ["api"], me
bob = owner.users.list(username="bob")[0]
assert owner.namespaces.get("alice").kind == "user"
group = owner.groups.get("platform/apps")
assert owner.namespaces.get(group.id).full_path == "platform/apps"
assert owner.groups.get("platform", with_projects=False).project_creation_level == "developer"
assert group.members_all.get(bob.id).access_level == 40
in_groups = owner.groups.get("platform", lazy=True).projects.list(include_subgroups=True, get_all=True, order_by="path", sort="asc")
assert [p.path for p in in_groups] == ["api", "docs", "web"], [p.path for p in in_groups]
assert [p.path for p in owner.users.get("alice", lazy=True).projects.list(get_all=True)] == ["sandbox"]

# --- projects ---
web = maintainer.projects.get("platform/apps/web", statistics=True, license=True)
assert web.statistics["commit_count"] == 1 and web.license is None
assert web.members_all.get(bob.id).username == "bob"
created = developer.projects.create(
    {"name": "Contract", "namespace_id": group.id, "initialize_with_readme": True, "merge_method": "ff", "topics": ["contract"]}
)
assert created.merge_method == "ff" and created.topics == ["contract"]

# --- project deploy tokens, pagination over more than one page, the active filter ---
project = maintainer.projects.get("platform/apps/web", lazy=True)
tokens = [project.deploytokens.create({"name": f"t{i}", "scopes": ["read_repository"]}) for i in range(25)]
assert all(t.token.startswith("gldt-") for t in tokens)
paged = project.deploytokens.list(per_page=10, get_all=True)
assert len(paged) == 25, len(paged)
assert len(list(project.deploytokens.list(per_page=7, iterator=True))) == 25
assert project.deploytokens.get(tokens[0].id).name == "t0"
project.deploytokens.delete(tokens[0].id)
expired = project.deploytokens.create({"name": "old", "scopes": ["read_registry"], "expires_at": "2020-01-01"})
assert expired.expired is True
active = project.deploytokens.list(active=True, get_all=True)
assert expired.id not in [t.id for t in active] and len(active) == 24
expect_error(400, lambda: project.deploytokens.list(active="maybe"))
expect_error(400, lambda: project.deploytokens.create({"name": "x", "scopes": ["api"]}))
expect_error(404, lambda: project.deploytokens.get(999999))

# --- group deploy tokens (the group endpoint takes all seven scopes) and the instance list ---
platform = owner.groups.get("platform", lazy=True)
gt = platform.deploytokens.create({"name": "registry", "scopes": ["read_registry", "read_virtual_registry"]})
assert platform.deploytokens.get(gt.id).scopes == ["read_registry", "read_virtual_registry"]
assert gt.id in [t.id for t in platform.deploytokens.list(get_all=True, active=True)]
platform.deploytokens.delete(gt.id)
assert len(admin.deploytokens.list(active=True, get_all=True)) == 24
expect_error(403, lambda: owner.deploytokens.list())
expect_error(403, lambda: maintainer.groups.get("platform/apps", lazy=True).deploytokens.create({"name": "x", "scopes": ["read_repository"]}))

# --- deploy keys ---
key = project.keys.create({"title": "ci", "key": ssh_key(1), "can_push": False})
assert project.keys.get(key.id).title == "ci"
assert len(project.keys.list(get_all=True)) == 1
key.title = "renamed"
key.can_push = True
key.save()
assert key.can_push is True
other = maintainer.projects.get("platform/apps/api", lazy=True)
other.keys.enable(key.id)
assert [k.id for k in other.keys.list(get_all=True)] == [key.id]
same = project.keys.create({"title": "again", "key": ssh_key(1)})
assert same.id == key.id
err = expect_error(400, lambda: project.keys.create({"title": "recommented", "key": ssh_key(1).replace("contract-1", "other")}))
assert "fingerprint_sha256" in str(err.error_message)
expect_error(400, lambda: project.keys.create({"title": "old", "key": ssh_key(2), "expires_at": "2020-01-01T00:00:00Z"}))
expect_error(400, lambda: project.keys.create({"title": "bad", "key": "ssh-rsa AAAA"}))
project.keys.delete(key.id)
expect_error(404, lambda: project.keys.delete(key.id))
expect_error(404, lambda: other.keys.enable(999999))
expect_error(403, lambda: developer.projects.get("platform/apps/web", lazy=True).keys.list())

# --- commits and files ---
commit = project.commits.create(
    {
        "branch": "main",
        "commit_message": "Add chart\n\nSigned-off-by: Bob <bob@example.com>",
        "actions": [{"action": "create", "file_path": "deploy/chart.yaml", "content": "a: 1\n"}],
    }
)
# python-gitlab takes a `path` keyword as the request path, so the query parameter goes this way.
listed = project.commits.list(query_parameters={"path": "deploy/chart.yaml", "with_stats": True, "trailers": True}, get_all=True)
assert [c.id for c in listed] == [commit.id]
assert listed[0].stats["additions"] == 1 and listed[0].trailers == {"Signed-off-by": "Bob <bob@example.com>"}
assert len(project.commits.list(ref_name="main", get_all=True)) == 2
readme = project.files.get(file_path="README.md", ref="main")
assert readme.decode() == b"# web\n"
assert project.files.raw(file_path="README.md", ref="main") == b"# web\n"
expect_error(404, lambda: project.files.get(file_path="missing.md", ref="main"))
expect_error(400, lambda: project.commits.create({"branch": "main", "commit_message": "x", "actions": [{"action": "delete", "file_path": "nope"}]}))

# --- CI/CD variables ---
var = project.variables.create({"key": "DEPLOY_ENV", "value": "staging", "protected": True})
assert project.variables.get("DEPLOY_ENV").value == "staging"
var.value = "production"
var.save()
assert [v.key for v in project.variables.list(get_all=True)] == ["DEPLOY_ENV"]
project.variables.create({"key": "DEPLOY_ENV", "value": "p", "environment_scope": "prod"})
expect_error(409, lambda: project.variables.get("DEPLOY_ENV"))
expect_error(400, lambda: project.variables.create({"key": "MASKED", "value": "short", "masked": True}))
project.variables.delete("DEPLOY_ENV", filter={"environment_scope": "prod"})
project.variables.delete("DEPLOY_ENV")
expect_error(404, lambda: project.variables.get("DEPLOY_ENV"))

# --- CI lint ---
lint = project.ci_lint.create({"content": "build:\n  script: [make]\n", "include_jobs": True})
assert lint.valid is True and lint.merged_yaml.startswith("---\n")
assert project.ci_lint.create({"content": "build:\n  stage: nowhere\n"}).valid is False

# --- error paths: authentication, scopes, roles, visibility, moved projects, rate limit ---
expect_error(401, lambda: client("glpat-not-a-token").auth())
expect_error(401, lambda: client(EXPIRED).auth())
expect_error(403, lambda: client(READ_API).projects.get("platform/apps/web", lazy=True).deploytokens.create({"name": "x", "scopes": ["read_repository"]}))
expect_error(404, lambda: client("glpat-sim-outsider-00000000").projects.get("platform/apps/web"))
expect_error(404, lambda: owner.groups.get("no/such/group"))
moved = owner.projects.get("platform/web")  # 301 to the project's ID, followed
assert moved.path_with_namespace == "platform/apps/web"
expect_error(405, lambda: owner.projects.get("platform/web", lazy=True).deploytokens.create({"name": "x", "scopes": ["read_repository"]}))
admin_api("/faults", [{"route": "GET /user", "kind": "status", "status": 429, "retryAfterSeconds": 1, "count": 1}])
owner.auth()  # python-gitlab waits Retry-After, then succeeds

with open(RECORD, "w") as f:
    json.dump(answers, f)
print(f"python-gitlab {gitlab.__version__}: {len(answers)} answers recorded", file=sys.stderr)

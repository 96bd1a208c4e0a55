#!/bin/sh
# Container entrypoint: make sure CFP_DATA_REPO_PATH holds a bare clone of the data
# repository, then hand the process over to the command (the API) with exec.
#
# The volume is an emptyDir: a fresh pod starts empty and clones; a restarted container of
# the same pod finds its earlier clone and keeps it, unpushed commits included. The only
# test for "already cloned" is that objects/ exists, so a clone killed half-way (which
# leaves objects/ behind) is never retried by this script.
set -eu

log() {
  echo "[entrypoint] $*" >&2
}

repo=${CFP_DATA_REPO_PATH:?CFP_DATA_REPO_PATH must be set}
branch=${CFP_DATA_BRANCH:-main}
remote=${CFP_DATA_REMOTE:-}

# The volume's owner may differ from the container user; let git use the repository anyway.
git config --global --add safe.directory "$repo"

# Commit identity, unless the environment already provides one.
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-CodeForPhilly API}"
export GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-api@users.noreply.codeforphilly.org}"
export GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME}"
export GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}"

if [ -d "$repo/objects" ]; then
  log "found a bare repository at $repo; skipping clone"
else
  if [ -z "$remote" ]; then
    log "ERROR: $repo is not a bare git repository and CFP_DATA_REMOTE is unset; cannot clone"
    exit 1
  fi
  if [ -e "$repo/.git" ]; then
    log "ERROR: $repo contains a non-bare clone (.git); the API needs a bare repository"
    log "ERROR: move any unpushed commits out of $repo/.git, then empty $repo"
    log "ERROR: on the next start this script clones $remote there as a bare repository"
    exit 1
  fi
  mkdir -p "$repo"
  if [ -n "$(ls -A "$repo")" ]; then
    log "$repo is not empty but holds no bare repository; removing its contents before cloning"
    find "$repo" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
  fi
  log "cloning $remote (branch $branch) into $repo"
  git clone --bare --branch "$branch" "$remote" "$repo"
fi

git --git-dir="$repo" config user.name "$GIT_AUTHOR_NAME"
git --git-dir="$repo" config user.email "$GIT_AUTHOR_EMAIL"
if [ -n "$remote" ] && git --git-dir="$repo" remote get-url origin >/dev/null 2>&1; then
  git --git-dir="$repo" remote set-url origin "$remote"
fi

exec "$@"

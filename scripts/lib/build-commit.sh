#!/bin/sh
# Run by the build (mvn's generate-resources): writes the commit the build comes from into a
# properties file the jar carries, read by `kuke version` and `kukeond --version`.
#   commit=<12 hex digits>          the tree is that commit
#   commit=<12 hex digits>-dirty    tracked files changed, or files git does not ignore were added
#   commit=unknown                  not built from a git checkout of this project (or no git)
# Never fails the build for want of git.
#
#   usage: build-commit.sh PROJECT_DIR OUTPUT_FILE
set -u
project=$1
out=$2
commit=unknown
if command -v git >/dev/null 2>&1; then
  top=$(git -C "$project" rev-parse --show-toplevel 2>/dev/null || true)
  # only the project's own repository: a source tree unpacked inside another checkout is not that checkout
  if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$(cd "$project" && pwd -P)" ] \
     && sha=$(git -C "$project" rev-parse --verify -q --short=12 HEAD 2>/dev/null); then
    commit=$sha
    changes=$(git -C "$project" status --porcelain 2>/dev/null | head -c 1)
    [ -n "$changes" ] && commit=$sha-dirty
  fi
fi
mkdir -p "$(dirname "$out")"
printf 'commit=%s\n' "$commit" > "$out.tmp" && mv -f "$out.tmp" "$out"

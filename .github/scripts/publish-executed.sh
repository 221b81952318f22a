#!/usr/bin/env bash
# Publish the executed notebooks that the book's launch buttons open: force-push to the branch
# `executed` one commit holding HEAD's tree plus notebooks/<stem>.ipynb, the executed copy of
# each chapter exactly as the built book serves it for download (_build/book_src/notebooks).
#   .github/scripts/publish-executed.sh [remote] [branch]     (after `make book`)
set -euo pipefail
remote=${1:-origin}
branch=${2:-executed}
root=$(git rev-parse --show-toplevel)
executed="$root/_build/book_src/notebooks"
compgen -G "$executed/*.ipynb" >/dev/null || { echo "no executed notebooks in $executed; run make book" >&2; exit 2; }
tree=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tree" >/dev/null 2>&1 || true; rm -rf "$tree"' EXIT
git -C "$root" worktree add --quiet --detach "$tree" HEAD
cp "$executed"/*.ipynb "$tree/notebooks/"
cd "$tree"
git add --force notebooks/*.ipynb
git -c user.name="${GIT_AUTHOR_NAME:-assocmem book}" -c user.email="${GIT_AUTHOR_EMAIL:-book@assocmem.invalid}" \
  commit --quiet -m "Executed notebooks of $(git rev-parse --short HEAD) (the book's launch and download copies)"
git push --quiet --force "$remote" "HEAD:refs/heads/$branch"
echo "published $(ls notebooks/*.ipynb | wc -l) executed notebooks to $remote $branch"

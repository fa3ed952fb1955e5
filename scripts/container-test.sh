#!/usr/bin/env bash
# npm run container:test: builds the Dockerfile for real, runs the image with no configuration, and
# checks that it answers GraphQL, runs as a non-root user under tini, turns healthy, and exits 0
# within seconds of SIGTERM. Needs Docker (Debian's docker.io; dockerd is started if it is not
# running) and the Node base image: pulled from a registry, or, where none is reachable, made by a
# script of yours named in BASE_IMAGE_BUILDER (called as `bash "$BASE_IMAGE_BUILDER" <image> <major>`).
# Not part of `npm test`: CI need not run it.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_MAJOR=${NODE_MAJOR:-24}
BASE="node:${NODE_MAJOR}-bookworm-slim"
IMAGE=hss-port-statistics-gateway:container-test
step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*"; exit 1; }

step "Docker engine"
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || apt-get install -y -qq docker.io >/dev/null
  (setsid dockerd >/tmp/dockerd.log 2>&1 &)
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
docker version --format 'client {{.Client.Version}}, server {{.Server.Version}}'

step "base image $BASE"
if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  if docker pull --quiet "$BASE" >/dev/null 2>&1; then
    echo "pulled $BASE"
  else
    builder=${BASE_IMAGE_BUILDER:-}
    [ -n "$builder" ] && [ -f "$builder" ] ||
      fail "no $BASE image, no registry to pull it from, and no BASE_IMAGE_BUILDER script to make one"
    bash "$builder" "$BASE" "$NODE_MAJOR"
  fi
fi

step "build"
start=$(date +%s)
docker build --quiet --build-arg "NODE_MAJOR=$NODE_MAJOR" -t "$IMAGE" . >/dev/null
size=$(docker image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1000000}')
echo "built $IMAGE in $(( $(date +%s) - start )) s; size $size"

step "run with no configuration"
cid=$(docker run -d -p 127.0.0.1::4000 "$IMAGE")
trap 'docker rm -f "$cid" >/dev/null 2>&1 || true' EXIT
port=$(docker port "$cid" 4000/tcp | head -1 | sed 's/.*://')
echo "container ${cid:0:12} on 127.0.0.1:$port"

health=starting
for _ in $(seq 1 60); do
  health=$(docker inspect "$cid" --format '{{.State.Health.Status}}')
  [ "$health" = healthy ] && break
  sleep 1
done
[ "$health" = healthy ] || { docker logs "$cid"; fail "health is $health"; }
echo "health: $health"

answer=$(curl -fsS "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
  -d '{"query":"{ portStatistics(filter: { status: DANGER }, page: { first: 1 }) { totalCount nodes { port type status } } }"}')
echo "GraphQL: $answer"
echo "$answer" | grep -q '"totalCount":[1-9]' || fail "no data in the GraphQL answer"
curl -fsS "http://127.0.0.1:$port/ready" >/dev/null || fail "/ready did not answer 200"

uid=$(docker exec "$cid" id -u)
echo "user id: $uid ($(docker exec "$cid" id -un))"
[ "$uid" != 0 ] || fail "runs as root"
pid1=$(docker exec "$cid" cat /proc/1/cmdline | tr '\0' ' ')
echo "PID 1: $pid1"
case "$pid1" in *tini*) ;; *) fail "PID 1 is not tini" ;; esac

step "SIGTERM"
start=$(date +%s%N)
docker stop --time 10 "$cid" >/dev/null
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
code=$(docker inspect "$cid" --format '{{.State.ExitCode}}')
echo "stopped in ${elapsed_ms} ms with exit code $code"
[ "$code" = 0 ] || { docker logs "$cid" | tail -5; fail "exit code $code"; }
[ "$elapsed_ms" -lt 10000 ] || fail "took ${elapsed_ms} ms to stop"
docker logs "$cid" 2>&1 | tail -2

step "container test passed"

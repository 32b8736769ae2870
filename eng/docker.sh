#!/usr/bin/env bash
# Docker for the Testcontainers provider of the broker fixtures (docs/testcontainers.md), in the narrow mode of the build
# machines (no image registry, no bridge, no iptables):
#   1. installs Debian's docker.io and debootstrap when missing;
#   2. starts dockerd (--iptables=false --ip6tables=false --bridge=none --storage-driver=vfs) when no engine answers,
#      with its data root, pid file and log under $MESSAGING_TRACING_DOCKER_CACHE (default /var/cache/messaging-tracing/docker,
#      outside the clone); the socket is the default one;
#   3. builds the local images messaging-tracing/redis, messaging-tracing/postgres and messaging-tracing/rabbitmq from
#      Debian's packages (one debootstrap'd minimal base, cached as a tarball, plus each service's packages, then
#      docker import), tagged with a hash of their recipe; an image is built only when its tag is missing. The tag
#      :latest names the current recipe's image: the fixtures run that (tests/Support/.../BrokerContainers.cs).
# Idempotent: a second run takes seconds. Each step prints how long it took.
#
#   eng/docker.sh          install, start, build (prints the image names)
#   eng/docker.sh stop     stops the dockerd this script started (and nothing else), after removing the containers of
#                          the local images still on it
#   eng/docker.sh check    also runs each image with host networking on a free port and checks that its server answers
#                          on 127.0.0.1 only
#
# Every image takes its port(s) at run time and binds 127.0.0.1 only (containers run with --network host):
#   messaging-tracing/redis:TAG     mt-redis PORT
#   messaging-tracing/postgres:TAG  mt-postgres PORT      (login and database messaging_tracing, password messaging_tracing)
#   messaging-tracing/rabbitmq:TAG  mt-rabbitmq AMQP_PORT EPMD_PORT DIST_PORT   (user guest/guest; own epmd, so it never
#                                   meets a RabbitMQ node of the host)
#
# Overrides: MESSAGING_TRACING_DOCKER_CACHE (cache directory), DEBIAN_MIRROR (default http://deb.debian.org/debian),
# DOCKER_START_TIMEOUT (seconds to wait for dockerd, default 60).
set -euo pipefail

readonly CACHE="${MESSAGING_TRACING_DOCKER_CACHE:-/var/cache/messaging-tracing/docker}"
readonly MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
readonly SUITE=bookworm
readonly START_TIMEOUT="${DOCKER_START_TIMEOUT:-60}"
# The engine is Debian's 20.10 (API 1.41); newer clients (and Testcontainers) must not ask for more.
export DOCKER_API_VERSION="${DOCKER_API_VERSION:-1.41}"

log() { printf '[docker] %s\n' "$*" >&2; }
die() { printf '[docker] ERROR: %s\n' "$*" >&2; exit 1; }

step_start=0
step() { step_start=$SECONDS; log "$*"; }
step_done() { log "  done in $((SECONDS - step_start)) s: $*"; }

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

# --- 1. packages ------------------------------------------------------------------------------

install_packages() {
  local missing=() pkg
  for pkg in docker.io debootstrap; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && { log "packages: docker.io and debootstrap installed"; return 0; }
  [[ $(id -u) == 0 ]] || die "missing ${missing[*]}: run this script as root (it installs them with apt-get)"

  step "packages: installing ${missing[*]}"
  local policy=/usr/sbin/policy-rc.d created=""
  if [[ ! -e "$policy" ]]; then # postinst must not start dockerd (no init system here): this script starts it
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  local aptlog="${TMPDIR:-/tmp}/messaging-tracing-docker-apt.log" rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >"$aptlog" 2>&1 || rc=$?
  [[ -n "$created" ]] && { rm -f "$policy"; trap - EXIT; }
  ((rc == 0)) || { tail -n 30 "$aptlog" >&2; die "apt-get install ${missing[*]} failed; log: $aptlog"; }
  step_done "installed ${missing[*]}"
}

# --- 2. the engine ----------------------------------------------------------------------------

start_engine() {
  if engine_answers; then
    log "engine: a Docker engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
    return 0
  fi
  command -v dockerd >/dev/null || die "no Docker engine answers and dockerd is not installed"
  [[ $(id -u) == 0 ]] || die "no Docker engine answers: run this script as root to start dockerd"

  step "engine: starting dockerd (narrow mode; data root $CACHE/data, log $CACHE/dockerd.log)"
  mkdir -p "$CACHE/data" "$CACHE/exec"
  # setsid: the daemon outlives this script and is not in its process group.
  setsid dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
    --data-root "$CACHE/data" --exec-root "$CACHE/exec" --pidfile "$CACHE/dockerd.pid" \
    >>"$CACHE/dockerd.log" 2>&1 </dev/null &
  local deadline=$((SECONDS + START_TIMEOUT))
  until engine_answers; do
    if ((SECONDS >= deadline)); then
      tail -n 30 "$CACHE/dockerd.log" >&2
      die "dockerd did not answer within ${START_TIMEOUT}s; see $CACHE/dockerd.log"
    fi
    sleep 0.5
  done
  # Only a daemon started here is ever stopped by 'stop'.
  cat "$CACHE/dockerd.pid" >"$CACHE/started-by-docker.sh"
  step_done "dockerd $(docker version --format '{{.Server.Version}}') answers"
}

# Containers of the local images still present: a test process removes its containers at exit, but the engine may still
# be removing them on vfs (stopping dockerd then would leave them "Dead" in its data root), or a killed process left them.
remove_leftover_containers() {
  local filters=() name ids deadline=$((SECONDS + START_TIMEOUT))
  for name in redis postgres rabbitmq; do filters+=(--filter "ancestor=messaging-tracing/$name"); done
  while ids="$(docker ps -aq "${filters[@]}")" && [[ -n "$ids" ]]; do
    ((SECONDS < deadline)) || die "containers of the local images not removed within ${START_TIMEOUT}s: $ids"
    log "stop: removing containers of the local images: $(echo $ids)"
    # shellcheck disable=SC2086 # one id per word
    docker rm -f $ids >/dev/null 2>&1 || sleep 1 # "removal in progress": wait for the engine
  done
}

stop_engine() {
  local marker="$CACHE/started-by-docker.sh" pid
  if [[ ! -f "$marker" ]]; then
    log "stop: no dockerd started by this script"
    return 0
  fi
  pid="$(cat "$marker")"
  if [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != dockerd ]]; then
    log "stop: the dockerd this script started ($pid) is gone"
    rm -f "$marker"
    return 0
  fi
  remove_leftover_containers
  step "stop: stopping dockerd $pid"
  kill -TERM "$pid"
  local deadline=$((SECONDS + START_TIMEOUT))
  while [[ -e "/proc/$pid" ]]; do
    ((SECONDS < deadline)) || die "dockerd $pid did not stop within ${START_TIMEOUT}s"
    sleep 0.5
  done
  # dockerd leaves its default network namespace mounted under the exec root: release it with the daemon.
  local netns="$CACHE/exec/netns/default"
  if grep -q " $netns " /proc/mounts; then umount "$netns" || log "stop: could not unmount $netns"; fi
  rm -f "$marker"
  step_done "dockerd stopped"
}

# --- 3. images --------------------------------------------------------------------------------

# The entry scripts: each binds 127.0.0.1 on the port(s) given as arguments and runs the server in the foreground.

readonly REDIS_PACKAGES="redis-server"
read -r -d '' REDIS_ENTRY <<'EOF' || true
#!/bin/sh
# mt-redis PORT: Redis on 127.0.0.1:PORT, in memory only.
set -eu
exec redis-server --bind 127.0.0.1 --port "${1:?port}" --save "" --appendonly no --protected-mode yes
EOF

readonly POSTGRES_PACKAGES="postgresql-15"
read -r -d '' POSTGRES_ENTRY <<'EOF' || true
#!/bin/sh
# mt-postgres PORT: a fresh PostgreSQL 15 cluster on 127.0.0.1:PORT with the tests' login and database
# (messaging_tracing, password messaging_tracing), as the fixture's default connection string expects.
set -eu
port="${1:?port}"
bin=/usr/lib/postgresql/15/bin
data=/var/lib/postgresql/mt-data
rm -rf "$data"; install -d -o postgres -g postgres "$data" /var/run/postgresql
echo messaging_tracing >/tmp/pwfile; chown postgres /tmp/pwfile
runuser -u postgres -- "$bin/initdb" -D "$data" -U messaging_tracing --pwfile=/tmp/pwfile -A scram-sha-256 \
  --no-sync >/dev/null
echo 'CREATE DATABASE messaging_tracing' | runuser -u postgres -- "$bin/postgres" --single -D "$data" postgres >/dev/null
exec runuser -u postgres -- "$bin/postgres" -D "$data" -c listen_addresses=127.0.0.1 -c port="$port" \
  -c unix_socket_directories=/var/run/postgresql -c fsync=off
EOF

readonly RABBITMQ_PACKAGES="rabbitmq-server"
read -r -d '' RABBITMQ_ENTRY <<'EOF' || true
#!/bin/sh
# mt-rabbitmq AMQP_PORT EPMD_PORT DIST_PORT: a RabbitMQ node on 127.0.0.1:AMQP_PORT (guest/guest), with its own epmd on
# 127.0.0.1:EPMD_PORT and Erlang distribution on 127.0.0.1:DIST_PORT, named after its port: on host networking it never
# meets a node of the host (which uses epmd's default port 4369).
set -eu
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="${1:?amqp port}"
export ERL_EPMD_PORT="${2:?epmd port}" ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_DIST_PORT="${3:?dist port}"
export RABBITMQ_NODENAME="rabbit_$1@localhost" RABBITMQ_USE_LONGNAME=false
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
# guest may log in over loopback only, which is all there is.
exec rabbitmq-server
EOF

# The base: a minimal Debian root file system, made once and cached as a tarball.
base_tarball() {
  local tarball="$CACHE/base-$SUITE-minbase.tar"
  if [[ -f "$tarball" ]]; then
    log "base: $tarball cached" >&2
    printf '%s\n' "$tarball"
    return 0
  fi
  step "base: debootstrap --variant=minbase $SUITE ($MIRROR)"
  local root="$CACHE/build/base"
  rm -rf "$root"; mkdir -p "$root"
  debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR" >"$CACHE/build/debootstrap.log" 2>&1 ||
    { tail -n 30 "$CACHE/build/debootstrap.log" >&2; die "debootstrap failed; see $CACHE/build/debootstrap.log"; }
  rm -rf "$root"/var/cache/apt/archives/*.deb
  tar -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  rm -rf "$root"
  step_done "base $(du -h "$tarball" | cut -f1)"
  printf '%s\n' "$tarball"
}

# build_image NAME PACKAGES ENTRY_NAME ENTRY_TEXT: messaging-tracing/NAME:HASH unless it exists.
build_image() {
  local name="$1" packages="$2" entry_name="$3" entry="$4"
  local tag
  tag="$(printf '%s\n' "$SUITE" "$MIRROR" "$packages" "$entry_name" "$entry" | sha256sum | cut -c1-12)"
  local image="messaging-tracing/$name:$tag"
  if docker image inspect "$image" >/dev/null 2>&1; then
    log "image: $image present"
    docker tag "$image" "messaging-tracing/$name:latest"
    printf '%s\n' "$image"
    return 0
  fi
  local tarball; tarball="$(base_tarball)"
  step "image: building $image (base + $packages)"
  local root="$CACHE/build/$name"
  rm -rf "$root"; mkdir -p "$root"
  tar -C "$root" -xf "$tarball"
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"; chmod +x "$root/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" /bin/sh -c "DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages" \
    >"$CACHE/build/$name.log" 2>&1 || { tail -n 30 "$CACHE/build/$name.log" >&2; die "installing $packages failed"; }
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root/usr/sbin/policy-rc.d"
  : >"$root/etc/resolv.conf"
  printf '%s\n' "$entry" >"$root/usr/local/bin/$entry_name"; chmod +x "$root/usr/local/bin/$entry_name"
  tar -C "$root" -c . | docker import --change "CMD [\"$entry_name\"]" - "$image" >/dev/null
  rm -rf "$root"
  docker tag "$image" "messaging-tracing/$name:latest" # the name the fixtures run (BrokerContainers)
  step_done "$image"
  printf '%s\n' "$image"
}

build_images() {
  mkdir -p "$CACHE/build"
  build_image redis "$REDIS_PACKAGES" mt-redis "$REDIS_ENTRY"
  build_image postgres "$POSTGRES_PACKAGES" mt-postgres "$POSTGRES_ENTRY"
  build_image rabbitmq "$RABBITMQ_PACKAGES" mt-rabbitmq "$RABBITMQ_ENTRY"
}

# --- check: each image runs its server on loopback, on a port given at run time ---------------

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# check_image IMAGE ENTRY PROBE PORT...: runs "ENTRY PORT..." in the image, waits (bounded) until "PROBE PORT" succeeds,
# checks the port is bound to 127.0.0.1 only, and removes the container.
check_image() {
  local image="$1" entry="$2" probe="$3"; shift 3
  local port="$1" id
  step "check: $image on 127.0.0.1:$port"
  id="$(docker run -d --network host "$image" "$entry" "$@")"
  local deadline=$((SECONDS + 120)) ok=""
  while ((SECONDS < deadline)); do
    if "$probe" "$port"; then ok=1; break; fi
    sleep 0.5
  done
  local listeners; listeners="$(ss -Hltn "sport = :$port" | awk '{print $4}' | sort -u | tr '\n' ' ')"
  [[ -n "$ok" ]] || { docker logs "$id" 2>&1 | tail -n 20 >&2; docker rm -f "$id" >/dev/null; die "$image did not answer on port $port"; }
  docker rm -f "$id" >/dev/null
  [[ "$listeners" == "127.0.0.1:$port " ]] || die "$image listens on '$listeners', not 127.0.0.1:$port only"
  step_done "answers, bound to $listeners"
}

redis_probe() { [[ "$(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'PING\r\n' >&3 && head -c 5 <&3" 2>/dev/null)" == "+PONG" ]]; }
postgres_probe() { PGPASSWORD=messaging_tracing PGCONNECT_TIMEOUT=3 psql -X -q -h 127.0.0.1 -p "$1" -U messaging_tracing -d messaging_tracing -tAc 'SELECT 1' >/dev/null 2>&1; }
rabbitmq_probe() { [[ "$(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'AMQP\\x00\\x00\\x09\\x01' >&3 && head -c 1 <&3 | od -An -tx1" 2>/dev/null | tr -d ' ')" == 01 ]]; }

check_images() {
  local redis="$1" postgres="$2" rabbitmq="$3"
  check_image "$redis" mt-redis redis_probe "$(free_port)"
  check_image "$postgres" mt-postgres postgres_probe "$(free_port)"
  check_image "$rabbitmq" mt-rabbitmq rabbitmq_probe "$(free_port)" "$(free_port)" "$(free_port)"
}

# --- main ---------------------------------------------------------------------------------------

case "${1:-}" in
  stop) stop_engine; exit 0 ;;
  "" | check) ;;
  *) die "usage: eng/docker.sh [check|stop]" ;;
esac

total_start=$SECONDS
install_packages
start_engine
mapfile -t images < <(build_images)
((${#images[@]} == 3)) || die "image build failed"
[[ "${1:-}" == check ]] && check_images "${images[@]}"
log "ready in $((SECONDS - total_start)) s; images:"
printf '%s\n' "${images[@]}"

#!/usr/bin/env bash
# Installs (Debian packages) and starts the brokers the tests need: RabbitMQ, Redis and PostgreSQL (with the tests' login:
# role and database messaging_tracing, password messaging_tracing); and installs Python's pika, the foreign AMQP
# producer of the tests.
# Idempotent: what is installed is not installed again, what runs is not started again, so a
# second run takes seconds. Kafka needs nothing here: the tests use librdkafka's in-process mock
# cluster unless KAFKA_BOOTSTRAP_SERVERS names a real one (docs/architecture.md, §6).
#
# Overrides:
#   RABBITMQ_URI      amqp://user:pass@host:port/vhost  (default amqp://guest:guest@localhost:5672/)
#   REDIS_CONNECTION  host:port[,options]                (default localhost:6379)
#   When either points to a host other than this machine, that broker is neither installed nor
#   started here; the script only checks that it answers (AMQP protocol header, Redis PING).
#   POSTGRES_CONNECTION  Npgsql connection string      (default Host=localhost;Port=5432;Username=messaging_tracing;
#                                                         Password=messaging_tracing;Database=messaging_tracing)
#   When set, PostgreSQL is neither installed nor started here, and no login is made; the script only checks that the
#   server it names answers (PostgreSQL SSLRequest).
#   BROKERS_START_TIMEOUT  seconds to wait for each broker (default 120)
set -euo pipefail

readonly START_TIMEOUT="${BROKERS_START_TIMEOUT:-120}"

log() { printf '[brokers] %s\n' "$*" >&2; }
die() { printf '[brokers] ERROR: %s\n' "$*" >&2; exit 1; }

# --- parsing the overrides -------------------------------------------------------------------

# Prints "host port" of an AMQP URI.
amqp_host_port() {
  local rest="${1#*://}"
  rest="${rest%%/*}"
  rest="${rest##*@}"
  local host port
  if [[ "$rest" == \[* ]]; then # [ipv6]:port
    host="${rest%%]*}"; host="${host#[}"
    port="${rest#*]}"; port="${port#:}"
  else
    host="${rest%%:*}"
    port=""; [[ "$rest" == *:* ]] && port="${rest##*:}"
  fi
  local default_port=5672; [[ "$1" == amqps://* ]] && default_port=5671
  printf '%s %s\n' "${host:-localhost}" "${port:-$default_port}"
}

# Prints "host port" of the first endpoint of a StackExchange.Redis configuration string.
redis_host_port() {
  local endpoint="${1%%,*}"
  local host port
  if [[ "$endpoint" == \[* ]]; then
    host="${endpoint%%]*}"; host="${host#[}"
    port="${endpoint#*]}"; port="${port#:}"
  else
    host="${endpoint%%:*}"
    port=""; [[ "$endpoint" == *:* ]] && port="${endpoint##*:}"
  fi
  printf '%s %s\n' "${host:-localhost}" "${port:-6379}"
}

# Prints "host port" of an Npgsql connection string (Host or Server, Port; the first of several hosts).
postgres_host_port() {
  local host="" port="" pair key value pairs=()
  IFS=';' read -ra pairs <<<"$1"
  for pair in "${pairs[@]}"; do
    key="${pair%%=*}"; key="${key//[[:space:]]/}"; key="${key,,}"
    value="${pair#*=}"; value="${value#"${value%%[![:space:]]*}"}"; value="${value%"${value##*[![:space:]]}"}"
    case "$key" in
      host | server) host="${value%%,*}" ;;
      port) port="$value" ;;
    esac
  done
  if [[ "$host" =~ ^(.*):([0-9]+)$ && "$host" != *::* ]]; then # host:port
    host="${BASH_REMATCH[1]}"; port="${BASH_REMATCH[2]}"
  fi
  host="${host#[}"; host="${host%]}"
  printf '%s %s\n' "${host:-localhost}" "${port:-5432}"
}

is_local_host() {
  case "$1" in
    localhost | 127.* | ::1 | 0.0.0.0 | "$(hostname)" | "$(hostname -f 2>/dev/null || hostname)") return 0 ;;
    *) return 1 ;;
  esac
}

# True when host:port accepts a TCP connection (bash's /dev/tcp, bounded to 2 s).
tcp_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# True when host:port answers the AMQP 0-9-1 protocol header with a frame (RabbitMQ is up).
amqp_answers() {
  local reply
  reply="$(timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2 && printf 'AMQP\\x00\\x00\\x09\\x01' >&3 && head -c 1 <&3 | od -An -tx1" 2>/dev/null)" || return 1
  [[ "${reply// /}" == 01 ]]
}

# True when host:port answers a RESP PING like a Redis server: +PONG, or an error such as NOAUTH.
redis_answers() {
  local reply
  reply="$(timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2 && printf '*1\\r\\n\$4\\r\\nPING\\r\\n' >&3 && head -c 1 <&3" 2>/dev/null)" || return 1
  [[ "$reply" == "+" || "$reply" == "-" ]]
}

# True when host:port answers a PostgreSQL SSLRequest like a PostgreSQL server: S (TLS offered) or N (not).
postgres_answers() {
  local reply
  reply="$(timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2 && printf '\\x00\\x00\\x00\\x08\\x04\\xd2\\x16\\x2f' >&3 && head -c 1 <&3" 2>/dev/null)" || return 1
  [[ "$reply" == S || "$reply" == N ]]
}

# Waits (bounded) until "$@" succeeds.
wait_for() {
  local deadline=$((SECONDS + START_TIMEOUT))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

wait_tcp() { # host port
  local deadline=$((SECONDS + START_TIMEOUT))
  until tcp_open "$1" "$2"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# --- installing -------------------------------------------------------------------------------

# apt-get install of the packages among "$@" that are not installed yet; apt-get update only
# when something is actually missing. Package postinst scripts try to start their service,
# which fails without systemd/init: a temporary policy-rc.d tells invoke-rc.d not to start
# anything (the script starts the brokers itself, below).
apt_install_missing() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0

  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them; install them yourself, or point RABBITMQ_URI / REDIS_CONNECTION at running brokers"
  [[ $(id -u) == 0 ]] || die "missing ${missing[*]}: run this script as root (it installs them with apt-get), or install them yourself"

  local policy=/usr/sbin/policy-rc.d created_policy=""
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# Temporary, written by eng/brokers.sh: do not start services during apt-get install.\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT # also when interrupted
  fi
  local aptlog="${TMPDIR:-/tmp}/messaging-tracing-apt.log"
  log "installing ${missing[*]} (apt-get update + install; log: $aptlog)"
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >"$aptlog" 2>&1 || rc=$?
  if [[ -n "$created_policy" ]]; then
    rm -f "$policy"
    trap - EXIT
  fi
  if ((rc != 0)); then
    tail -n 30 "$aptlog" >&2
    die "apt-get install ${missing[*]} failed (exit $rc); full log: $aptlog"
  fi
}

# --- RabbitMQ ---------------------------------------------------------------------------------

start_rabbitmq() {
  local host port
  read -r host port < <(amqp_host_port "${RABBITMQ_URI:-amqp://guest:guest@localhost:5672/}")

  if ! is_local_host "$host"; then
    log "RabbitMQ: RABBITMQ_URI points to $host:$port, not installing or starting one here"
    if [[ "${RABBITMQ_URI}" == amqps://* ]]; then # TLS: a plain AMQP header would not do
      wait_tcp "$host" "$port" || die "RabbitMQ at $host:$port (RABBITMQ_URI) does not accept connections"
    else
      wait_for amqp_answers "$host" "$port" || die "RabbitMQ at $host:$port (RABBITMQ_URI) does not answer AMQP"
    fi
    return 0
  fi

  if amqp_answers 127.0.0.1 "$port"; then
    log "RabbitMQ: already running (port $port)"
    return 0
  fi

  apt_install_missing rabbitmq-server

  # A node may be running but still booting (e.g. started earlier and not listening yet): wait
  # for it rather than starting a second one, which would fail with "node already running".
  if ! timeout 30 rabbitmqctl -q await_startup --timeout 5 >/dev/null 2>&1; then
    log "RabbitMQ: starting (rabbitmq-server -detached, AMQP port $port)"
    # -detached returns at once; the node boots in the background. The Debian wrapper switches
    # to the rabbitmq user when run as root.
    if [[ "$port" != 5672 ]]; then export RABBITMQ_NODE_PORT="$port"; fi
    rabbitmq-server -detached >&2 || die "rabbitmq-server -detached failed; see /var/log/rabbitmq/"
  fi

  # await_startup fails at once while the new node has not registered with epmd yet, so poll it
  # (each call costs about a second of Erlang VM start) until the deadline.
  local deadline=$((SECONDS + START_TIMEOUT)) out=""
  until out="$(timeout 60 rabbitmqctl -q await_startup --timeout 30 2>&1)"; do
    if ((SECONDS >= deadline)); then
      printf '%s\n' "$out" >&2
      log "RabbitMQ did not start within ${START_TIMEOUT}s. Last log lines:"
      tail -n 30 /var/log/rabbitmq/rabbit@*.log >&2 2>/dev/null || true
      die "RabbitMQ is not running (rabbitmqctl await_startup failed); see /var/log/rabbitmq/"
    fi
    sleep 1
  done
  local amqp_deadline=$((SECONDS + 30))
  until amqp_answers 127.0.0.1 "$port"; do
    ((SECONDS < amqp_deadline)) || die "RabbitMQ booted but does not answer AMQP on port $port"
    sleep 0.5
  done
  log "RabbitMQ: ready on port $port"
}

# --- Redis ------------------------------------------------------------------------------------

start_redis() {
  local host port
  read -r host port < <(redis_host_port "${REDIS_CONNECTION:-localhost:6379}")

  if ! is_local_host "$host"; then
    log "Redis: REDIS_CONNECTION points to $host:$port, not installing or starting one here"
    if [[ "${REDIS_CONNECTION,,}" == *ssl=true* ]]; then # TLS: a plain PING would not do
      wait_tcp "$host" "$port" || die "Redis at $host:$port (REDIS_CONNECTION) does not accept connections"
    else
      wait_for redis_answers "$host" "$port" || die "Redis at $host:$port (REDIS_CONNECTION) does not answer PING"
    fi
    return 0
  fi

  if redis_answers 127.0.0.1 "$port"; then
    log "Redis: already running (port $port)"
    return 0
  fi

  apt_install_missing redis-server

  if tcp_open 127.0.0.1 "$port"; then
    die "port $port is taken but does not answer Redis PING; stop what listens there or set REDIS_CONNECTION"
  fi

  log "Redis: starting (redis-server --daemonize yes --port $port)"
  local logfile="${TMPDIR:-/tmp}/messaging-tracing-redis-$port.log"
  redis-server --daemonize yes --port "$port" --save "" --appendonly no --logfile "$logfile" >&2 ||
    die "redis-server failed to start; see $logfile"

  local deadline=$((SECONDS + START_TIMEOUT))
  until redis_answers 127.0.0.1 "$port"; do
    if ((SECONDS >= deadline)); then
      tail -n 20 "$logfile" >&2 2>/dev/null || true
      die "Redis did not answer PING on port $port within ${START_TIMEOUT}s"
    fi
    sleep 0.2
  done
  log "Redis: ready on port $port"
}

# --- PostgreSQL -------------------------------------------------------------------------------

# The tests' login on the local server (tests/Support: PostgresDatabase uses the same default).
readonly PG_LOGIN=messaging_tracing PG_PORT=5432

# True when the tests' login connects over TCP loopback with its password.
postgres_login_works() {
  command -v psql >/dev/null &&
    PGPASSWORD="$PG_LOGIN" PGCONNECT_TIMEOUT=3 psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_LOGIN" -d "$PG_LOGIN" \
      -tAc 'SELECT 1' >/dev/null 2>&1
}

# psql as the postgres superuser over the local socket (peer authentication), from a directory it may read.
psql_admin() {
  (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -tA "$@")
}

start_postgres() {
  if [[ -n "${POSTGRES_CONNECTION:-}" ]]; then
    local host port
    read -r host port < <(postgres_host_port "$POSTGRES_CONNECTION")
    log "PostgreSQL: POSTGRES_CONNECTION names $host:$port, not installing or starting one here"
    wait_for postgres_answers "$host" "$port" || die "PostgreSQL at $host:$port (POSTGRES_CONNECTION) does not answer"
    return 0
  fi

  if postgres_login_works; then
    log "PostgreSQL: already running (port $PG_PORT, login $PG_LOGIN)"
    return 0
  fi

  apt_install_missing postgresql
  [[ $(id -u) == 0 ]] || die "PostgreSQL: the login $PG_LOGIN does not work on port $PG_PORT; run this script as root to start the server and create it, or set POSTGRES_CONNECTION"

  # Debian's way: a cluster per version (the package's postinst creates 'main'), started by pg_ctlcluster, which runs the
  # server as the postgres user. Use the cluster on $PG_PORT; create 'main' for the newest installed version if none exists.
  local version cluster status logfile
  read -r version cluster status logfile < <(pg_lsclusters -h | awk -v port="$PG_PORT" '$3 == port { print $1, $2, $4, $7; exit }') || true
  if [[ -z "${version:-}" ]]; then
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    cluster=main
    log "PostgreSQL: creating cluster $version/$cluster (pg_createcluster, port $PG_PORT)"
    pg_createcluster --port "$PG_PORT" "$version" "$cluster" >&2 || die "pg_createcluster $version $cluster failed"
    status=down logfile="/var/log/postgresql/postgresql-$version-$cluster.log"
  fi
  if [[ "$status" != online* ]]; then
    log "PostgreSQL: starting (pg_ctlcluster $version $cluster start, port $PG_PORT)"
    pg_ctlcluster "$version" "$cluster" start >&2 || { tail -n 20 "$logfile" >&2 2>/dev/null || true; die "pg_ctlcluster $version $cluster start failed; see $logfile"; }
  fi

  local deadline=$((SECONDS + START_TIMEOUT))
  until pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; do
    if ((SECONDS >= deadline)); then
      tail -n 20 "$logfile" >&2 2>/dev/null || true
      die "PostgreSQL did not accept connections on port $PG_PORT within ${START_TIMEOUT}s; see $logfile"
    fi
    sleep 0.5
  done

  # The tests' role and database, created when missing (the role's password reset when it exists but the login failed).
  psql_admin -c "DO \$\$ BEGIN
      IF EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_LOGIN') THEN ALTER ROLE $PG_LOGIN LOGIN PASSWORD '$PG_LOGIN';
      ELSE CREATE ROLE $PG_LOGIN LOGIN PASSWORD '$PG_LOGIN'; END IF; END \$\$" >&2 || die "could not create the role $PG_LOGIN"
  if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_LOGIN'")" ]]; then
    log "PostgreSQL: creating database $PG_LOGIN owned by $PG_LOGIN"
    psql_admin -c "CREATE DATABASE $PG_LOGIN OWNER $PG_LOGIN" >&2 || die "could not create the database $PG_LOGIN"
  fi
  postgres_login_works || die "PostgreSQL runs but the login $PG_LOGIN/$PG_LOGIN fails on 127.0.0.1:$PG_PORT; check pg_hba.conf ($logfile)"
  log "PostgreSQL: ready on port $PG_PORT (login $PG_LOGIN)"
}

# One run at a time on a machine: two concurrent runs would both try to install and start. The
# lock is held by flock itself (-o: not inherited by the script), so the daemons started below
# never keep it.
if [[ -z "${_MESSAGING_TRACING_BROKERS_LOCKED:-}" ]]; then
  rc=0
  _MESSAGING_TRACING_BROKERS_LOCKED=1 flock -o -E 75 -w $((START_TIMEOUT * 3)) \
    "${TMPDIR:-/tmp}/messaging-tracing-brokers.lock" bash "$0" "$@" || rc=$?
  ((rc != 75)) || die "another eng/brokers.sh held the lock for $((START_TIMEOUT * 3))s"
  exit "$rc"
fi

# Install what the local brokers need in one apt-get run (one apt-get update), then start them.
packages=()
read -r rabbit_host rabbit_port < <(amqp_host_port "${RABBITMQ_URI:-amqp://guest:guest@localhost:5672/}")
if is_local_host "$rabbit_host" && ! amqp_answers 127.0.0.1 "$rabbit_port"; then packages+=(rabbitmq-server); fi
read -r redis_host redis_port < <(redis_host_port "${REDIS_CONNECTION:-localhost:6379}")
if is_local_host "$redis_host" && ! redis_answers 127.0.0.1 "$redis_port"; then packages+=(redis-server); fi
if [[ -z "${POSTGRES_CONNECTION:-}" ]] && ! postgres_login_works; then packages+=(postgresql); fi
if ((${#packages[@]} > 0)); then apt_install_missing "${packages[@]}"; fi

# --- foreign producers ------------------------------------------------------------------------

# Python pika publishes header values given as bytes as an AMQP byte array, as Java's client does with byte[]: the tests
# use it as a real foreign producer (tests/Support: PikaPublisher). Debian's package, for Debian's /usr/bin/python3.
install_foreign_clients() {
  apt_install_missing python3-pika
}

start_rabbitmq
start_redis
start_postgres
install_foreign_clients

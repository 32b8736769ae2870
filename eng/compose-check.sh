#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker engine: `docker-compose config` from Debian's docker-compose
# package (installed when missing) parses the file, checks its schema and resolves it. Fails the run when invalid.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker-compose >/dev/null; then
  [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null ||
    { echo "[compose] docker-compose is missing; install it (apt-get install docker-compose) or run as root" >&2; exit 1; }
  echo "[compose] installing docker-compose (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends docker-compose >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends docker-compose >/dev/null; }
fi

docker-compose -f docker-compose.yml config -q
echo "[compose] docker-compose.yml is valid ($(docker-compose -f docker-compose.yml config --services | tr '\n' ' '))" >&2

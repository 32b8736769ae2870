#!/usr/bin/env bash
# The benchmark command (docs/benchmarks.md): prepares the machine like eng/test.sh, then runs the BenchmarkDotNet
# benchmarks and the end-to-end throughput harness of benchmarks/Messaging.Tracing.Benchmarks. Benchmarks are not part
# of eng/test.sh; a smoke test (tests/Benchmarks/) only keeps them compiling and runnable.
#
#   eng/brokers.sh      installs/starts RabbitMQ, Redis and PostgreSQL when needed: the harness's brokers (Marten's daemon on PostgreSQL)
#
# Usage: eng/bench.sh [all|micro|throughput] [arguments for that part]
#   all (default)  every BenchmarkDotNet benchmark, then the throughput harness (about 20 minutes on 2 cores)
#   micro          BenchmarkDotNet only; arguments go to it, e.g. eng/bench.sh micro --filter '*Carrier*'
#   throughput     the harness only; arguments go to it, e.g. eng/bench.sh throughput --transports kafka --rounds 3
#
# Results: artifacts/benchmarks/results/*-report-github.md (BenchmarkDotNet tables) and
# artifacts/benchmarks/throughput.md (harness table). Environment: RABBITMQ_URI (default
# amqp://guest:guest@localhost:5672/; the harness refuses brokers that are not on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."

export RABBITMQ_URI="${RABBITMQ_URI:-amqp://guest:guest@localhost:5672/}"
export REDIS_CONNECTION="${REDIS_CONNECTION:-localhost:6379}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

readonly project=benchmarks/Messaging.Tracing.Benchmarks
readonly artifacts=artifacts/benchmarks
part="${1:-all}"
if (($# > 0)); then shift; fi
case "$part" in
  all | micro | throughput) ;;
  *) echo "usage: eng/bench.sh [all|micro|throughput] [arguments]" >&2; exit 2 ;;
esac

started=$SECONDS
eng/brokers.sh

dotnet build "$project" -c Release --nologo -v quiet
app=("dotnet" "$project/bin/Release/net10.0/Messaging.Tracing.Benchmarks.dll")
mkdir -p "$artifacts"

if [[ "$part" == all || "$part" == micro ]]; then
  echo "== BenchmarkDotNet ($(nproc) cores; results in $artifacts/results/)"
  if [[ "$part" == micro && $# -gt 0 ]]; then
    "${app[@]}" --artifacts "$artifacts" "$@"
  else
    "${app[@]}" --artifacts "$artifacts" --filter '*'
  fi
fi

if [[ "$part" == all || "$part" == throughput ]]; then
  echo "== Throughput harness (table in $artifacts/throughput.md)"
  if [[ "$part" == throughput && $# -gt 0 ]]; then
    "${app[@]}" throughput --output "$artifacts/throughput.md" "$@"
  else
    "${app[@]}" throughput --output "$artifacts/throughput.md"
  fi
fi

echo "eng/bench.sh $part: done in $((SECONDS - started)) s"

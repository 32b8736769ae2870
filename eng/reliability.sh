#!/usr/bin/env bash
# The long reliability run (issue 7, docs/reliability.md): the same tests eng/test.sh runs as a representative slice,
# at full size.
#
#   MESSAGING_TRACING_PROPERTY_RUNS   generated inputs per property of every parser and writer (default 1,000,000;
#                                     unset in eng/test.sh = a fixed-seed slice)
#   MESSAGING_TRACING_SOAK_MESSAGES   messages per transport in the soak and broker-fault tests (default 100,000;
#                                     unset in eng/test.sh = a small count)
#
#   eng/brokers.sh                    as for eng/test.sh (the dedicated brokers of the restart tests are started by
#                                     the tests themselves, from the same Debian packages)
#
# Each figure a test measures is one line starting with "REPORT "; they are collected into
# artifacts/reliability/report.txt (the full console logs next to it). Exits non-zero when a test fails.
# Extra arguments go to both dotnet test runs, e.g. eng/reliability.sh --filter "FullyQualifiedName~Soak".
set -euo pipefail
cd "$(dirname "$0")/.."

export MESSAGING_TRACING_PROPERTY_RUNS="${MESSAGING_TRACING_PROPERTY_RUNS:-1000000}"
export MESSAGING_TRACING_SOAK_MESSAGES="${MESSAGING_TRACING_SOAK_MESSAGES:-100000}"
export RABBITMQ_URI="${RABBITMQ_URI:-amqp://guest:guest@localhost:5672/}"
export REDIS_CONNECTION="${REDIS_CONNECTION:-localhost:6379}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

started=$SECONDS
eng/brokers.sh

out=artifacts/reliability
rm -rf "$out"
mkdir -p "$out"

rc=0
echo "== Property-based tests: $MESSAGING_TRACING_PROPERTY_RUNS inputs per property"
dotnet test tests/Core/Messaging.Tracing.Tests -c Release --nologo --filter "Category=Reliability" \
  --logger "console;verbosity=detailed" --blame-hang-timeout 30m "$@" 2>&1 | tee "$out/properties.log" || rc=1
echo "== Hostile input, trust, faults, restarts, soak: $MESSAGING_TRACING_SOAK_MESSAGES messages per transport"
dotnet test tests/Reliability/Messaging.Tracing.Reliability.Tests -c Release --nologo \
  --logger "console;verbosity=detailed" --blame-hang-timeout 30m "$@" 2>&1 | tee "$out/reliability.log" || rc=1

grep -h "REPORT " "$out"/*.log | sed 's/^ *//' | sort -u > "$out/report.txt" || true
echo
echo "Figures ($(wc -l < "$out/report.txt") lines): $out/report.txt   total time $((SECONDS - started))s"
exit "$rc"

#!/usr/bin/env bash
# The test command (README, CI): prepares the machine and runs every test of the solution.
#
#   eng/brokers.sh      installs/starts RabbitMQ and Redis when needed (seconds once done)
#   eng/librdkafka.sh   provides librdkafka.redist 2.15.1 for Confluent.Kafka (cached after the first run)
#   eng/compose-check.sh validates docker-compose.yml (docker-compose config; no engine needed)
#   dotnet test         Messaging.Tracing.sln, Release
#
# Ends with one line "Tests: N passed, M failed[, K skipped]" summed over all test assemblies,
# and exits non-zero when a test fails or the build does.
#
# Environment: RABBITMQ_URI (default amqp://guest:guest@localhost:5672/), REDIS_CONNECTION (default
# localhost:6379), KAFKA_BOOTSTRAP_SERVERS (unset: librdkafka's in-process mock cluster),
# TEST_CONSOLE_VERBOSITY (console logger verbosity, default normal). Extra arguments go to
# dotnet test, e.g. eng/test.sh --filter "FullyQualifiedName~Kafka".
set -euo pipefail
cd "$(dirname "$0")/.."

export RABBITMQ_URI="${RABBITMQ_URI:-amqp://guest:guest@localhost:5672/}"
export REDIS_CONNECTION="${REDIS_CONNECTION:-localhost:6379}"
# KAFKA_BOOTSTRAP_SERVERS stays unset unless the caller set it.
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

started=$SECONDS
eng/brokers.sh
eng/librdkafka.sh
eng/compose-check.sh

results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

rc=0
dotnet test Messaging.Tracing.sln -c Release --nologo \
  --logger "console;verbosity=${TEST_CONSOLE_VERBOSITY:-normal}" \
  --logger "trx;LogFilePrefix=tests" \
  --results-directory "$results" \
  --blame-hang-timeout 15m \
  "$@" || rc=$?

# Sum the results of the TRX files (one per test assembly and target framework). Counted from the
# results rather than the <Counters> element, which does not count skipped tests.
summary="$(python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(f"{sys.argv[1]}/**/*.trx", recursive=True):
    for result in ET.parse(path).getroot().findall("./{*}Results/{*}UnitTestResult"):
        outcome = result.get("outcome", "")
        if outcome == "Passed":
            passed += 1
        elif outcome in ("NotExecuted", "Inconclusive", "NotRunnable", "Pending"):
            skipped += 1
        else:  # Failed, Error, Timeout, Aborted, ...
            failed += 1
line = f"Tests: {passed} passed, {failed} failed"
print(line + (f", {skipped} skipped" if skipped else ""))
PY
)"

echo
echo "Test results (TRX): $results/   total time $((SECONDS - started))s"
if ((rc != 0)) && [[ "$summary" == "Tests: "*" 0 failed"* ]]; then
  echo "dotnet test failed (exit $rc) without a failed test: see the build or test host errors above."
fi
echo "$summary"
if ((rc == 0)) && [[ "$summary" != *" 0 failed"* ]]; then
  rc=1
fi
exit "$rc"

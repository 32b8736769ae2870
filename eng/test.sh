#!/usr/bin/env bash
# The test command (README, CI): prepares the machine and runs every test, on two sets of client libraries.
#
#   eng/brokers.sh        installs/starts RabbitMQ, Redis and PostgreSQL, and Python's pika (a foreign AMQP producer), when needed
#   eng/compose-check.sh  validates docker-compose.yml (docker-compose config; no engine needed)
#   newest                dotnet test Messaging.Tracing.sln: every test, on the newest client libraries served
#   floor                 dotnet test Messaging.Tracing.Floor.slnf -p:ClientVersions=Floor: the core, transport and
#                         reliability tests on the oldest versions the packages support (Directory.Packages.props)
#   consumer apps         eng/consumer-check.sh: the packed packages in fresh applications, as users install them
#   containers            eng/docker.sh (dockerd in the narrow mode, local images), then the broker smoke tests and one
#                         test class per transport with MESSAGING_TRACING_BROKERS=testcontainers; eng/docker.sh stop
#
# Ends with one line "Tests: N passed, M failed[, K skipped]" summed over every pass and test assembly, and exits
# non-zero when a test fails or a build does.
#
# Environment: RABBITMQ_URI (default amqp://guest:guest@localhost:5672/), REDIS_CONNECTION (default
# localhost:6379), POSTGRES_CONNECTION (default: the tests' role and database on localhost:5432, see eng/brokers.sh),
# KAFKA_BOOTSTRAP_SERVERS (unset: librdkafka's in-process mock cluster),
# TEST_CONSOLE_VERBOSITY (console logger verbosity, default normal), TEST_PASSES (default "newest floor consumers containers").
# Extra arguments go to dotnet test, e.g. eng/test.sh --filter "FullyQualifiedName~Kafka".
set -euo pipefail
cd "$(dirname "$0")/.."

export RABBITMQ_URI="${RABBITMQ_URI:-amqp://guest:guest@localhost:5672/}"
export REDIS_CONNECTION="${REDIS_CONNECTION:-localhost:6379}"
# KAFKA_BOOTSTRAP_SERVERS stays unset unless the caller set it.
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

started=$SECONDS
eng/brokers.sh
eng/compose-check.sh

results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

rc=0
run_tests() { # name, target, dotnet test arguments...
  local name="$1" target="$2"
  shift 2
  echo "== Tests on the $name client libraries ($target)"
  dotnet test "$target" -c Release --nologo \
    --logger "console;verbosity=${TEST_CONSOLE_VERBOSITY:-normal}" \
    --logger "trx;LogFilePrefix=$name" \
    --results-directory "$results/$name" \
    --blame-hang-timeout 15m \
    "$@" || rc=$?
}

# The Testcontainers slice (docs/testcontainers.md): the same fixtures, their servers started by Testcontainers.
containers_pass() {
  eng/docker.sh || { echo "eng/docker.sh failed: no Docker engine for the Testcontainers slice" >&2; rc=1; return; }
  local target filter
  while read -r target filter; do
    MESSAGING_TRACING_BROKERS=testcontainers run_tests containers "$target" ${filter:+--filter "$filter"} </dev/null   # dotnet test reads stdin
  done <<'SLICE'
tests/Support/Messaging.Tracing.Brokers.Tests
tests/Transports/Messaging.Tracing.Redis.Tests FullyQualifiedName~StreamAddTracedTests
tests/Transports/Messaging.Tracing.RabbitMQ.Tests FullyQualifiedName~.TracedConsumerTests
tests/Transports/Messaging.Tracing.MassTransit.Tests FullyQualifiedName~MassTransitRabbitMqTests
tests/Transports/Messaging.Tracing.Marten.Tests FullyQualifiedName~AppendTracingListenerTests
SLICE
  eng/docker.sh stop || true
}

for pass in ${TEST_PASSES:-newest floor consumers containers}; do
  case "$pass" in
    newest) run_tests newest Messaging.Tracing.sln "$@" ;;
    floor) run_tests floor Messaging.Tracing.Floor.slnf -p:ClientVersions=Floor "$@" ;;
    consumers) eng/consumer-check.sh --results "$results/consumers" || rc=$? ;;
    containers) containers_pass ;;
    *) echo "unknown pass '$pass' in TEST_PASSES" >&2; exit 2 ;;
  esac
done

# Sum the results of the TRX files (one per test assembly and pass) and of the consumer checks (checks.txt). Counted
# from the results rather than the <Counters> element, which does not count skipped tests. Each failed test is listed
# with the first lines of its message just above the summary, where a CI log's tail shows it.
summary="$(python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in sorted(glob.glob(f"{sys.argv[1]}/**/*.trx", recursive=True)):
    for result in ET.parse(path).getroot().findall("./{*}Results/{*}UnitTestResult"):
        outcome = result.get("outcome", "")
        if outcome == "Passed":
            passed += 1
        elif outcome in ("NotExecuted", "Inconclusive", "NotRunnable", "Pending"):
            skipped += 1
        else:  # Failed, Error, Timeout, Aborted, ...
            failed += 1
            message = result.find("./{*}Output/{*}ErrorInfo/{*}Message")
            text = (message.text or "").strip().splitlines() if message is not None else []
            print(f"Failed: {result.get('testName')}  [{path.split('/')[-1]}]", file=sys.stderr)
            for text_line in text[:6]:
                print(f"    {text_line}", file=sys.stderr)
for path in glob.glob(f"{sys.argv[1]}/**/checks.txt", recursive=True):
    for check in open(path):
        passed += check.startswith("passed ")
        failed += check.startswith("failed ")
        if check.startswith("failed "):
            print(f"Failed: consumer check {check[len('failed '):].strip()}", file=sys.stderr)
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

#!/usr/bin/env bash
# The "run the main job" command (README): the event-sourcing sample (samples/EventSourcing) on its embedded
# defaults — MassTransit's in-memory transport, an in-memory event store, librdkafka's in-process mock cluster —
# so no broker is needed. It runs the scripted scenario through its own HTTP API, waits until all asynchronous
# work is done, prints every trace (causal tree and time axis, one story per HTTP request) and exits 0; non-zero
# with the reason when the scenario does not complete (Sample:ScenarioTimeoutSeconds, 60 by default).
#
#   dotnet build        samples/EventSourcing, Release (restores and builds as needed; ~30 s the first time),
#                       its progress on stderr
#   dotnet run          the built program (--no-build)
#
# Safe to run again. The scenario and its traces go to stdout; the build's progress and the application's logs (with
# trace and span ids) to stderr:
#   eng/sample.sh 2>/dev/null          only the scenario and the traces
# Real infrastructure instead of the embedded defaults, and the other settings: samples/EventSourcing/README.md.
# Extra arguments go to the program, e.g. eng/sample.sh --Sample:SlowProjectionDelayMs=0
#                                      or eng/sample.sh --Sample:Mode=serve --Sample:Urls=http://127.0.0.1:5080
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

echo "eng/sample.sh: building the sample (the first run restores and compiles, ~30 s)…" >&2
dotnet build samples/EventSourcing -c Release -v:minimal -nologo >&2
echo "eng/sample.sh: running the scenario (its logs follow on stderr, the stories on stdout; 2>/dev/null hides the logs)…" >&2
exec dotnet run --project samples/EventSourcing -c Release --no-build -- "$@"

#!/usr/bin/env bash
# The packages as users get them: packs the shipped projects, checks each package's declared dependencies (the floors of
# Directory.Packages.props, nothing pinned transitively), then builds fresh applications the way a user does —
# `dotnet new console`, `dotnet add package` — on the client versions users run, and runs them against the test brokers:
#
#   package-dependencies  each package declares exactly the floors (nothing pinned transitively), for net10.0 only
#   redis-3.4.35   tests/Consumers/RedisStreamsApp on StackExchange.Redis 3.4.35: a traced stream round trip
#   redis-2.13.23  the same application on StackExchange.Redis 2.13.23
#   kafka          tests/Consumers/KafkaApp on Confluent.Kafka 2.16.0: a traced produce/consume on librdkafka's mock cluster, then
#                  `dotnet publish -r win-x64` must carry the official librdkafka.dll
#
# Called by eng/test.sh (pass "consumers"); needs what it needs (eng/brokers.sh). The applications are built outside the
# repository, so none of its build settings apply to them. Writes one line per check ("passed NAME" or "failed NAME: why")
# to RESULTS/checks.txt, which eng/test.sh counts. Usage: eng/consumer-check.sh [--results DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

results="artifacts/test-results/consumers"
if [[ "${1:-}" == --results ]]; then results="$2"; fi
mkdir -p "$results"
results="$(cd "$results" && pwd)"
checks="$results/checks.txt"
: >"$checks"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
export REDIS_CONNECTION="${REDIS_CONNECTION:-localhost:6379}"

# A version of its own per run: the NuGet cache keeps a package by id and version, so a reused version would give the
# applications a stale copy. Removed from the cache again at the end.
version="0.1.0-consumercheck.$(date +%Y%m%d%H%M%S).$$"
work="$(mktemp -d "${TMPDIR:-/tmp}/messaging-tracing-consumers.XXXXXX")"
packages_root="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')"
cleanup() {
  rm -rf "$work"
  rm -rf "$packages_root"/messaging.tracing*/"$version"
}
trap cleanup EXIT

pass() { echo "passed $1" >>"$checks"; echo "[consumers] passed $1"; }
fail() { echo "failed $1: $2" >>"$checks"; echo "[consumers] FAILED $1: $2" >&2; }

echo "[consumers] packing the shipped packages as $version"
dotnet pack Messaging.Tracing.Packages.slnf -c Release --nologo -v quiet -p:Version="$version" -o "$work/packages" >"$work/pack.log" 2>&1 ||
  { cat "$work/pack.log" >&2; fail pack "dotnet pack failed"; exit 1; }

# 1. Declared dependencies: exactly the floors, nothing else (a transitive pin would show up here as an extra dependency).
if problems="$(python3 - "$work/packages" "$version" <<'PY'
import glob, re, sys, zipfile, xml.etree.ElementTree as ET
folder, version = sys.argv[1], sys.argv[2]
expected = {
    "Messaging.Tracing": {"OpenTelemetry.Api": "1.17.0", "Microsoft.Extensions.DependencyInjection.Abstractions": "10.0.0",
                          "Microsoft.Extensions.Options": "10.0.0"},
    "Messaging.Tracing.Testing": {"Messaging.Tracing": version},
    "Messaging.Tracing.Kafka": {"Messaging.Tracing": version, "Confluent.Kafka": "2.14.0"},
    "Messaging.Tracing.MassTransit": {"Messaging.Tracing": version, "MassTransit": "[8.4.0, 9.0.0)"},
    "Messaging.Tracing.RabbitMQ": {"Messaging.Tracing": version, "RabbitMQ.Client": "7.1.2"},
    "Messaging.Tracing.Redis": {"Messaging.Tracing": version, "StackExchange.Redis": "2.6.70"},
}
found = {}
for path in glob.glob(f"{folder}/*.nupkg"):
    with zipfile.ZipFile(path) as package:
        nuspec = ET.fromstring(package.read(next(n for n in package.namelist() if n.endswith(".nuspec"))))
    meta = nuspec.find("{*}metadata")
    groups = meta.findall("{*}dependencies/{*}group")
    frameworks = sorted(g.get("targetFramework") for g in groups)
    deps = {d.get("id"): d.get("version") for g in groups for d in g.findall("{*}dependency")}
    found[meta.find("{*}id").text] = (frameworks, deps)
problems = []
for package, deps in expected.items():
    if package not in found:
        problems.append(f"{package}: not packed")
        continue
    frameworks, actual = found[package]
    if frameworks != ["net10.0"]:
        problems.append(f"{package}: target frameworks {frameworks}, expected net10.0 only")
    if actual != deps:
        problems.append(f"{package}: dependencies {actual}, expected {deps}")
for package in sorted(set(found) - set(expected)):
    problems.append(f"{package}: packed but not expected")
print("; ".join(problems))
PY
)" && [[ -z "$problems" ]]; then
  pass package-dependencies
else
  fail package-dependencies "${problems:-the dependency check did not run}"
fi

# A new console application in the folder NAME, with this run's packages and the registry as sources.
new_app() { # folder name
  local dir="$work/apps/$1"
  mkdir -p "$dir" &&
    cd "$dir" &&
    dotnet new console --framework net10.0 --name App --output . >/dev/null &&
    dotnet new nugetconfig >/dev/null &&
    dotnet nuget add source "$work/packages" --name messaging-tracing-local --configfile nuget.config >/dev/null
}

# Runs one step of a check, its output going to the check's log; a failing step records the check as failed with the
# log's last lines.
step() { # check name, command...
  local name="$1"
  shift
  if ! "$@" >>"$work/$name.log" 2>&1; then
    fail "$name" "'$*' failed: $(tail -n 15 "$work/$name.log" | tr '\n' ' ' | cut -c1-1500)"
    return 1
  fi
}

# Runs a check (a function) in a subshell; records it as passed when it succeeds, and prints what the application said.
check() { # check name, function, arguments...
  local name="$1"
  shift
  echo "[consumers] $name"
  if ("$@"); then
    pass "$name"
  elif ! grep -q "^failed $name:" "$checks"; then
    fail "$name" "see the output above"
  fi
  grep -h -E "^(StackExchange.Redis|Confluent.Kafka) " "$work/$name.log" 2>/dev/null || true
}

# 2. Redis Streams on both major versions of StackExchange.Redis: a traced stream round trip.
redis_app() { # StackExchange.Redis version
  local name="redis-$1"
  new_app "$name" &&
    step "$name" dotnet add package StackExchange.Redis --version "$1" &&
    step "$name" dotnet add package Messaging.Tracing.Redis --version "$version" &&
    step "$name" dotnet add package OpenTelemetry --version 1.21.0 &&
    step "$name" dotnet add package OpenTelemetry.Exporter.InMemory --version 1.21.0 &&
    cp "$repo/tests/Consumers/RedisStreamsApp/Program.cs" Program.cs &&
    step "$name" dotnet build -c Release -warnaserror &&
    step "$name" dotnet run -c Release --no-build
}
check redis-3.4.35 redis_app 3.4.35
check redis-2.13.23 redis_app 2.13.23

# 3. Kafka: a traced round trip on the mock cluster, and a Windows publish that carries the official native library.
kafka_app() {
  local name=kafka
  new_app "$name" &&
    step "$name" dotnet add package Confluent.Kafka --version 2.16.0 &&
    step "$name" dotnet add package Messaging.Tracing.Kafka --version "$version" &&
    step "$name" dotnet add package OpenTelemetry --version 1.21.0 &&
    step "$name" dotnet add package OpenTelemetry.Exporter.InMemory --version 1.21.0 &&
    cp "$repo/tests/Consumers/KafkaApp/Program.cs" Program.cs &&
    step "$name" dotnet build -c Release -warnaserror &&
    step "$name" dotnet run -c Release --no-build &&
    step "$name" dotnet publish -c Release -r win-x64 --self-contained false -o "$work/kafka-win-x64" &&
    { [[ -s "$work/kafka-win-x64/librdkafka.dll" ]] || { fail "$name" "the win-x64 publish has no librdkafka.dll"; false; }; }
}
check kafka kafka_app

passed=$(grep -c '^passed ' "$checks" || true)
failed=$(grep -c '^failed ' "$checks" || true)
echo "[consumers] $passed passed, $failed failed (details: $checks)"
((failed == 0))

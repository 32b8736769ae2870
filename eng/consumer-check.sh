#!/usr/bin/env bash
# The packages as users get them: packs the shipped projects, checks each package's declared dependencies (the floors of
# Directory.Packages.props, nothing pinned transitively), then builds fresh applications the way a user does —
# `dotnet new console`, `dotnet add package` — on the client versions users run, and runs them against the test brokers.
# Each application follows the README's "register once" path: `services.AddMessagingTracing(...)` with a baggage deny list
# (user.email) and an enrichment callback, OpenTelemetry.Extensions.Hosting's `AddOpenTelemetry().WithTracing(t =>
# t.AddMessagingTracing())` with the in-memory exporter, and the transport registered the README's way. It produces one
# message in a span with the baggage user.email and tenant, reads the raw wire with the plain client (the baggage carries
# tenant, never user.email), consumes it traced (the handler in the producer's trace, tenant in its baggage, the exported
# process span enriched), prints one line of findings and exits non-zero with the reason when a check fails:
#
#   package-dependencies  each package declares exactly the floors (nothing pinned transitively), for net10.0 only
#   package-metadata      each package has its README, the license expression, a symbols package, its own tags
#   redis-3.4.35   tests/Consumers/RedisStreamsApp on StackExchange.Redis 3.4.35: the registered tracer passed to the stream
#                  append and the consumer-group reader; the raw entry read with XRANGE
#   redis-2.13.23  the same application on StackExchange.Redis 2.13.23
#   kafka          tests/Consumers/KafkaApp on Confluent.Kafka 2.16.0, on librdkafka's mock cluster: AddTracedKafkaProducer
#                  and AddTracedKafkaConsumer; the raw headers read by a plain consumer of another group. Then
#                  `dotnet publish -r win-x64` must carry the official librdkafka.dll
#   rabbitmq       tests/Consumers/RabbitMqApp on RabbitMQ.Client 7.2.2: the registered tracer passed to the traced publish
#                  and consume; a fanout exchange's second queue read raw with basic.get
#   masstransit    tests/Consumers/MassTransitApp on MassTransit.RabbitMQ 8.5.12: x.AddMessagingTracing and
#                  cfg.UseMessagingTracing(context) over RabbitMQ; a plain queue bound to the message's exchange read raw
#   marten         tests/Consumers/MartenApp on Marten 9.62.0 in a generic host, on PostgreSQL (POSTGRES_CONNECTION): Marten's
#                  AddMessagingTracing() and a TracedSubscription on the async daemon built by dependency injection; the
#                  stored row of mt_events read with plain SQL
#   readme-blocks  every C# block of README.md compiles as written, each as a fresh application's Program.cs
#
# Called by eng/test.sh (pass "consumers"); needs what it needs (eng/brokers.sh: RabbitMQ at RABBITMQ_URI, Redis at
# REDIS_CONNECTION, PostgreSQL at POSTGRES_CONNECTION). The applications are built outside the repository, so none of its build settings apply to them; they
# leave nothing on the brokers. Writes one line per check ("passed NAME" or "failed NAME: why") to RESULTS/checks.txt,
# which eng/test.sh counts. Usage: eng/consumer-check.sh [--results DIR]
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
export RABBITMQ_URI="${RABBITMQ_URI:-amqp://guest:guest@localhost:5672/}"

# A version of its own per run: the NuGet cache keeps a package by id and version, so a reused version would give the
# applications a stale copy. Removed from the cache again at the end.
version="0.2.0-consumercheck.$(date +%Y%m%d%H%M%S).$$"
work="$(mktemp -d "${TMPDIR:-/tmp}/messaging-tracing-consumers.XXXXXX")"
packages_root="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')"
cleanup() {
  rm -rf "$work"
  rm -rf "$packages_root"/messaging.tracing*/"$version"
}
trap cleanup EXIT

pass() { echo "passed $1" >>"$checks"; echo "[consumers] passed $1"; }
fail() { echo "failed $1: ${2//$'\n'/ | }" >>"$checks"; printf '[consumers] FAILED %s: %s\n' "$1" "$2" >&2; }

# CONSUMER_CHECKS (default: all) picks checks by name ("packages" for the two package checks), e.g.
# CONSUMER_CHECKS=readme-blocks while editing the README.
wanted() { [[ -z "${CONSUMER_CHECKS:-}" || " $CONSUMER_CHECKS " == *" $1 "* ]]; }

echo "[consumers] packing the shipped packages as $version"
dotnet pack Messaging.Tracing.Packages.slnf -c Release --nologo -v quiet -p:Version="$version" -o "$work/packages" >"$work/pack.log" 2>&1 ||
  { cat "$work/pack.log" >&2; fail pack "dotnet pack failed"; exit 1; }

# 1. What the packages declare. Dependencies: exactly the floors, nothing else (a transitive pin would show up here as an
#    extra dependency), net10.0 only. Metadata: a README, the license expression, a symbols package, tags of its own
#    client only, and no repository URL unless the publisher gave one.
if wanted packages; then
  report="$(python3 - "$work/packages" "$version" <<'PY'
import glob, os, sys, zipfile, xml.etree.ElementTree as ET
folder, version = sys.argv[1], sys.argv[2]
expected = {
    "Messaging.Tracing": {"OpenTelemetry.Api": "1.17.0", "Microsoft.Extensions.DependencyInjection.Abstractions": "10.0.0",
                          "Microsoft.Extensions.Options": "10.0.0"},
    "Messaging.Tracing.Testing": {"Messaging.Tracing": version},
    "Messaging.Tracing.Kafka": {"Messaging.Tracing": version, "Confluent.Kafka": "2.14.0"},
    "Messaging.Tracing.MassTransit": {"Messaging.Tracing": version, "MassTransit": "[8.4.0, 9.0.0)"},
    "Messaging.Tracing.RabbitMQ": {"Messaging.Tracing": version, "RabbitMQ.Client": "7.1.2"},
    "Messaging.Tracing.Redis": {"Messaging.Tracing": version, "StackExchange.Redis": "2.6.70"},
    "Messaging.Tracing.Marten": {"Messaging.Tracing": version, "Marten": "9.62.0"},
}
clients = {"Messaging.Tracing.Kafka": "kafka", "Messaging.Tracing.MassTransit": "masstransit",
           "Messaging.Tracing.RabbitMQ": "rabbitmq", "Messaging.Tracing.Redis": "redis", "Messaging.Tracing.Marten": "marten"}
dependency_problems, metadata_problems, found = [], [], {}
for path in glob.glob(f"{folder}/*.nupkg"):
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        meta = ET.fromstring(package.read(next(n for n in names if n.endswith(".nuspec")))).find("{*}metadata")
    package_id = meta.find("{*}id").text
    found[package_id] = True
    groups = meta.findall("{*}dependencies/{*}group")
    frameworks = sorted(g.get("targetFramework") for g in groups)
    deps = {d.get("id"): d.get("version") for g in groups for d in g.findall("{*}dependency")}
    if package_id not in expected:
        dependency_problems.append(f"{package_id}: packed but not expected")
        continue
    if frameworks != ["net10.0"]:
        dependency_problems.append(f"{package_id}: target frameworks {frameworks}, expected net10.0 only")
    if deps != expected[package_id]:
        dependency_problems.append(f"{package_id}: dependencies {deps}, expected {expected[package_id]}")
    readme = meta.findtext("{*}readme")
    if not readme or readme not in names:
        metadata_problems.append(f"{package_id}: no package README")
    license = meta.find("{*}license")
    if license is None or license.get("type") != "expression" or license.text != "Apache-2.0":
        metadata_problems.append(f"{package_id}: license is not the expression Apache-2.0")
    if not os.path.exists(path[:-len(".nupkg")] + ".snupkg"):
        metadata_problems.append(f"{package_id}: no symbols package")
    repository = meta.find("{*}repository")
    if repository is not None and repository.get("url"):
        metadata_problems.append(f"{package_id}: repository URL {repository.get('url')} without one given")
    tags = (meta.findtext("{*}tags") or "").split()
    others = [tag for owner, tag in clients.items() if owner != package_id and tag in tags]
    if others or (package_id in clients and clients[package_id] not in tags):
        metadata_problems.append(f"{package_id}: tags {tags}")
for package_id in expected:
    if package_id not in found:
        dependency_problems.append(f"{package_id}: not packed")
print("; ".join(dependency_problems))
print("; ".join(metadata_problems))
PY
)" || report=$'the check did not run\nthe check did not run'
  dependency_problems="$(sed -n 1p <<<"$report")"
  metadata_problems="$(sed -n 2p <<<"$report")"
  if [[ -z "$dependency_problems" ]]; then pass package-dependencies; else fail package-dependencies "$dependency_problems"; fi
  if [[ -z "$metadata_problems" ]]; then pass package-metadata; else fail package-metadata "$metadata_problems"; fi
fi

# A nuget.config in the current folder with this run's packages and the registry as sources.
feed_config() {
  dotnet new nugetconfig >/dev/null &&
    dotnet nuget add source "$work/packages" --name messaging-tracing-local --configfile nuget.config >/dev/null
}

# A new console application in the folder NAME (the current folder afterwards).
new_app() { # folder name
  local dir="$work/apps/$1"
  mkdir -p "$dir" &&
    cd "$dir" &&
    dotnet new console --framework net10.0 --name App --output . >/dev/null &&
    feed_config
}

# Runs one step of a check, its output going to the check's log; a failing step records the check as failed with the
# log's last lines.
step() { # check name, command...
  local name="$1"
  shift
  if ! "$@" >>"$work/$name.log" 2>&1; then
    local errors
    errors="$(grep -E ': error [A-Z]+[0-9]+' "$work/$name.log" | sed -e 's/ \[[^]]*\]$//' -e "s#$repo/##" | sort -u | head -n 40)"
    [[ -n "$errors" ]] || errors="$(sed -n 's/^FAILED: //p' "$work/$name.log" | tail -n 1)"   # an application's reason
    fail "$name" "'$*' failed: ${errors:-$(tail -n 15 "$work/$name.log")}"
    return 1
  fi
}

# Runs a check (a function) in a subshell; records it as passed when it succeeds, and prints what the application said.
check() { # check name, function, arguments...
  local name="$1"
  shift
  wanted "$name" || return 0
  echo "[consumers] $name"
  if ("$@"); then
    pass "$name"
  elif ! grep -q "^failed $name:" "$checks"; then
    fail "$name" "see the output above"
  fi
  grep -h -E "^(StackExchange.Redis|Confluent.Kafka|RabbitMQ.Client|MassTransit|Marten) " "$work/$name.log" 2>/dev/null || true
}

# The rest of an application: the OpenTelemetry SDK as the README installs it, with the in-memory exporter to read the
# spans back; tests/Consumers/APP/Program.cs; a build with warnings as errors; a run.
build_and_run() { # check name, application folder under tests/Consumers
  step "$1" dotnet add package OpenTelemetry.Extensions.Hosting --version 1.21.0 &&
    step "$1" dotnet add package OpenTelemetry.Exporter.InMemory --version 1.21.0 &&
    cp "$repo/tests/Consumers/$2/Program.cs" Program.cs &&
    step "$1" dotnet build -c Release -warnaserror &&
    step "$1" dotnet run -c Release --no-build
}

# 2. Redis Streams on both major versions of StackExchange.Redis.
redis_app() { # StackExchange.Redis version
  local name="redis-$1"
  new_app "$name" &&
    step "$name" dotnet add package StackExchange.Redis --version "$1" &&
    step "$name" dotnet add package Messaging.Tracing.Redis --version "$version" &&
    build_and_run "$name" RedisStreamsApp
}
check redis-3.4.35 redis_app 3.4.35
check redis-2.13.23 redis_app 2.13.23

# 3. Kafka on the mock cluster, and a Windows publish that carries the official native library.
kafka_app() {
  local name=kafka
  new_app "$name" &&
    step "$name" dotnet add package Confluent.Kafka --version 2.16.0 &&
    step "$name" dotnet add package Messaging.Tracing.Kafka --version "$version" &&
    build_and_run "$name" KafkaApp &&
    step "$name" dotnet publish -c Release -r win-x64 --self-contained false -o "$work/kafka-win-x64" &&
    { [[ -s "$work/kafka-win-x64/librdkafka.dll" ]] || { fail "$name" "the win-x64 publish has no librdkafka.dll"; false; }; }
}
check kafka kafka_app

# 4. RabbitMQ.Client 7.
rabbitmq_app() {
  local name=rabbitmq
  new_app "$name" &&
    step "$name" dotnet add package RabbitMQ.Client --version 7.2.2 &&
    step "$name" dotnet add package Messaging.Tracing.RabbitMQ --version "$version" &&
    build_and_run "$name" RabbitMqApp
}
check rabbitmq rabbitmq_app

# 5. MassTransit over RabbitMQ, its version named as the README says: without one, `dotnet add package` takes 9.x, which is
#    commercial.
masstransit_app() {
  local name=masstransit
  new_app "$name" &&
    step "$name" dotnet add package MassTransit.RabbitMQ --version 8.5.12 &&
    step "$name" dotnet add package Messaging.Tracing.MassTransit --version "$version" &&
    build_and_run "$name" MassTransitApp
}
check masstransit masstransit_app

# 6. Marten in a generic host: the append traced, a subscription on the async daemon.
marten_app() {
  local name=marten
  new_app "$name" &&
    step "$name" dotnet add package Marten --version 9.62.0 &&
    step "$name" dotnet add package Microsoft.Extensions.Hosting --version 10.0.15 &&
    step "$name" dotnet add package Messaging.Tracing.Marten --version "$version" &&
    build_and_run "$name" MartenApp
}
check marten marten_app

# 7. Every C# block of README.md compiles as written: each one on its own as the Program.cs of a fresh console application
#    (net10.0, implicit usings and nullable on, warnings as errors) with the packed packages and the clients users run, all
#    built in one solution. `#line` points compiler messages at README.md's own lines.
readme_blocks() {
  local name=readme-blocks dir="$work/readme"
  mkdir -p "$dir" &&
    cd "$dir" &&
    feed_config &&
    python3 - "$repo/README.md" "$dir" "$version" <<'PY' &&
import os, re, sys
readme, folder, version = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(readme, encoding="utf-8").read().split("\n")
blocks, current = [], None
for number, line in enumerate(lines, start=1):
    if current is None and re.fullmatch(r"\s*```csharp\s*", line):
        current = (number + 1, len(line) - len(line.lstrip()), [])
    elif current is not None and re.fullmatch(r"\s*```\s*", line):
        blocks.append(current)
        current = None
    elif current is not None:
        current[2].append(line[current[1]:] if line[:current[1]].strip() == "" else line)
packages = {f"Messaging.Tracing{suffix}": version for suffix in ["", ".Testing", ".Kafka", ".MassTransit", ".RabbitMQ", ".Redis", ".Marten"]}
packages.update({"Confluent.Kafka": "2.16.0", "RabbitMQ.Client": "7.2.2", "MassTransit.RabbitMQ": "8.5.12",
                 "StackExchange.Redis": "3.4.35", "Marten": "9.62.0", "OpenTelemetry": "1.21.0", "OpenTelemetry.Extensions.Hosting": "1.21.0",
                 "OpenTelemetry.Exporter.OpenTelemetryProtocol": "1.21.0", "Microsoft.Extensions.Hosting": "10.0.15"})
references = "\n".join(f'    <PackageReference Include="{p}" Version="{v}" />' for p, v in packages.items())
open(os.path.join(folder, "Directory.Build.props"), "w").write(f"""<Project>
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
{references}
  </ItemGroup>
</Project>
""")
projects = []
for index, (first, _, body) in enumerate(blocks, start=1):
    project = f"Block{index:02d}_line{first}"
    os.makedirs(os.path.join(folder, project))
    open(os.path.join(folder, project, project + ".csproj"), "w").write('<Project Sdk="Microsoft.NET.Sdk" />\n')
    open(os.path.join(folder, project, "Program.cs"), "w", encoding="utf-8").write(f'#line {first} "{readme}"\n' + "\n".join(body) + "\n")
    projects.append(os.path.join(project, project + ".csproj"))
open(os.path.join(folder, "projects.txt"), "w").write("\n".join(projects) + "\n")
PY
    dotnet new sln --format sln --name Readme >/dev/null &&
    xargs dotnet sln Readme.sln add <projects.txt >/dev/null &&
    echo "[consumers] $(ls -d "$dir"/Block* | wc -l) C# blocks of README.md" &&
    step "$name" dotnet build "$dir/Readme.sln" -c Release -v quiet -nologo -clp:NoSummary
}
check readme-blocks readme_blocks

passed=$(grep -c '^passed ' "$checks" || true)
failed=$(grep -c '^failed ' "$checks" || true)
echo "[consumers] $passed passed, $failed failed (details: $checks)"
((failed == 0))

#!/usr/bin/env bash
# Rewrites the PublicAPI.Unshipped.txt of every shipped project (src/) from the code, with Microsoft.CodeAnalysis.
# PublicApiAnalyzers' own code fix: each file is reset to its header, then `dotnet format analyzers` applies the fix of
# RS0016 ("add to the public API") to every public symbol that the project's PublicAPI.Shipped.txt does not list. A
# removed or changed symbol disappears from the file, a new one appears. Ends with a Release build of the packages, which
# fails if the API files and the code still disagree (RS0016, RS0017 and the other public API rules are errors).
#
# Run it after changing the public API, and review the diff of the PublicAPI.Unshipped.txt files. When a version is
# released, its lines move from PublicAPI.Unshipped.txt to PublicAPI.Shipped.txt; this script never edits the Shipped files.
# Usage: eng/public-api.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

for project in src/*/*/*.csproj; do
  echo "[public-api] $project"
  printf '#nullable enable\n' >"$(dirname "$project")/PublicAPI.Unshipped.txt"
  # One project per call: given several projects (or a solution), dotnet format applies the fix to one of them only.
  dotnet format analyzers "$project" --diagnostics RS0016 --severity warn
done

echo "[public-api] checking: dotnet build Messaging.Tracing.Packages.slnf -c Release"
dotnet build Messaging.Tracing.Packages.slnf -c Release --nologo -v quiet
git status --short -- 'src/*/*/PublicAPI.*.txt'

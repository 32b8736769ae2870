#!/usr/bin/env bash
# Provides the NuGet package librdkafka.redist 2.15.1 (the native library under Confluent.Kafka
# 2.15.1) on machines whose NuGet registry copy lacks it (DESIGN.md §5).
#
# The librdkafka 2.15.1 source ships inside the npm package @confluentinc/kafka-javascript@1.10.1
# (deps/librdkafka). On Linux x86_64 this script downloads it (npm pack), builds the shared
# library against the machine's OpenSSL and zlib (about a minute), packs it as
# librdkafka.redist.2.15.1.nupkg (runtimes/linux-x64/native/librdkafka.so) and copies that into
# <repo>/.local-packages/, which Directory.Build.props adds to the restore sources when present.
# The package is cached outside the clone, so later runs and other clones take a second:
#   ${MESSAGING_TRACING_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/messaging-tracing}
#
# Elsewhere (or with MESSAGING_TRACING_LIBRDKAFKA=official) nothing is built and the official
# librdkafka.redist from the NuGet registry is used.
#
# LIBRDKAFKA_BUILD_DIR=<dir>: pack an already built librdkafka 2.15.1 tree (dir/src/librdkafka.so.1)
# instead of downloading and building one (for trying out changes to the packing).
set -euo pipefail
cd "$(dirname "$0")/.."
readonly REPO_ROOT="$PWD"

readonly VERSION=2.15.1
readonly NPM_PACKAGE=@confluentinc/kafka-javascript@1.10.1
readonly CACHE="${MESSAGING_TRACING_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/messaging-tracing}"
readonly NUPKG_NAME="librdkafka.redist.$VERSION.nupkg"
readonly NUPKG="$CACHE/$NUPKG_NAME"
readonly LOCAL_FEED="$REPO_ROOT/.local-packages"
readonly SO_ENTRY=runtimes/linux-x64/native/librdkafka.so

log() { printf '[librdkafka] %s\n' "$*" >&2; }
die() { printf '[librdkafka] ERROR: %s\n' "$*" >&2; exit 1; }

if [[ "$(uname -s)" != Linux || "$(uname -m)" != x86_64 ]]; then
  log "not Linux x86_64: using the official librdkafka.redist $VERSION from the NuGet registry"
  exit 0
fi
if [[ "${MESSAGING_TRACING_LIBRDKAFKA:-}" == official ]]; then
  log "MESSAGING_TRACING_LIBRDKAFKA=official: using librdkafka.redist $VERSION from the NuGet registry"
  exit 0
fi

# True when $1 is a readable zip holding the native library (a cached package may predate a
# crash or a full disk; the atomic move below makes that unlikely, this makes it harmless).
nupkg_valid() {
  [[ -s "$1" ]] && command -v python3 >/dev/null &&
    python3 - "$1" "$SO_ENTRY" <<'PY' 2>/dev/null
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    info = z.getinfo(sys.argv[2])
    sys.exit(0 if info.file_size > 1_000_000 and "librdkafka.redist.nuspec" in z.namelist() else 1)
PY
}

# Installs with apt-get whichever build tools are missing (apt-get update only if any are).
ensure_build_tools() {
  local missing=()
  command -v gcc >/dev/null || missing+=(gcc)
  command -v make >/dev/null || missing+=(make)
  command -v npm >/dev/null || missing+=(npm)
  command -v python3 >/dev/null || missing+=(python3)
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  local pkg
  for pkg in libssl-dev zlib1g-dev; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null && [[ $(id -u) == 0 ]] ||
    die "missing build tools: ${missing[*]}; install them (or run as root, this script uses apt-get)"
  log "installing ${missing[*]} (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
    die "apt-get install ${missing[*]} failed"
}

# Writes the nupkg $2 from the built tree $1 (python3 zipfile; the nuspec is all NuGet needs).
pack_nupkg() {
  local tree="$1" out="$2"
  local so="$tree/src/librdkafka.so.1"
  [[ -f "$so" && ! -L "$so" ]] || die "no built library at $so"
  python3 - "$so" "$out" "$VERSION" "$NPM_PACKAGE" "$SO_ENTRY" <<'PY'
import sys, zipfile
so, out, version, npm_package, so_entry = sys.argv[1:6]
nuspec = f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>librdkafka.redist</id>
    <version>{version}</version>
    <authors>Magnus Edenhill, Confluent Inc.; packed by Messaging.Tracing eng/librdkafka.sh</authors>
    <description>librdkafka {version} for linux-x64 only, built from source on this machine (the source bundled in the npm package {npm_package}, ./configure --disable-gssapi --disable-curl, linked against the system OpenSSL and zlib). A local stand-in for the official librdkafka.redist package where the NuGet registry lacks it.</description>
    <license type="expression">BSD-2-Clause</license>
    <projectUrl>https://github.com/confluentinc/librdkafka</projectUrl>
    <tags>native kafka librdkafka</tags>
  </metadata>
</package>
"""
with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
    z.writestr("librdkafka.redist.nuspec", nuspec)
    z.write(so, so_entry)
PY
}

build_into_cache() {
  ensure_build_tools
  mkdir -p "$CACHE"
  # Work inside the cache directory so the final rename is atomic (same filesystem).
  local work
  work="$(mktemp -d "$CACHE/.build.XXXXXX")"
  # shellcheck disable=SC2064 # expand $work now
  trap "rm -rf '$work'" EXIT

  local tree
  if [[ -n "${LIBRDKAFKA_BUILD_DIR:-}" ]]; then
    tree="$LIBRDKAFKA_BUILD_DIR"
    log "packing the already built tree $tree"
  else
    local started=$SECONDS tarball
    log "downloading $NPM_PACKAGE (npm pack)"
    tarball="$(cd "$work" && npm pack "$NPM_PACKAGE" --silent 2>"$work/npm.log" | tail -n 1)" ||
      { cat "$work/npm.log" >&2; die "npm pack $NPM_PACKAGE failed"; }
    [[ -f "$work/$tarball" ]] || { cat "$work/npm.log" >&2; die "npm pack produced no tarball"; }
    tar -xzf "$work/$tarball" -C "$work" package/deps/librdkafka
    tree="$work/package/deps/librdkafka"
    grep -q "define RD_KAFKA_VERSION *0x020f01" "$tree/src/rdkafka.h" ||
      die "$NPM_PACKAGE does not bundle librdkafka $VERSION"

    local jobs
    jobs="$(nproc 2>/dev/null || echo 2)"
    log "building librdkafka $VERSION (configure + make -j$jobs, about a minute; log: $work/build.log)"
    if ! (cd "$tree" && ./configure --disable-gssapi --disable-curl && make -C src -j"$jobs") >"$work/build.log" 2>&1; then
      tail -n 40 "$work/build.log" >&2
      cp "$work/build.log" "$CACHE/last-build-failure.log" 2>/dev/null || true
      die "building librdkafka failed (log kept in $CACHE/last-build-failure.log)"
    fi
    log "built in $((SECONDS - started))s"
  fi

  pack_nupkg "$tree" "$work/$NUPKG_NAME"
  nupkg_valid "$work/$NUPKG_NAME" || die "the packed $NUPKG_NAME is not valid"
  mv -f "$work/$NUPKG_NAME" "$NUPKG"
  log "cached $NUPKG"
}

# One build at a time per cache (concurrent clones or CI jobs share it).
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock -w 900 9 || die "another eng/librdkafka.sh held $CACHE/.lock for 15 minutes"

if nupkg_valid "$NUPKG"; then
  log "using cached $NUPKG"
else
  build_into_cache
fi

# Into the repository's local feed; replaced atomically so a concurrent restore never reads half
# a file, and left alone when already identical.
mkdir -p "$LOCAL_FEED"
if ! cmp -s "$NUPKG" "$LOCAL_FEED/$NUPKG_NAME"; then
  cp "$NUPKG" "$LOCAL_FEED/.$NUPKG_NAME.tmp"
  mv -f "$LOCAL_FEED/.$NUPKG_NAME.tmp" "$LOCAL_FEED/$NUPKG_NAME"
  log "copied to .local-packages/$NUPKG_NAME"
fi
log "librdkafka.redist $VERSION ready (.local-packages/)"

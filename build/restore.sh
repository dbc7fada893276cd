#!/usr/bin/env bash
# Restores every project of the solution exactly as packages.lock.json records it (locked mode), so a fresh machine
# gets the packages CI tested, or fails here, at restore, saying why: never later, at compile time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! dotnet restore Orchestrator.sln --locked-mode -v quiet -nologo >"$log" 2>&1; then
  grep -E 'error|warn' "$log" | sort -u >&2 || cat "$log" >&2
  cat >&2 <<'MSG'

error: the NuGet restore does not match the committed lock files (packages.lock.json).
  - If you changed a version in Directory.Packages.props or a PackageReference on purpose, refresh the lock files
    with `dotnet restore Orchestrator.sln --force-evaluate` and commit every packages.lock.json that changed.
  - If you changed nothing, the package feed no longer serves a locked version (or serves different content for it):
    point NuGet at a feed that has the versions in the lock files, or update the pins in Directory.Packages.props.
MSG
  exit 1
fi

#!/usr/bin/env bash
# ./test.sh: sets up what the tests need and runs the whole suite. The integration tests start (and stop) their
# own PostgreSQL and Azurite on free ports (data in .data/test-*) and ScaleLab's processes.
set -euo pipefail
cd "$(dirname "$0")"
infra/local/prerequisites.sh
build/restore.sh
dotnet build Orchestrator.sln -c Debug --no-restore -v quiet -nologo -clp:ErrorsOnly
# The house style (.editorconfig: whitespace, code style and analyzer rules): a change that breaks it fails here,
# before any test runs.
dotnet format Orchestrator.sln --verify-no-changes -v quiet
dotnet test Orchestrator.sln -c Debug --no-build

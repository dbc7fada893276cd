#!/usr/bin/env bash
# ./test.sh: sets up what the tests need and runs the whole suite. The integration tests start their own
# PostgreSQL and Azurite (ports 55442 and 10110, data in .data/test-*) and ScaleLab processes.
set -euo pipefail
cd "$(dirname "$0")"
infra/local/prerequisites.sh
dotnet build Orchestrator.sln -c Debug -v quiet -nologo -clp:ErrorsOnly
status=0
dotnet test Orchestrator.sln -c Debug --no-build || status=$?
SCALELAB_PG_PORT=55442 SCALELAB_PG_DATA="$PWD/.data/test-postgres" infra/local/postgres.sh stop >/dev/null 2>&1 || true
SCALELAB_AZURITE_PORT=10110 SCALELAB_AZURITE_DATA="$PWD/.data/test-azurite" infra/local/azurite.sh stop >/dev/null 2>&1 || true
exit $status

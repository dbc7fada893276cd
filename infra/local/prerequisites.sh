#!/usr/bin/env bash
# Installs what ScaleLab needs on a fresh Debian 12 machine (idempotent): the English corpus packages, a C compiler, python3, fonts
# for the PDF export, Chromium for the browser tests, the pinned blob emulator, and checks for the toolchains the README lists.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

need() { command -v "$1" >/dev/null 2>&1 || { echo "error: $1 is required ($2)" >&2; exit 1; }; }
need dotnet ".NET 10 SDK"
need npm "Node.js 20 + npm"
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  || { echo "error: PostgreSQL server binaries are required (apt-get install postgresql)" >&2; exit 1; }

# Real English text for language-model runs: the default corpus is assembled from these Debian packages
# (src/Workers/Corpus/Debian/DebianSources.cs lists what is read from each).
CORPUS_PACKAGES="dict-gcide wordnet-base python3.11-doc postgresql-doc-15 perl-doc git-doc debian-reference-en"
missing=$(for p in $CORPUS_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "Installing the English corpus packages: $(echo $missing)..."
  $SUDO apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# A C compiler: the worker's build compiles native/scalar_lifetime.c, its guard against TorchSharp's Scalar lifetimes.
if ! command -v cc >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "Installing gcc (the worker's native guard)..."
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends gcc libc6-dev >/dev/null
fi

# Debian's python3 for the Python client's tests (clients/python), the interpreter researchers already have.
if [ ! -x /usr/bin/python3 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "Installing python3 (the Python client's tests)..."
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3 >/dev/null
fi

# The dashboard's PDF export: SkiaSharp's Linux library finds fonts through fontconfig, and the figures' text is set in
# Liberation Sans, which has the metrics of the Arial that Plotly laid it out for (src/Dashboard/Figures/FigureFonts.cs).
missing=$(for p in libfontconfig1 fonts-liberation; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "Installing $(echo $missing) (PDF export of figures)..."
  $SUDO apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Chromium for the dashboard's browser tests (Playwright drives Debian's build; it downloads no browser of its own).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "Installing chromium (browser tests)..."
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [ ! -x "$HERE/node_modules/.bin/azurite-blob" ]; then
  echo "Installing Azurite (pinned by infra/local/package-lock.json)..."
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

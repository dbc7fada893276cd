#!/usr/bin/env bash
# Publishes the worker self-contained for a GPU machine that has PyTorch's CUDA libtorch but no .NET, and packs it
# with the default corpus into .gpu/worker.tar.xz (git-ignored, small enough to travel).
# The build references the managed TorchSharp package only (TorchBackend=external); at run time
# Torch__NativeLibraryPath names the libtorch folder (see run.sh beside this file).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

# A private copy of the sources, so this restore (another TorchSharp package) never touches the normal build's obj/.
mkdir -p "$stage/src"
cp "$root"/Directory.Build.props "$root"/Directory.Packages.props "$root"/nuget.config "$stage"/ 2>/dev/null || true
cp -r "$root/build" "$stage/"
for project in Shared Workers; do
  (cd "$root/src" && tar -cf - --exclude="$project/bin" --exclude="$project/obj" "$project") | tar -xf - -C "$stage/src"
done
dotnet publish "$stage/src/Workers/Workers.csproj" -c Release -r linux-x64 --self-contained -p:TorchBackend=external \
  -p:DebugType=none -p:GenerateDocumentationFile=false -o "$stage/pack/worker" -v quiet -nologo

# The default corpus travels too (the GPU machine has no Debian packages), as assembled text; tokenizing happens there.
cache="${SCALELAB_CORPUS_CACHE:-${TMPDIR:-/tmp}/scalelab-corpus}"
Training__CacheDirectory="$cache" "$stage/pack/worker/ScaleLab.Workers" tokenize --tokenizers bytes >/dev/null
mkdir -p "$stage/pack/corpus"
cp -r "$cache"/debian-corpus-v* "$stage/pack/corpus/"

mkdir -p "$root/.gpu"
tar -cJf "$root/.gpu/worker.tar.xz" -C "$stage/pack" worker corpus
ls -l "$root/.gpu/worker.tar.xz"

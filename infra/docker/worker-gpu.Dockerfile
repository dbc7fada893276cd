# The GPU worker: the self-contained worker (managed TorchSharp only) on a PyTorch CUDA image whose libtorch it uses,
# as on the GPU machines we test on (docs/engine.md). Build from the repository root:
#   docker build -f infra/docker/worker-gpu.Dockerfile -t scalelab/worker-gpu:TAG .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN apt-get update && apt-get install -y --no-install-recommends dict-gcide && \
    dotnet publish src/Workers -c Release -r linux-x64 --self-contained -p:TorchBackend=external -o /app

FROM pytorch/pytorch:2.10.0-cuda12.8-cudnn9-runtime
WORKDIR /app
COPY --from=build /app .
COPY --from=build /usr/share/dictd/gcide.dict.dz /usr/share/dictd/gcide.dict.dz
ENV Training__CorpusSource=/usr/share/dictd/gcide.dict.dz \
    Training__CacheDirectory=/cache \
    DOTNET_gcServer=0
# Torch__NativeLibraryPath and LD_LIBRARY_PATH point at the image's libtorch; the entrypoint finds it.
ENTRYPOINT ["/bin/sh", "-c", "export Torch__NativeLibraryPath=$(python -c 'import torch,os;print(os.path.dirname(torch.__file__)+\"/lib\")') && export LD_LIBRARY_PATH=$Torch__NativeLibraryPath:/app && exec /app/ScaleLab.Workers"]

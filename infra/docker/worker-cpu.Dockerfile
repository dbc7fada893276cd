# The CPU worker (TorchSharp-cpu brings its own libtorch). Build from the repository root:
#   docker build -f infra/docker/worker-cpu.Dockerfile -t scalelab/worker-cpu:TAG .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Workers -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
RUN apt-get update && apt-get install -y --no-install-recommends dict-gcide && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV Training__CacheDirectory=/cache
ENTRYPOINT ["dotnet", "ScaleLab.Workers.dll"]

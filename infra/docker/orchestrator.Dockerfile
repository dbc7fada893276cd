# Build from the repository root: docker build -f infra/docker/orchestrator.Dockerfile -t scalelab/orchestrator:TAG .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Orchestrator -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
USER app
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "ScaleLab.Orchestrator.dll", "--urls", "http://0.0.0.0:8080"]

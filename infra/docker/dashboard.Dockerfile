# Build from the repository root: docker build -f infra/docker/dashboard.Dockerfile -t scalelab/dashboard:TAG .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Dashboard -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# The PDF export of figures: fontconfig for SkiaSharp, and Liberation Sans, with Arial's metrics, for the figures' text.
RUN apt-get update && apt-get install -y --no-install-recommends libfontconfig1 fonts-liberation && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
USER app
EXPOSE 8080
ENTRYPOINT ["dotnet", "ScaleLab.Dashboard.dll", "--urls", "http://0.0.0.0:8080"]

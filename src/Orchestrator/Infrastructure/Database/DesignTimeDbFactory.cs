using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ScaleLab.Orchestrator.Infrastructure.Database;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the silo (no database is contacted).</summary>
public sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<ScaleLabDb>
{
    public ScaleLabDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ScaleLabDb>().UseNpgsql("Host=localhost;Database=design_time_only").Options);
}

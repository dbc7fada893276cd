using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScaleLab.Orchestrator.Runs;

namespace ScaleLab.Orchestrator.Infrastructure.Database.Configurations;

/// <remarks>The workers write this table with raw SQL (binary COPY): its table and column names are a contract.</remarks>
internal sealed class MetricPointConfiguration : IEntityTypeConfiguration<MetricPoint>
{
    public void Configure(EntityTypeBuilder<MetricPoint> b)
    {
        b.ToTable("metrics");
        b.HasKey(m => new { m.RunId, m.Name, m.Step });
        b.Property(m => m.RunId).HasColumnName("run_id");
        b.HasOne<RunRecord>().WithMany().HasForeignKey(m => m.RunId).OnDelete(DeleteBehavior.Cascade);
        b.Property(m => m.Name).HasColumnName("name").HasMaxLength(64);
        b.Property(m => m.Step).HasColumnName("step");
        b.Property(m => m.Value).HasColumnName("value");
        b.Property(m => m.Tokens).HasColumnName("tokens");
        b.Property(m => m.Flops).HasColumnName("flops");
        b.Property(m => m.WallClockSeconds).HasColumnName("wall_clock_s");
        b.Property(m => m.Attempt).HasColumnName("attempt");
        b.Property(m => m.RecordedAt).HasColumnName("recorded_at");
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScaleLab.Orchestrator.Sweeps;

namespace ScaleLab.Orchestrator.Infrastructure.Database.Configurations;

internal sealed class SweepRecordConfiguration : IEntityTypeConfiguration<SweepRecord>
{
    public void Configure(EntityTypeBuilder<SweepRecord> b)
    {
        b.ToTable("sweeps");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasColumnName("id");
        b.Property(s => s.Name).HasColumnName("name").HasMaxLength(120);
        b.Property(s => s.Kind).HasColumnName("kind").HasMaxLength(32);
        b.Property(s => s.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(32);
        b.Property(s => s.Priority).HasColumnName("priority");
        b.Property(s => s.SpecJson).HasColumnName("spec").HasColumnType("jsonb");
        b.Property(s => s.Owner).HasColumnName("owner").HasMaxLength(200).HasDefaultValue("");
        b.Property(s => s.RunCount).HasColumnName("run_count");
        b.Property(s => s.RunsFinished).HasColumnName("runs_finished");
        b.Property(s => s.RunsFailed).HasColumnName("runs_failed");
        b.Property(s => s.PlannedFlops).HasColumnName("planned_flops");
        b.Property(s => s.CreatedAt).HasColumnName("created_at");
        b.Property(s => s.FinishedAt).HasColumnName("finished_at");
        b.Property(s => s.Tags).HasColumnName("tags").HasDefaultValueSql("'{}'::text[]");
        b.Property(s => s.Notes).HasColumnName("notes").HasDefaultValue("");
        b.Property(s => s.Archived).HasColumnName("archived").HasDefaultValue(false);
        b.Property(s => s.DesignOpen).HasColumnName("design_open").HasDefaultValue(false);
        b.Property(s => s.DesignJson).HasColumnName("design").HasColumnType("jsonb");
        b.HasIndex(s => s.CreatedAt);
    }
}

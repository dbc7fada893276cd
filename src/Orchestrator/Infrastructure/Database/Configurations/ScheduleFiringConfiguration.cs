using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScaleLab.Orchestrator.Schedules;

namespace ScaleLab.Orchestrator.Infrastructure.Database.Configurations;

internal sealed class ScheduleFiringConfiguration : IEntityTypeConfiguration<ScheduleFiring>
{
    public void Configure(EntityTypeBuilder<ScheduleFiring> b)
    {
        b.ToTable("schedule_firings");
        b.HasKey(f => new { f.ScheduleId, f.ScheduledFor });
        b.Property(f => f.ScheduleId).HasColumnName("schedule_id");
        b.Property(f => f.ScheduledFor).HasColumnName("scheduled_for");
        b.Property(f => f.SweepId).HasColumnName("sweep_id");
        b.Property(f => f.FiredAt).HasColumnName("fired_at");
        b.HasOne<ScheduleRecord>().WithMany().HasForeignKey(f => f.ScheduleId).OnDelete(DeleteBehavior.Cascade);
    }
}

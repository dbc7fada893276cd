using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScaleLab.Orchestrator.Schedules;

namespace ScaleLab.Orchestrator.Infrastructure.Database.Configurations;

internal sealed class ScheduleRecordConfiguration : IEntityTypeConfiguration<ScheduleRecord>
{
    public void Configure(EntityTypeBuilder<ScheduleRecord> b)
    {
        b.ToTable("schedules");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasColumnName("id");
        b.Property(s => s.Name).HasColumnName("name").HasMaxLength(120);
        b.Property(s => s.Cron).HasColumnName("cron").HasMaxLength(200);
        b.Property(s => s.TimeZone).HasColumnName("time_zone").HasMaxLength(100);
        b.Property(s => s.SpecJson).HasColumnName("spec").HasColumnType("jsonb");
        b.Property(s => s.Paused).HasColumnName("paused");
        b.Property(s => s.CreatedAt).HasColumnName("created_at");
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Orchestrator.Scheduling;

namespace ScaleLab.Orchestrator.Infrastructure.Database.Configurations;

internal sealed class QueuedRunConfiguration : IEntityTypeConfiguration<QueuedRun>
{
    public void Configure(EntityTypeBuilder<QueuedRun> b)
    {
        b.ToTable("run_queue");
        b.HasKey(q => q.RunId);
        b.Property(q => q.RunId).HasColumnName("run_id");
        b.HasOne<RunRecord>().WithOne().HasForeignKey<QueuedRun>(q => q.RunId).OnDelete(DeleteBehavior.Cascade);
        b.Property(q => q.SweepId).HasColumnName("sweep_id");
        b.Property(q => q.Owner).HasColumnName("owner").HasMaxLength(200);
        b.Property(q => q.Priority).HasColumnName("priority");
        b.Property(q => q.Position).HasColumnName("position").UseIdentityAlwaysColumn();
        b.Property(q => q.CudaBytes).HasColumnName("cuda_bytes");
        b.Property(q => q.CpuBytes).HasColumnName("cpu_bytes");
        b.Property(q => q.SlotId).HasColumnName("slot_id").HasMaxLength(200);
        b.Property(q => q.QueuedAt).HasColumnName("queued_at");
        b.Property(q => q.AssignedAt).HasColumnName("assigned_at");
        // A sweep's next run in order of arrival, among those waiting: the one index dispatch reads.
        b.HasIndex(q => new { q.SweepId, q.Position }).HasDatabaseName("ix_run_queue_waiting").HasFilter("slot_id IS NULL");
        b.HasIndex(q => q.SlotId).HasDatabaseName("ix_run_queue_assigned").HasFilter("slot_id IS NOT NULL");
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Orchestrator.Sweeps;

namespace ScaleLab.Orchestrator.Infrastructure.Database.Configurations;

internal sealed class RunRecordConfiguration : IEntityTypeConfiguration<RunRecord>
{
    public void Configure(EntityTypeBuilder<RunRecord> b)
    {
        b.ToTable("runs");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).HasColumnName("id");
        b.Property(r => r.SweepId).HasColumnName("sweep_id");
        b.HasOne<SweepRecord>().WithMany().HasForeignKey(r => r.SweepId).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.Name).HasColumnName("name").HasMaxLength(400);
        b.Property(r => r.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(32);
        b.Property(r => r.ConfigJson).HasColumnName("config").HasColumnType("jsonb");
        b.Property(r => r.NonEmbeddingParameters).HasColumnName("non_embedding_params");
        b.Property(r => r.TotalParameters).HasColumnName("total_params");
        b.Property(r => r.PlannedTokens).HasColumnName("planned_tokens");
        b.Property(r => r.PlannedFlops).HasColumnName("planned_flops");
        b.Property(r => r.ParentRunId).HasColumnName("parent_run_id");
        b.Property(r => r.FirstStep).HasColumnName("first_step");
        b.Property(r => r.Attempt).HasColumnName("attempt");
        b.Property(r => r.Dispatches).HasColumnName("dispatches");
        b.Property(r => r.SlotId).HasColumnName("slot_id").HasMaxLength(200);
        b.Property(r => r.StepsDone).HasColumnName("steps_done");
        b.Property(r => r.TotalSteps).HasColumnName("total_steps");
        b.Property(r => r.TokensSeen).HasColumnName("tokens_seen");
        b.Property(r => r.LastLoss).HasColumnName("last_loss");
        b.Property(r => r.FinalLoss).HasColumnName("final_loss");
        b.Property(r => r.FinalValLoss).HasColumnName("final_val_loss");
        b.Property(r => r.Error).HasColumnName("error").HasMaxLength(4000);
        b.Property(r => r.StopReason).HasColumnName("stop_reason").HasMaxLength(4000);
        b.Property(r => r.WallClockSeconds).HasColumnName("wall_clock_s");
        b.Property(r => r.CreatedAt).HasColumnName("created_at");
        b.Property(r => r.StartedAt).HasColumnName("started_at");
        b.Property(r => r.FinishedAt).HasColumnName("finished_at");
        b.HasIndex(r => new { r.SweepId, r.Status });
        b.HasIndex(r => r.ParentRunId).HasFilter("parent_run_id IS NOT NULL");
    }
}

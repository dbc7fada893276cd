using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScaleLab.Orchestrator.Runs;

namespace ScaleLab.Orchestrator.Infrastructure.Database.Configurations;

internal sealed class RunEventConfiguration : IEntityTypeConfiguration<RunEvent>
{
    public void Configure(EntityTypeBuilder<RunEvent> b)
    {
        b.ToTable("run_events");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        b.Property(e => e.RunId).HasColumnName("run_id");
        b.Property(e => e.Attempt).HasColumnName("attempt");
        b.Property(e => e.At).HasColumnName("at");
        b.Property(e => e.Source).HasColumnName("source").HasMaxLength(32);
        b.Property(e => e.Message).HasColumnName("message").HasMaxLength(2000);
        // By name, as the worker writes it with plain SQL; older lines were classified from their wording when the column came.
        b.Property(e => e.Kind).HasColumnName("kind").HasConversion<string>().HasMaxLength(16).HasDefaultValue(ScaleLab.Runs.RunEventKind.Note);
        b.Property(e => e.Slot).HasColumnName("slot").HasMaxLength(200);
        b.Property(e => e.Step).HasColumnName("step");
        b.HasIndex(e => new { e.RunId, e.Id });
    }
}

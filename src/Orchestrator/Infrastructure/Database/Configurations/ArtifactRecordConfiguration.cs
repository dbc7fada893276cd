using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScaleLab.Orchestrator.Runs;

namespace ScaleLab.Orchestrator.Infrastructure.Database.Configurations;

internal sealed class ArtifactRecordConfiguration : IEntityTypeConfiguration<ArtifactRecord>
{
    public void Configure(EntityTypeBuilder<ArtifactRecord> b)
    {
        b.ToTable("artifacts");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).HasColumnName("id");
        b.Property(a => a.RunId).HasColumnName("run_id");
        b.HasOne<RunRecord>().WithMany().HasForeignKey(a => a.RunId).OnDelete(DeleteBehavior.Cascade);
        b.Property(a => a.Kind).HasColumnName("kind").HasMaxLength(32);
        b.Property(a => a.Name).HasColumnName("name").HasMaxLength(200);
        b.Property(a => a.Uri).HasColumnName("uri").HasMaxLength(1000);
        b.Property(a => a.Bytes).HasColumnName("bytes");
        b.Property(a => a.CreatedAt).HasColumnName("created_at");
        b.HasIndex(a => new { a.RunId, a.Name }).IsUnique();
    }
}

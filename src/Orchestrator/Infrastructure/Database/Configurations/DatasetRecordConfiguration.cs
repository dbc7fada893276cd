using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScaleLab.Datasets;
using ScaleLab.Orchestrator.Datasets;

namespace ScaleLab.Orchestrator.Infrastructure.Database.Configurations;

internal sealed class DatasetRecordConfiguration : IEntityTypeConfiguration<DatasetRecord>
{
    public void Configure(EntityTypeBuilder<DatasetRecord> b)
    {
        b.ToTable("datasets");
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).HasColumnName("id");
        b.Property(d => d.Name).HasColumnName("name").HasMaxLength(DatasetNames.MaxLength);
        b.HasIndex(d => d.Name).IsUnique();
        b.Property(d => d.Source).HasColumnName("source").HasMaxLength(DatasetSpecValidator.MaxSourceLength);
        b.Property(d => d.Format).HasColumnName("format").HasMaxLength(16);
        b.Property(d => d.TextField).HasColumnName("text_field").HasMaxLength(256);
        b.Property(d => d.ValidationFraction).HasColumnName("validation_fraction");
        b.Property(d => d.TokenBytes).HasColumnName("token_bytes");
        b.Property(d => d.Owner).HasColumnName("owner").HasMaxLength(200);
        b.Property(d => d.CreatedAt).HasColumnName("created_at");
        b.Property(d => d.ContentHash).HasColumnName("content_hash").HasMaxLength(64);
        b.Property(d => d.Files).HasColumnName("files");
        b.Property(d => d.Documents).HasColumnName("documents");
        b.Property(d => d.Bytes).HasColumnName("bytes");
        b.HasMany(d => d.Tokenizations).WithOne().HasForeignKey(t => t.DatasetId).OnDelete(DeleteBehavior.Cascade);
    }
}

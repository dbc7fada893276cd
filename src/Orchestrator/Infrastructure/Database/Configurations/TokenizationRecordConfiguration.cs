using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScaleLab.Orchestrator.Datasets;

namespace ScaleLab.Orchestrator.Infrastructure.Database.Configurations;

/// <summary>Column names are the workers' too: they claim and finish jobs with plain SQL (Workers/Datasets/TokenizationQueue).</summary>
internal sealed class TokenizationRecordConfiguration : IEntityTypeConfiguration<TokenizationRecord>
{
    public void Configure(EntityTypeBuilder<TokenizationRecord> b)
    {
        b.ToTable("dataset_tokenizations");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).HasColumnName("id");
        b.Property(t => t.DatasetId).HasColumnName("dataset_id");
        b.Property(t => t.Tokenizer).HasColumnName("tokenizer").HasMaxLength(16);
        b.HasIndex(t => new { t.DatasetId, t.Tokenizer }).IsUnique();
        b.Property(t => t.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16);
        b.HasIndex(t => new { t.Status, t.CreatedAt });
        b.Property(t => t.Progress).HasColumnName("progress");
        b.Property(t => t.Attempt).HasColumnName("attempt");
        b.Property(t => t.Worker).HasColumnName("worker").HasMaxLength(200);
        b.Property(t => t.LeaseUntil).HasColumnName("lease_until");
        b.Property(t => t.LeaseId).HasColumnName("lease_id");
        b.Property(t => t.CreatedAt).HasColumnName("created_at");
        b.Property(t => t.StartedAt).HasColumnName("started_at");
        b.Property(t => t.FinishedAt).HasColumnName("finished_at");
        b.Property(t => t.Tokens).HasColumnName("tokens");
        b.Property(t => t.TrainTokens).HasColumnName("train_tokens");
        b.Property(t => t.ValidationTokens).HasColumnName("validation_tokens");
        b.Property(t => t.ValidationBytes).HasColumnName("validation_bytes");
        b.Property(t => t.SkippedLines).HasColumnName("skipped_lines");
        b.Property(t => t.ShardPrefix).HasColumnName("shard_prefix").HasMaxLength(200);
        b.Property(t => t.ErrorField).HasColumnName("error_field").HasMaxLength(200);
        b.Property(t => t.Error).HasColumnName("error").HasMaxLength(2000);
    }
}

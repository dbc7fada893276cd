using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScaleLab.Orchestrator.Datasets;

namespace ScaleLab.Orchestrator.Infrastructure.Database.Configurations;

/// <summary>Workers upsert these rows with plain SQL (Workers/Datasets/TokenizationQueue).</summary>
internal sealed class DefaultCorpusSplitConfiguration : IEntityTypeConfiguration<DefaultCorpusSplit>
{
    public void Configure(EntityTypeBuilder<DefaultCorpusSplit> b)
    {
        b.ToTable("default_corpus_splits");
        b.HasKey(s => s.Tokenizer);
        b.Property(s => s.Tokenizer).HasColumnName("tokenizer").HasMaxLength(16);
        b.Property(s => s.TrainTokens).HasColumnName("train_tokens");
        b.Property(s => s.ContentHash).HasColumnName("content_hash").HasMaxLength(64);
        b.Property(s => s.ReportedAt).HasColumnName("reported_at");
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScaleLab.Orchestrator.Scaling;

namespace ScaleLab.Orchestrator.Infrastructure.Database.Configurations;

internal sealed class FitRecordConfiguration : IEntityTypeConfiguration<FitRecord>
{
    public void Configure(EntityTypeBuilder<FitRecord> b)
    {
        b.ToTable("fits");
        b.HasKey(f => f.Id);
        b.Property(f => f.Id).HasColumnName("id");
        b.Property(f => f.Law).HasColumnName("law").HasMaxLength(32);
        b.Property(f => f.InputsJson).HasColumnName("inputs").HasColumnType("jsonb");
        b.Property(f => f.ResultJson).HasColumnName("result").HasColumnType("jsonb");
        b.Property(f => f.CreatedAt).HasColumnName("created_at");
    }
}

using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Datasets;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Orchestrator.Scaling;
using ScaleLab.Orchestrator.Schedules;
using ScaleLab.Orchestrator.Sweeps;

namespace ScaleLab.Orchestrator.Infrastructure.Database;

public sealed class ScaleLabDb(DbContextOptions<ScaleLabDb> options) : DbContext(options)
{
    public DbSet<SweepRecord> Sweeps => Set<SweepRecord>();
    public DbSet<RunRecord> Runs => Set<RunRecord>();
    public DbSet<MetricPoint> Metrics => Set<MetricPoint>();
    public DbSet<ArtifactRecord> Artifacts => Set<ArtifactRecord>();
    public DbSet<FitRecord> Fits => Set<FitRecord>();
    public DbSet<RunEvent> RunEvents => Set<RunEvent>();
    public DbSet<Scheduling.QueuedRun> RunQueue => Set<Scheduling.QueuedRun>();
    public DbSet<ScheduleRecord> Schedules => Set<ScheduleRecord>();
    public DbSet<ScheduleFiring> ScheduleFirings => Set<ScheduleFiring>();
    public DbSet<DatasetRecord> Datasets => Set<DatasetRecord>();
    public DbSet<TokenizationRecord> Tokenizations => Set<TokenizationRecord>();
    public DbSet<DefaultCorpusSplit> DefaultCorpusSplits => Set<DefaultCorpusSplit>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ScaleLabDb).Assembly);
}

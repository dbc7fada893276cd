using ScaleLab.Runs;
using ScaleLab.Workers.Corpus;

namespace ScaleLab.Workers.Training.Tasks;

/// <summary>Builds a run's task from its config.</summary>
public static class TrainingTasks
{
    public static ITrainingTask Create(RunConfig c, CorpusProvider corpora) => c.Task switch
    {
        TaskKinds.Mqar => new MqarTask(c),
        TaskKinds.HiddenMarkov => new HiddenMarkovTask(c),
        TaskKinds.LanguageModeling => new LanguageModelingTask(corpora.Get(c), c.BatchSize, c.SeqLen, c.Seed, c.EvalBatches, c.FinalEvalTokens),
        _ => throw new ArgumentOutOfRangeException(nameof(c), c.Task, "unknown task"),
    };
}

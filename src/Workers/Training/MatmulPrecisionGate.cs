using ScaleLab.Runs;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// CUDA's TF32 switch is one per process, and runs in several slots of one GPU share the process. An "fp32" run needs
/// it off and a "tf32" run on, so the two never train at the same time in one process: a run of the other kind waits
/// at its start until the last run holding the switch ends. "bf16" runs do no fp32 matmuls and pass freely.
/// </summary>
public static class MatmulPrecisionGate
{
    private static readonly object Gate = new();   // Monitor.Wait needs a monitor, not a System.Threading.Lock
    private static string? _mode;
    private static int _holders;

    /// <summary>Holds the switch in the state <paramref name="mode"/> needs until the returned handle is disposed.</summary>
    public static IDisposable Enter(string mode)
    {
        if (mode is not (Precisions.Fp32 or Precisions.Tf32)) return Released.Instance;
        lock (Gate)
        {
            while (_holders > 0 && _mode != mode) Monitor.Wait(Gate);
            if (_holders++ == 0)
            {
                _mode = mode;
                backends.cuda.matmul.allow_tf32 = mode == Precisions.Tf32;
                backends.cudnn.allow_tf32 = mode == Precisions.Tf32;
            }
        }
        return new Holder();
    }

    private sealed class Holder : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1) return;
            lock (Gate)
            {
                if (--_holders == 0) Monitor.PulseAll(Gate);
            }
        }
    }

    private sealed class Released : IDisposable
    {
        public static readonly Released Instance = new();

        public void Dispose() { }
    }
}

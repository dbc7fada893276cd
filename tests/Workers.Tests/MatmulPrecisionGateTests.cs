using ScaleLab.Workers.Training;

namespace ScaleLab.Workers.Tests;

/// <summary>Runs packed on one GPU never see the TF32 switch set for another run's precision.</summary>
[Collection(AloneCollection.Name)]
public class MatmulPrecisionGateTests
{
    [Fact]
    public async Task A_tf32_run_waits_for_the_fp32_runs_and_bf16_runs_pass()
    {
        var fp32 = MatmulPrecisionGate.Enter("fp32");
        var secondFp32 = MatmulPrecisionGate.Enter("fp32");              // the same state: no wait
        using (MatmulPrecisionGate.Enter("bf16")) { }                    // bf16 does no fp32 matmuls
        var tf32 = Task.Run(() => MatmulPrecisionGate.Enter("tf32"));

        Assert.NotSame(tf32, await Task.WhenAny(tf32, Task.Delay(300)));     // held while any fp32 run trains
        fp32.Dispose();
        Assert.NotSame(tf32, await Task.WhenAny(tf32, Task.Delay(300)));
        secondFp32.Dispose();
        (await tf32.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }
}

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

        await WaitingAsync();                                            // held while any fp32 run trains
        Assert.False(tf32.IsCompleted);
        fp32.Dispose();                                                  // one fp32 run still holds the switch: no wake-up
        Assert.Equal(1, MatmulPrecisionGate.Waiting);
        Assert.False(tf32.IsCompleted);
        secondFp32.Dispose();
        (await tf32.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        Assert.Equal(0, MatmulPrecisionGate.Waiting);
    }

    /// <summary>Until the tf32 run is waiting at the gate (polled; a slow machine may take a while to start its thread).</summary>
    private static async Task WaitingAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (MatmulPrecisionGate.Waiting == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the tf32 run never reached the gate");
            await Task.Delay(10);
        }
    }
}

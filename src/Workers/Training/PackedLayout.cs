using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// Where K models' parameters lie in one flat buffer (<see cref="MixedPrecision"/>): parameter after parameter, each
/// stacked parameter (K, ...) contiguous, so a batched GEMM reads it as it is and backward writes its gradient in
/// place (a row-per-model layout made every stacked weight strided along K: a copy per gradient, and about 10 % of a
/// packed step in the PyTorch mirror, bench/gpu/packed_mirror.py). Model k's part of a parameter is the k-th of its K
/// equal slices. With one model this is the plain concatenation and every operation is one kernel over the buffer.
/// </summary>
/// <param name="sizes">Each parameter's element count in one model, in buffer order.</param>
public sealed class PackedLayout(int models, IReadOnlyList<long> sizes)
{
    public int Models { get; } = models;

    /// <summary>Each model's sum of squares over the buffer: (K).</summary>
    public Tensor SquaresPerModel(Tensor buffer) => Models == 1
        ? buffer.square().sum().view(1)
        : stack(Slices(buffer).Select(s => s.square().sum(1))).sum(0L);   // 0L: a literal 0 would bind to sum(ScalarType)

    /// <summary>Multiplies model k's part of the buffer by scale[k]: scale is (K).</summary>
    public void ScalePerModel(Tensor buffer, Tensor scale)
    {
        if (Models == 1)
        {
            buffer.mul_(scale);
            return;
        }
        var column = scale.unsqueeze(1);
        foreach (var slice in Slices(buffer)) slice.mul_(column);
    }

    /// <summary>Model k's part of the buffer, as one model's own buffer would hold it (a copy).</summary>
    public Tensor Row(Tensor buffer, int k) => Models == 1 ? buffer.clone() : cat(Slices(buffer).Select(s => s[k]).ToList(), 0);

    /// <summary>Each parameter's part of the buffer as (K, n): a view.</summary>
    private IEnumerable<Tensor> Slices(Tensor buffer)
    {
        long offset = 0;
        foreach (var size in sizes)
        {
            yield return buffer.narrow(0, offset, Models * size).view(Models, size);
            offset += Models * size;
        }
    }
}

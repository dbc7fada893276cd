using TorchSharp;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Mixers;

/// <summary>
/// The recurrence behind linear attention, GLA and Mamba: a state S_t = diag(exp(g_t))·S_{t-1} + k_t v_tᵀ per head,
/// read as o_t = q_tᵀ S_t. Shapes: q, k (B, H, T, K); v (B, H, T, V); log-decay g absent (linear attention),
/// per channel (B, H, T, K) (GLA) or per head (B, H, T) (Mamba-2's scalar decay). Two forms:
/// <see cref="Recurrent"/> steps through time (the definition; O(T) sequential steps), and
/// <see cref="Chunked"/> is the parallel form used for training (Yang et al. 2023; Dao and Gu 2024):
/// exact attention-like products inside chunks of C tokens, the state carried between chunks.
/// </summary>
public static class LinearRecurrence
{
    /// <summary>The step-by-step definition; tests hold the chunked form to it.</summary>
    public static Tensor Recurrent(Tensor q, Tensor k, Tensor v, Tensor? logDecay)
    {
        using var scope = NewDisposeScope();
        var (b, h, t, kd) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3]);
        var state = zeros(b, h, kd, v.shape[3], dtype: float32, device: q.device);           // (B, H, K, V)
        var outputs = new List<Tensor>();
        for (var i = 0; i < t; i++)
        {
            if (logDecay is not null)
            {
                var g = logDecay.dim() == 3 ? logDecay[.., .., i].view(b, h, 1, 1) : logDecay[.., .., i].unsqueeze(-1);
                state = state * g.to(float32).exp();
            }
            state = state + k[.., .., i].to(float32).unsqueeze(-1) * v[.., .., i].to(float32).unsqueeze(-2);
            outputs.Add((q[.., .., i].to(float32).unsqueeze(-1) * state).sum(2));               // (B, H, V)
        }
        return stack(outputs, dim: 2).to(q.dtype).MoveToOuterDisposeScope();                 // (B, H, T, V)
    }

    /// <summary>
    /// The chunked parallel form; equal to <see cref="Recurrent"/> up to rounding. CUDA tensors take the native
    /// library's version of the same algorithm when it is loaded (tests/gpu/native_ops.py holds it to the definition).
    /// </summary>
    public static Tensor Chunked(Tensor q, Tensor k, Tensor v, Tensor? logDecay, int chunk)
    {
        if (Native.NativeOps.Available && q.device_type == DeviceType.CUDA) return Native.NativeOps.ChunkedRecurrence(q, k, v, logDecay, chunk);
        using var scope = NewDisposeScope();
        var (b, h, t) = (q.shape[0], q.shape[1], q.shape[2]);
        var c = Math.Min(chunk, t);
        var n = (t + c - 1) / c;
        var pad = n * c - t;
        // Padding adds zero keys and values after the sequence: they change no real position's output.
        Tensor Blocks(Tensor z) => nn.functional.pad(z, [0, 0, 0, pad]).view(b, h, n, c, z.shape[3]);   // (B, H, n, C, ·)
        var (qc, kc, vc) = (Blocks(q), Blocks(k), Blocks(v));
        var y = logDecay switch
        {
            null => NoDecay(qc, kc, vc),
            { } g when g.dim() == 3 => ScalarDecay(qc, kc, vc, nn.functional.pad(g.to(float32), [0, pad]).view(b, h, n, c)),
            { } g => VectorDecay(qc, kc, vc, Blocks(g.to(float32))),
        };
        return y.view(b, h, n * c, -1)[.., .., ..(int)t].MoveToOuterDisposeScope();          // (B, H, T, V)
    }

    /// <summary>Linear attention: the states entering each chunk are an exclusive prefix sum of the chunks' k·vᵀ.</summary>
    private static Tensor NoDecay(Tensor q, Tensor k, Tensor v)
    {
        var intra = (q.matmul(k.transpose(-1, -2)) * CausalMask(q)).matmul(v);                 // (B, H, n, C, V)
        var update = k.transpose(-1, -2).matmul(v);                                           // (B, H, n, K, V)
        var entering = update.cumsum(2) - update;                                              // exclusive prefix sum over chunks
        return intra + q.matmul(entering);
    }

    /// <summary>
    /// GLA's per-channel decay. Inside a chunk, b = cumulative log-decay; q·exp(b − r) and k·exp(r − b), with r the
    /// chunk's middle, make exp(b_t − b_s) a product of two factors that stay within range as long as a chunk spans at
    /// most ~170 nats (GLA clamps its gate for that); pairs with s &gt; t, whose product may overflow, are masked out
    /// rather than multiplied by 0. The states entering the chunks come from the chunks' own updates through one
    /// (n x n) decay matrix per channel, with exponents ≤ 0: no loop over chunks.
    /// </summary>
    private static Tensor VectorDecay(Tensor q, Tensor k, Tensor v, Tensor g)
    {
        var c = q.shape[^2];
        var cumulative = g.cumsum(3);                                                          // (B, H, n, C, K) fp32
        var reference = cumulative[.., .., .., (int)(c / 2)].unsqueeze(3);
        var qDecayed = (q.to(float32) * (cumulative - reference).exp()).to(q.dtype);
        var kGrown = (k.to(float32) * (reference - cumulative).exp()).to(k.dtype);
        var future = ones(c, c, dtype: @bool, device: q.device).triu(1);
        var intra = qDecayed.matmul(kGrown.transpose(-1, -2)).masked_fill(future, 0).matmul(v);  // (B, H, n, C, V)
        var last = cumulative[.., .., .., -1];                                                 // (B, H, n, K): each chunk's total
        var kToEnd = (k.to(float32) * (last.unsqueeze(3) - cumulative).exp()).to(k.dtype);
        var update = kToEnd.transpose(-1, -2).matmul(v).to(float32);                           // (B, H, n, K, V)
        var total = last.cumsum(2);                                                            // (B, H, n, K): start → end of chunk
        var across = SegmentDecay((total - last).transpose(2, 3), total.transpose(2, 3), strict: true); // (B, H, K, n, n)
        var entering = across.matmul(update.transpose(2, 3)).transpose(2, 3);                  // (B, H, n, K, V)
        var qFromStart = (q.to(float32) * cumulative.exp()).to(q.dtype);
        return intra + qFromStart.matmul(entering.to(q.dtype));
    }

    /// <summary>
    /// Mamba-2's scalar decay per head (the SSD algorithm): exp of segment sums is stable because every exponent is
    /// ≤ 0, and the states entering the chunks follow from the chunks' own states by one (n x n) decay matrix.
    /// </summary>
    private static Tensor ScalarDecay(Tensor q, Tensor k, Tensor v, Tensor g)
    {
        var cumulative = g.cumsum(3);                                                          // (B, H, n, C) fp32
        var decay = SegmentDecay(cumulative, cumulative, strict: false);                       // (B, H, n, C, C): exp(b_t − b_s), s ≤ t
        var intra = (q.matmul(k.transpose(-1, -2)) * decay.to(q.dtype)).matmul(v);
        var last = cumulative[.., .., .., -1];                                                 // (B, H, n)
        var kToEnd = k * (last.unsqueeze(-1) - cumulative).exp().unsqueeze(-1).to(k.dtype);
        var update = kToEnd.transpose(-1, -2).matmul(v);                                       // (B, H, n, K, V)
        var total = last.cumsum(-1);                                                           // (B, H, n): log-decay from the start to each chunk's end
        var across = SegmentDecay(total - last, total, strict: true);                          // (B, H, n, n): chunk m's state reaching chunk n
        var shape = update.shape;
        var entering = across.to(v.dtype).matmul(update.flatten(3)).view(shape);               // (B, H, n, K, V)
        var qFromStart = q * cumulative.exp().unsqueeze(-1).to(q.dtype);
        return intra + qFromStart.matmul(entering);
    }

    /// <summary>
    /// exp(rows_t − cols_s) where s ≤ t (strict: s &lt; t), 0 elsewhere. The callers' exponents are ≤ 0 wherever they are
    /// kept, and the rest is masked before exp, so nothing overflows.
    /// </summary>
    private static Tensor SegmentDecay(Tensor rows, Tensor cols, bool strict)
    {
        var l = cols.shape[^1];
        var exponent = rows.unsqueeze(-1) - cols.unsqueeze(-2);                                // (…, L, L)
        var keep = ones(l, l, dtype: @bool, device: cols.device).tril(strict ? -1 : 0);
        return exponent.masked_fill(keep.logical_not(), double.NegativeInfinity).exp();
    }

    /// <summary>(C, C) lower-triangular ones in q's dtype, C = q's chunk length.</summary>
    private static Tensor CausalMask(Tensor q) => ones(q.shape[^2], q.shape[^2], dtype: q.dtype, device: q.device).tril();
}

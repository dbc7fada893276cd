using ScaleLab.Workers.Training.Mixers;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Tests;

/// <summary>RoPE from its cached tables: the closed form, and the property it exists for (scores depend on relative position only).</summary>
public class RotaryEmbeddingTests
{
    [Fact]
    public void Rotation_matches_the_closed_form_at_every_position_and_plane_also_when_the_tables_are_reused()
    {
        manual_seed(5);
        var x = randn(2, 3, 7, 8);                                   // (B, H, T, hs)
        var first = RotaryEmbedding.Apply(x);
        var again = RotaryEmbedding.Apply(x);                        // the cached tables
        Assert.True(first.allclose(again, rtol: 0, atol: 0));
        var (input, output) = (x.data<float>().ToArray(), first.data<float>().ToArray());
        for (var t = 0; t < 7; t++)
            for (var i = 0; i < 4; i++)
            {
                var angle = t * Math.Pow(RotaryEmbedding.Base, -2.0 * i / 8);
                var at = (1 * 3 + 2) * 7 * 8 + t * 8;                   // batch 1, head 2
                var (x1, x2) = (input[at + i], input[at + i + 4]);
                Assert.Equal(x1 * Math.Cos(angle) - x2 * Math.Sin(angle), output[at + i], 5);
                Assert.Equal(x2 * Math.Cos(angle) + x1 * Math.Sin(angle), output[at + i + 4], 5);
            }
    }

    [Fact]
    public void Query_key_products_depend_only_on_the_distance_between_positions()
    {
        manual_seed(6);
        var (q, k) = (randn(1, 1, 1, 16), randn(1, 1, 1, 16));
        double Score(int tq, int tk)
        {
            // The same vector at every position, rotated for its own position.
            var rq = RotaryEmbedding.Apply(q.expand(1, 1, 12, 16).contiguous())[0, 0, tq];
            var rk = RotaryEmbedding.Apply(k.expand(1, 1, 12, 16).contiguous())[0, 0, tk];
            return rq.dot(rk).item<float>();
        }
        Assert.Equal(Score(5, 2), Score(9, 6), 4);
        Assert.Equal(Score(3, 3), Score(11, 11), 4);
        Assert.NotEqual(Score(5, 2), Score(5, 4), 2);
    }
}

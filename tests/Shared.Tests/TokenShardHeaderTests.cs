using ScaleLab.Datasets;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

public class TokenShardHeaderTests
{
    [Theory]
    [InlineData(2, 20240520)]
    [InlineData(4, 20240801)]
    public void A_written_header_parses_back_with_llm_c_magic(int width, int magic)
    {
        var header = TokenShardHeader.Write(1000, width);
        Assert.Equal(magic, BitConverter.ToInt32(header, 0));
        Assert.True(TokenShardHeader.HasMagic(header));
        Assert.Equal((width, 1000L, (string?)null), TokenShardHeader.Parse(header, TokenShardHeader.Bytes + 1000L * width));
    }

    [Fact]
    public void A_size_that_disagrees_with_the_header_or_an_unknown_version_is_named()
    {
        var header = TokenShardHeader.Write(1000, 2);
        Assert.Contains("declares 1000 tokens of 2 bytes, but holds 1999 bytes", TokenShardHeader.Parse(header, TokenShardHeader.Bytes + 1999).Error);
        BitConverter.GetBytes(3).CopyTo(header, 4);
        Assert.Contains("version 3", TokenShardHeader.Parse(header, TokenShardHeader.Bytes + 2000).Error);
        Assert.Contains("shorter", TokenShardHeader.Parse(header.AsSpan(0, 100), 100).Error);
    }

    [Fact]
    public void A_data_set_block_is_checked_field_by_field()
    {
        var errors = new ValidationErrors();
        DatasetSpecValidator.Validate(new DatasetSpec { Source = "", Format = "csv", Tokenizer = "llama", ValidationFraction = 0.9, TokenBytes = 3 }, errors, "dataset.");
        var byField = errors.ToDictionary();
        Assert.Equal(["dataset.format", "dataset.source", "dataset.tokenBytes", "dataset.tokenizer", "dataset.validationFraction"], byField.Keys.Order());

        errors = new ValidationErrors();
        DatasetSpecValidator.Validate(new DatasetSpec { Source = "data/shards", Format = "bin", Tokenizer = "o200k" }, errors, "");
        Assert.Contains("must be an absolute path", errors.ToDictionary()["source"][0]);

        errors = new ValidationErrors();
        DatasetSpecValidator.Validate(new DatasetSpec { Source = "/data/x.jsonl", Format = "jsonl", Tokenizer = "cl100k" }, errors, "");
        Assert.True(errors.IsEmpty);
    }
}

using ScaleLab.Scaling;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

public class ScalingCsvTests
{
    [Fact]
    public void Reads_points_with_optional_columns_in_any_order_and_case()
    {
        const string csv = "Loss,N,D,group,FLOPS\n3.1,1e7,2e8,softmax,1.2e16\n2.9, 20000000 ,4e8,gla,\n";
        var errors = new ValidationErrors();

        var points = ScalingCsv.Read(new StringReader(csv), errors);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(new ScalingPoint(1e7, 2e8, 3.1, 1.2e16, "softmax"), points[0]);
        Assert.Equal(new ScalingPoint(2e7, 4e8, 2.9, null, "gla"), points[1]);
        Assert.Equal(6 * 2e7 * 4e8, points[1].Compute);
    }

    [Theory]
    [InlineData("n,d\n1,2\n", "csv")]
    [InlineData("", "csv")]
    [InlineData("n,d,loss\n1e7,2e8,abc\n", "row 2, column loss")]
    [InlineData("n,d,loss\n1e7,2e8,3\n1e8,,2\n", "row 3, column d")]
    [InlineData("n,d,loss\n1e7,2e8,NaN\n", "row 2, column loss")]
    [InlineData("n,d,loss\n\" OR 1=1 --,1,2\n", "csv")]
    public void Bad_csv_is_refused_naming_row_and_column(string csv, string field)
    {
        var errors = new ValidationErrors();

        ScalingCsv.Read(new StringReader(csv), errors);

        Assert.Contains(field, errors.ToDictionary().Keys);
    }
}

using Bunit;
using ScaleLab.Dashboard.Components.Shared;

namespace ScaleLab.Dashboard.Tests;

/// <summary>Cancel and Delete ask before they act.</summary>
public class ConfirmButtonTests : BunitContext
{
    [Fact]
    public void The_first_click_asks_and_only_yes_acts()
    {
        var acted = 0;
        var button = Render<ConfirmButton>(p => p.Add(c => c.Id, "cancel-sweep").Add(c => c.Label, "Cancel sweep")
            .Add(c => c.Question, "Stop its runs?").Add(c => c.OnConfirmed, () => acted++));

        button.Find("#cancel-sweep").Click();
        Assert.Equal(0, acted);
        Assert.Contains("Stop its runs?", button.Find("#cancel-sweep-confirm").TextContent);

        button.Find("#cancel-sweep-no").Click();   // changed their mind: back to the one button, nothing done
        Assert.Equal(0, acted);
        Assert.Empty(button.FindAll("#cancel-sweep-confirm"));

        button.Find("#cancel-sweep").Click();
        button.Find("#cancel-sweep-yes").Click();
        Assert.Equal(1, acted);
        Assert.Empty(button.FindAll("#cancel-sweep-confirm"));
    }
}

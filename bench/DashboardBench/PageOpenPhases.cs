namespace ScaleLab.Bench;

/// <summary>
/// Where a page open's time goes, from the page's own clock (ms since the request): the prerendered HTML received, the
/// Blazor circuit interactive (MainLayout's #interactive), Plotly loaded, the curves handed to Plotly, Plotly done
/// drawing them. Recorded by a script that runs before the page's own, so it reads any version of the dashboard.
/// </summary>
public static class PageOpenPhases
{
    public static readonly string[] Names =
        ["HTML received (ms)", "circuit interactive (ms)", "Plotly loaded (ms)", "curves handed to Plotly (ms)", "Plotly done (ms)", "Plotly drawing (ms)"];

    /// <summary>Marks the first time each phase is reached; Plotly's draw calls are wrapped as the bundle defines them.</summary>
    public const string Script = """
        window.__phases = {};
        const mark = name => window.__phases[name] ??= performance.now();
        new MutationObserver((_, observer) => { if (document.getElementById('interactive')) { mark('interactive'); observer.disconnect(); } })
          .observe(document, { childList: true, subtree: true });
        let plotly;
        Object.defineProperty(window, 'Plotly', { configurable: true, get: () => plotly, set: value => {
          plotly = value;
          mark('plotly');
          for (const name of ['newPlot', 'react']) {
            const draw = value[name];
            value[name] = async function (...args) {
              if (args[1]?.length) mark('handed');
              const result = await draw.apply(this, args);
              if (args[1]?.length) mark('drawn');
              return result;
            };
          }
        } });
        """;

    public const string Read = """
        (() => { const p = window.__phases; const nav = performance.getEntriesByType('navigation')[0];
                 return [nav.responseEnd, p.interactive, p.plotly, p.handed, p.drawn].map(v => v ?? NaN); })()
        """;

    /// <summary>The median of each phase over the opens, and of the drawing time (drawn − handed).</summary>
    public static IEnumerable<string> Medians(List<double[]> opens) =>
        Enumerable.Range(0, 5).Select(i => opens.Select(o => o[i]))
            .Append(opens.Select(o => o[4] - o[3]))
            .Select(values => values.Order().ElementAt(opens.Count / 2).ToString("F0"));
}

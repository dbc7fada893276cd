// Draws the dashboard's Plotly charts (PlotlyFigure.razor): one call per figure, its traces, layout and config together.
//
// Plotly is loaded here, as the page loads, not when a chart first renders: the page then parses it while its Blazor
// circuit connects and reads its data, instead of after (docs/benchmarks.md, the 1,000-run sweep page). It is Plotly's
// basic bundle (scatter, fills, log axes, image export: every chart the dashboard draws as SVG), 1.1 MB against 4.9 MB
// for the full one, which took seconds to parse on the project's 2-core machine. The full bundle, for WebGL traces, is
// loaded only for a figure that has one.
(() => {
  const script = document.currentScript;
  const load = src => new Promise((resolve, reject) => {
    const element = Object.assign(document.createElement('script'), { src, async: true });
    element.onload = resolve;
    element.onerror = () => reject(new Error('could not load ' + src));
    document.head.appendChild(element);
  });
  const basic = load(script.dataset.plotly);
  let full = null;
  const plotly = webGl => webGl ? (full ??= basic.then(() => load(script.dataset.plotlyWebgl))) : (full ?? basic);

  // Figures drawn and still to be purged once their element leaves the page (Plotly keeps a resize handler for each).
  const drawn = new Set();
  const release = () => {
    for (const gd of drawn) if (!gd.isConnected) { gd.scalelabPlotly.purge(gd); drawn.delete(gd); }
  };

  const draw = async (gd, figure, clicks) => {
    await plotly(figure.data.some(t => t.type.endsWith('gl')));
    // A figure drawn by the basic bundle before the full one replaced it is drawn afresh by the full one.
    if (gd.scalelabPlotly && gd.scalelabPlotly !== window.Plotly) {
      gd.scalelabPlotly.purge(gd);
      gd.scalelabClicks = false;
    }
    await window.Plotly.react(gd, figure.data, figure.layout, figure.config);
    gd.scalelabPlotly = window.Plotly;
    drawn.add(gd);
    if (clicks && !gd.scalelabClicks) {
      gd.scalelabClicks = true;
      gd.on('plotly_click', e => clicks.invokeMethodAsync('Clicked', e.points.map(p => ({ curveNumber: p.curveNumber, pointNumber: p.pointNumber }))));
    }
  };

  window.scalelabCharts = {
    // Draws (or redraws, keeping zoom) the figure in the element; `clicks` (a .NET object) hears of clicked points.
    // Draws of one element run in the order they were asked for.
    draw(gd, figure, clicks) {
      release();
      if (!gd) return;   // the chart left the page before it was drawn
      gd.scalelabQueue = (gd.scalelabQueue ?? Promise.resolve()).catch(() => {}).then(() => draw(gd, figure, clicks));
      return gd.scalelabQueue;
    },
    release,
  };
})();

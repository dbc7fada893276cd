// Small browser helpers the Blazor components call through JS interop.
window.scalelab = {
  // Saves text (a chart's CSV) as a file without a server round trip.
  downloadText(fileName, text, mimeType) {
    this.downloadBlob(fileName, new Blob([text], { type: mimeType }));
  },
  downloadBlob(fileName, blob) {
    const url = URL.createObjectURL(blob);
    const a = Object.assign(document.createElement('a'), { href: url, download: fileName });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  },
  // Saves the Plotly chart in element `id` as an image: "png", or "svg" (vector, for papers), as drawn, caption included.
  downloadPlot(id, format, width, height) {
    return window.Plotly.downloadImage(document.getElementById(id), { format, width, height, filename: id });
  },
  // Saves the chart as a vector PDF: Plotly's SVG of it, as the SVG button saves it, converted by the dashboard's
  // server (browsers write no PDF). A refusal throws with the server's reasons, for the chart to show.
  async downloadPdf(id, width, height) {
    const svg = await window.Plotly.toImage(document.getElementById(id), { format: 'svg', width, height, imageDataOnly: true });
    const response = await fetch(new URL('figures/pdf?name=' + encodeURIComponent(id), document.baseURI),
      { method: 'POST', headers: { 'Content-Type': 'image/svg+xml' }, body: svg });
    if (!response.ok) {
      const problem = await response.json().catch(() => null);
      const reasons = problem && problem.errors ? Object.entries(problem.errors).map(([field, messages]) => field + ' ' + messages.join(', ')) : [];
      throw new Error(reasons.length > 0 ? reasons.join('; ') : 'the server answered ' + response.status);
    }
    this.downloadBlob(id + '.pdf', await response.blob());
  },
};

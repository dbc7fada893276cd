// Small browser helpers the Blazor components call through JS interop.
window.scalelab = {
  // Saves text (a chart's CSV) as a file without a server round trip.
  downloadText(fileName, text, mimeType) {
    const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
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
};

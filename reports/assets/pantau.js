/* Draws every chart of a page from its JSON (<script type="application/json">) with the shared,
   local plotly.min.js. Nothing is fetched from the network. */
(function () {
  "use strict";
  var config = {displayModeBar: false, responsive: true, scrollZoom: false, doubleClick: false};
  function draw() {
    var plots = document.querySelectorAll("[data-figure]");
    for (var i = 0; i < plots.length; i++) {
      var div = plots[i];
      var spec = JSON.parse(document.getElementById(div.getAttribute("data-figure")).textContent);
      window.Plotly.newPlot(div, spec.data, spec.layout, config);
    }
  }
  function resizeAll() {
    var plots = document.querySelectorAll("[data-figure]");
    for (var i = 0; i < plots.length; i++) {
      if (plots[i].data) { window.Plotly.Plots.resize(plots[i]); }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();

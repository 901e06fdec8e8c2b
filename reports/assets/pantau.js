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
  /* Previous/next period from the one catalog ../periods.js (window.PANTAU_PERIODS, oldest first):
     the same page in the neighbouring period where it exists, else that period's Ringkasan. */
  function periodLinks() {
    var nav = document.querySelector("nav.periode-nav");
    var periods = window.PANTAU_PERIODS;
    if (!nav || !periods) { return; }
    var current = nav.getAttribute("data-periode"), page = nav.getAttribute("data-halaman");
    var at = -1;
    for (var i = 0; i < periods.length; i++) { if (periods[i].period === current) { at = i; } }
    if (at < 0) { return; }
    function fill(cls, entry, text) {
      var a = nav.querySelector(cls);
      if (!a || !entry) { return; }
      var target = entry.pages.indexOf(page) >= 0 ? page : "index.html";
      a.setAttribute("href", "../" + entry.period + "/" + target);
      a.textContent = text.replace("{}", entry.label);
      a.removeAttribute("hidden");
    }
    fill(".periode-sebelum", periods[at - 1], "\u2039 {}");
    fill(".periode-sesudah", periods[at + 1], "{} \u203a");
  }
  function start() {
    periodLinks();
    draw();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();

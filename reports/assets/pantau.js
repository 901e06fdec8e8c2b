/* Draws every chart of a page from its JSON (<script type="application/json">) with the shared,
   local plotly.min.js. Nothing is fetched from the network.

   The charts fill their box at any width: plotly's `responsive` redraws them when the window changes;
   on a narrow box (a phone) the month axis shows every second month and the legend sits below the
   plot. Before printing, each chart is redrawn at the paper's content width (--lebar-cetak in
   pantau.css) and given back its screen width afterwards. */
(function () {
  "use strict";
  var config = {displayModeBar: false, responsive: true, scrollZoom: false, doubleClick: false};
  var NARROW = 420;          // px: below this a chart box is a phone's

  function plots() { return document.querySelectorAll("[data-figure]"); }

  function printWidth() {
    var value = getComputedStyle(document.documentElement).getPropertyValue("--lebar-cetak");
    return parseFloat(value) || 680;
  }

  // the layout for a box of `width` px: the figure's own, thinned month ticks and the legend below
  // when narrow; `width` null means "fill the box" (autosize)
  function layoutFor(spec, width, boxWidth) {
    var layout = JSON.parse(JSON.stringify(spec.layout));
    layout.autosize = true;
    if (width) { layout.width = width; }
    var narrow = (width || boxWidth) < NARROW;
    var x = layout.xaxis || {};
    if (narrow && x.tickmode === "array" && x.tickvals && x.tickvals.length > 6) {
      var keep = [], text = [];
      for (var i = 0; i < x.tickvals.length; i++) {
        // every second month, counted back from the last one (the period of the report)
        if ((x.tickvals.length - 1 - i) % 2 === 0) {
          keep.push(x.tickvals[i]);
          text.push(x.ticktext ? x.ticktext[i] : x.tickvals[i]);
        }
      }
      x.tickvals = keep;
      x.ticktext = text;
    }
    if (narrow && layout.legend && layout.legend.orientation === "v") {
      layout.legend = {orientation: "h", x: 0, y: -0.2, yanchor: "top", font: {size: 11}};
      if (layout.margin) { layout.margin.r = 16; }
    }
    if (narrow && layout.margin && layout.margin.l > 120) {
      layout.margin.l = 8;           // horizontal bars: the labels' own width (yaxis.automargin)
      if (layout.yaxis) { layout.yaxis.automargin = true; layout.yaxis.tickfont = {size: 11}; }
      if (layout.xaxis) { layout.xaxis.nticks = 4; }
    }
    var entries = spec.data.length;
    if (narrow && layout.showlegend !== false && entries > 3) {
      // the legend below, one entry a line: the chart grows by the legend's height instead of scrolling it
      layout.height = (layout.height || 300) + 20 * entries;
    }
    return layout;
  }

  function spec(div) {
    return JSON.parse(document.getElementById(div.getAttribute("data-figure")).textContent);
  }

  function draw() {
    var all = plots();
    for (var i = 0; i < all.length; i++) {
      var div = all[i];
      var s = spec(div);
      div.setAttribute("data-narrow", div.clientWidth < NARROW ? "1" : "0");
      var layout = layoutFor(s, null, div.clientWidth);
      div.style.height = layout.height + "px";
      window.Plotly.newPlot(div, s.data, layout, config);
    }
  }

  function redraw(width) {
    var all = plots();
    for (var i = 0; i < all.length; i++) {
      var div = all[i];
      if (!div.data) { continue; }
      var s = spec(div);
      var narrow = (width || div.clientWidth) < NARROW ? "1" : "0";
      if (width || narrow !== div.getAttribute("data-narrow") || div.getAttribute("data-print") === "1") {
        div.setAttribute("data-narrow", narrow);
        div.setAttribute("data-print", width ? "1" : "0");
        var layout = layoutFor(s, width, div.clientWidth);
        div.style.height = layout.height + "px";
        window.Plotly.react(div, div.data, layout, config);
      }
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

  var timer = null;
  function onResize() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { redraw(null); }, 150);
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
  window.addEventListener("resize", onResize);
  window.addEventListener("beforeprint", function () { redraw(printWidth()); });
  window.addEventListener("afterprint", function () { redraw(null); });
  window.pantauPrint = function () { redraw(printWidth()); };
})();

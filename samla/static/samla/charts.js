// Charts for the survey results, drawn with ECharts. The CSP forbids inline script, so each
// chart's data sits in <script type="application/json" id="…"> and its container says
// which: <div data-chart="…" role="img" aria-label="…">. The table after every chart holds
// the same figures; the chart is a picture of it.
(function () {
  "use strict";
  var charts = [];
  var language = document.documentElement.lang || "nb";
  var locale = language.indexOf("en") === 0 ? "en-GB" : "nb-NO";

  function formatNumber(value, unit) {
    if (value === null || value === undefined || value === "-") { return "–"; }
    var text = Number(value).toLocaleString(locale, {maximumFractionDigits: 2});
    return unit ? text + "\u00a0" + unit : text;
  }

  function option(spec) {
    var stacked = spec.kind === "stacked";
    var rows = spec.categories.length;
    var perRow = stacked ? 1 : spec.series.length;
    return {
      height: Math.max(160, rows * (perRow * 14 + 18) + 90),
      option: {
        aria: {enabled: false}, // the container has the label; the table has the figures
        animation: false,
        textStyle: {fontFamily: "inherit"},
        tooltip: {
          trigger: "axis",
          axisPointer: {type: "shadow"},
          valueFormatter: function (value) { return formatNumber(value, spec.unit); },
          confine: true
        },
        legend: {top: 0, left: 0, type: "scroll", textStyle: {fontSize: 13}},
        grid: {left: 8, right: 48, top: 40, bottom: 8, containLabel: true},
        xAxis: {
          type: "value",
          min: 0,
          max: spec.max,
          axisLabel: {formatter: function (value) { return formatNumber(value, spec.unit); }}
        },
        yAxis: {
          type: "category",
          inverse: true,
          data: spec.categories,
          axisLabel: {width: 110, overflow: "truncate", fontSize: 13}
        },
        series: spec.series.map(function (series) {
          return {
            type: "bar",
            name: series.name,
            data: series.data,
            stack: stacked ? "total" : undefined,
            barMaxWidth: 24,
            emphasis: {focus: "series"}
          };
        })
      }
    };
  }

  function draw(element) {
    if (element.dataset.chartDrawn || typeof window.echarts === "undefined") { return; }
    var source = document.getElementById(element.dataset.chart);
    if (!source) { return; }
    var spec;
    try { spec = JSON.parse(source.textContent); } catch (error) { return; }
    if (!spec || !spec.categories || !spec.categories.length) { return; }
    var built = option(spec);
    if (spec.colours && spec.colours.length) { built.option.color = spec.colours; }
    element.style.height = built.height + "px";
    element.style.width = "100%";
    // A chart drawn for a wider window must never widen the page before it is redrawn.
    element.style.overflow = "hidden";
    var chart = window.echarts.init(element, null, {renderer: "canvas"});
    chart.setOption(built.option);
    element.dataset.chartDrawn = "true";
    charts.push(chart);
    if (typeof window.ResizeObserver === "function") {
      var lastWidth = element.clientWidth;
      new window.ResizeObserver(function () {
        if (element.clientWidth !== lastWidth && !chart.isDisposed()) {
          lastWidth = element.clientWidth;
          chart.resize();
        }
      }).observe(element);
    }
  }

  function drawAll(root) {
    var elements = (root || document).querySelectorAll("[data-chart]");
    for (var i = 0; i < elements.length; i++) { draw(elements[i]); }
  }

  var pending = null;
  window.addEventListener("resize", function () {
    if (typeof window.ResizeObserver === "function") { return; } // each chart watches itself
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(function () {
      charts = charts.filter(function (chart) { return !chart.isDisposed(); });
      charts.forEach(function (chart) {
        if (document.body.contains(chart.getDom())) { chart.resize(); } else { chart.dispose(); }
      });
    }, 150);
  });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
})();

// Business-case charts and the line form's progressive enhancement. No inline script: the
// chart data sits in <script type="application/json" id="…"> beside <div data-chart="…">,
// and every chart has a table with the same numbers next to it.
(function () {
  "use strict";
  var number = new Intl.NumberFormat("nb-NO", { maximumFractionDigits: 0 });
  var COLOURS = ["#1e5a8c", "#b35c00", "#2e7d32", "#8e24aa", "#c62828", "#00838f", "#5d4037"];

  function kroner(value) {
    return number.format(value) + " kr";
  }

  function short(value) {
    var abs = Math.abs(value);
    if (abs >= 1e9) { return number.format(value / 1e9) + " mrd"; }
    if (abs >= 1e6) { return number.format(value / 1e6) + " mill"; }
    if (abs >= 1e3) { return number.format(value / 1e3) + " k"; }
    return number.format(value);
  }

  function base(data) {
    return {
      animation: false,
      color: COLOURS,
      aria: { enabled: true },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: kroner },
      legend: { top: 0, type: "scroll" },
    };
  }

  function lines(data) {
    var option = base(data);
    option.xAxis = { type: "category", data: data.x, boundaryGap: false };
    option.yAxis = { type: "value", axisLabel: { formatter: short } };
    option.series = data.series.map(function (s) {
      return { name: s.name, type: "line", data: s.values, showSymbol: data.x.length < 30 };
    });
    return option;
  }

  function bars(data) {
    var option = base(data);
    option.tooltip.valueFormatter = null;
    option.xAxis = { type: "category", data: data.x.map(function (x) { return typeof x === "number" ? short(x) : x; }),
      axisLabel: { hideOverlap: true } };
    option.yAxis = { type: "value", axisLabel: { formatter: short } };
    option.series = data.series.map(function (s) {
      return { name: s.name, type: "bar", data: s.values };
    });
    option.legend.show = data.series.length > 1;
    return option;
  }

  function tornado(data) {
    // Each bar runs from the NPV at the line's low estimate to the NPV at its high one,
    // drawn as the change from the base NPV; the largest swing on top.
    var rows = data.bars.slice(0, 15).reverse();
    var option = base(data);
    option.tooltip = { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText",
      valueFormatter: kroner };
    option.legend.data = ["Lavt anslag", "Høyt anslag"];
    option.xAxis = { type: "value", name: "Endring i nåverdi", nameLocation: "middle", nameGap: 28,
      axisLabel: { formatter: short } };
    option.yAxis = { type: "category", data: rows.map(function (b) {
      return b.label.length > 28 ? b.label.slice(0, 27) + "…" : b.label;
    }) };
    option.series = [
      { name: "Lavt anslag", type: "bar", stack: "swing",
        data: rows.map(function (b) { return Math.round(b.low - data.base); }) },
      { name: "Høyt anslag", type: "bar", stack: "swing",
        data: rows.map(function (b) { return Math.round(b.high - data.base); }) },
    ];
    return option;
  }

  var KINDS = { lines: lines, bars: bars, tornado: tornado };
  var charts = [];

  function draw(element) {
    if (element.dataset.drawn || typeof window.echarts === "undefined") { return; }
    var source = document.getElementById(element.dataset.chart);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var make = KINDS[data.kind];
    if (!make) { return; }
    var rows = data.kind === "tornado" ? Math.min(data.bars.length, 15) : 0;
    element.style.width = "100%";
    element.style.height = Math.max(280, 60 + rows * 28) + "px";
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(make(data));
    element.dataset.drawn = "true";
    charts.push(chart);
  }

  function drawAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("[data-chart]"), draw);
  }

  // The line form: show the amount fields the chosen distribution uses.
  var FIELDS = {
    point: ["amount"],
    triangular: ["low", "amount", "high"],
    pert: ["low", "amount", "high"],
    uniform: ["low", "high"],
    normal: ["amount", "spread"],
  };

  function enhanceLineForm(form) {
    var select = form.querySelector("select[name=distribution]");
    if (!select) { return; }
    function update() {
      var wanted = FIELDS[select.value] || ["amount", "low", "high", "spread"];
      ["amount", "low", "high", "spread"].forEach(function (name) {
        var input = form.querySelector("[name=" + name + "]");
        var field = input && input.closest(".samla-field");
        if (!field) { return; }
        var show = wanted.indexOf(name) >= 0 || input.getAttribute("aria-invalid") === "true";
        field.hidden = !show;
      });
    }
    select.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawAll(document);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-line-form]"), enhanceLineForm);
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  });
  // The Monte Carlo section is swapped in by htmx when the background run is done.
  document.addEventListener("htmx:afterSettle", function () {
    drawAll(document);
  });
})();

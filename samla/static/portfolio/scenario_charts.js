// Scenario charts: budget use per year (bars), value against cost with risk as bubble size
// (also on the ranked list of proposals),
// and the efficient frontier (line). No inline script: the data sits in
// <script type="application/json" id="…"> beside <div data-scenario-chart="…">, and every
// chart has a table with the same numbers next to it.
(function () {
  "use strict";
  var number = new Intl.NumberFormat("nb-NO", { maximumFractionDigits: 1 });
  var COLOURS = ["#1e5a8c", "#b35c00", "#2e7d32", "#8e24aa", "#c62828"];

  function short(value) {
    var abs = Math.abs(value);
    if (abs >= 1e9) { return number.format(value / 1e9) + " mrd"; }
    if (abs >= 1e6) { return number.format(value / 1e6) + " mill"; }
    if (abs >= 1e3) { return number.format(value / 1e3) + " k"; }
    return number.format(value);
  }

  function kroner(value) {
    return number.format(Math.round(value)) + " kr";
  }

  function base() {
    return {
      animation: false,
      color: COLOURS,
      aria: { enabled: true },
      grid: { left: 8, right: 24, top: 40, bottom: 32, containLabel: true },
      legend: { top: 0 },
    };
  }

  function budget(data) {
    var option = base();
    option.tooltip = { trigger: "axis", renderMode: "richText", valueFormatter: kroner };
    option.xAxis = { type: "category", data: data.x };
    option.yAxis = { type: "value", axisLabel: { formatter: short } };
    option.series = data.series.map(function (s) { return { name: s.name, type: "bar", data: s.values }; });
    return option;
  }

  function bubble(data) {
    var option = base();
    function points(chosen) {
      return data.points.filter(function (p) { return p.chosen === chosen; }).map(function (p) {
        return { name: p.name, value: [p.cost, p.value, p.risk] };
      });
    }
    option.tooltip = {
      trigger: "item", renderMode: "richText",
      formatter: function (item) {
        return item.name + "\n" + kroner(item.value[0]) + " · " + number.format(item.value[1]) + " · risiko " + item.value[2];
      },
    };
    option.xAxis = { type: "value", name: data.x, nameLocation: "middle", nameGap: 28, axisLabel: { formatter: short } };
    option.yAxis = { type: "value", name: data.y, nameTextStyle: { align: "left" } };
    function size(value) { return 8 + value[2] * 6; }
    option.series = [{ name: data.chosen, type: "scatter", data: points(true), symbolSize: size }];
    if (data.left) {  // the ranked list has no «left out»: one series only
      option.series.push({ name: data.left, type: "scatter", data: points(false), symbolSize: size, itemStyle: { opacity: 0.6 } });
    } else {
      option.legend.show = false;
    }
    return option;
  }

  function frontier(data) {
    var option = base();
    option.tooltip = { trigger: "axis", renderMode: "richText" };
    option.xAxis = { type: "value", name: data.x, nameLocation: "middle", nameGap: 28, axisLabel: { formatter: short }, scale: true };
    option.yAxis = { type: "value", name: data.y, scale: true, nameTextStyle: { align: "left" } };
    var series = { name: data.y, type: "line", data: data.points, step: false };
    if (data.current) {
      series.markLine = { symbol: "none", data: [{ xAxis: data.current }], label: { formatter: "" } };
    }
    option.series = [series];
    option.legend.show = false;
    return option;
  }

  var KINDS = { budget: budget, bubble: bubble, frontier: frontier };
  var charts = [];

  function draw(element) {
    if (element.dataset.drawn || typeof window.echarts === "undefined") { return; }
    var source = document.getElementById(element.dataset.scenarioChart);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var make = KINDS[data.kind];
    if (!make) { return; }
    element.style.width = "100%";
    element.style.height = (data.kind === "bubble" ? 380 : 300) + "px";
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(make(data));
    element.dataset.drawn = "true";
    charts.push(chart);
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-scenario-chart]"), draw);
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  });
})();

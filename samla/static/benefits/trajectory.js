// Trajectory charts on a benefit's page: for each <div data-trajectory="id">, the JSON in
// <script type="application/json" id="id"> holds the planned trajectory (baseline,
// intermediate targets, target) and the measurements as [ISO date, value] pairs. The table
// after the chart holds the same numbers. No inline script (CSP).
(function () {
  "use strict";
  var number = new Intl.NumberFormat("nb-NO", { maximumFractionDigits: 2 });
  var dateFormat = new Intl.DateTimeFormat("nb-NO", { day: "2-digit", month: "2-digit", year: "numeric" });
  var monthFormat = new Intl.DateTimeFormat("nb-NO", { month: "short" });

  function axisDate(value) {
    var day = new Date(value);
    return day.getMonth() === 0 && day.getDate() === 1 ? String(day.getFullYear()) : monthFormat.format(day);
  }

  function option(data) {
    var unit = data.unit ? " " + data.unit : "";
    return {
      animation: false,
      aria: { enabled: true },
      color: ["#1e5a8c", "#b35c00"],
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: {
        trigger: "item",
        renderMode: "richText",
        formatter: function (p) {
          return p.seriesName + "\n" + dateFormat.format(new Date(p.value[0])) + ": " + number.format(p.value[1]) + unit;
        },
      },
      xAxis: { type: "time", axisLabel: { hideOverlap: true, formatter: axisDate } },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: function (v) { return number.format(v); } } },
      series: [
        { name: data.planned_label, type: "line", data: data.planned, symbol: "circle", lineStyle: { type: "dashed" } },
        { name: data.measured_label, type: "line", data: data.measured, symbol: "diamond", symbolSize: 9 },
      ],
    };
  }

  var charts = [];

  function draw(element) {
    if (element.dataset.drawn || typeof window.echarts === "undefined") { return; }
    var source = document.getElementById(element.dataset.trajectory);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    element.style.width = "100%";
    element.style.height = "280px";
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option(data));
    element.dataset.drawn = "true";
    charts.push(chart);
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-trajectory]"), draw);
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();

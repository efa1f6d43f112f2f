/* Supervision chart: progressive enhancement of the table beside it (the page works without JS). */
(function () {
  "use strict";
  var holder = document.getElementById("chart");
  var source = document.getElementById("chart-data");
  if (!holder || !source || typeof window.echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  holder.hidden = false;
  var chart = window.echarts.init(holder, null, { renderer: "svg" });
  var names = Object.keys(data.series);
  chart.setOption({
    aria: { enabled: true },
    tooltip: { trigger: "axis" },
    legend: { data: names, show: names.length > 1 },
    grid: { left: 8, right: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: data.labels, inverse: true,
             axisLabel: { width: 160, overflow: "truncate" } },
    series: names.map(function (name) {
      return { name: name, type: "bar", data: data.series[name] };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());

// The collection rate by month, from the figures the summary page embeds (no requests of its own).
(function () {
  var el = document.getElementById("dues-chart");
  if (!window.echarts || !el) return;
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var chart = echarts.init(el);
  chart.setOption({
    grid: { containLabel: true, left: 10, right: 20, top: 25, bottom: 10 },
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "无" : v + "%"; } },
    xAxis: { type: "category", data: data.labels },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [{ type: "bar", data: data.rates, itemStyle: { color: "#b71c1c" }, label: { show: true, position: "top", formatter: "{c}%" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();

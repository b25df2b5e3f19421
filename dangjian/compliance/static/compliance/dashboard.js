// Charts of the town dashboard, drawn from the figures the page embeds (no requests of its own).
(function () {
  if (!window.echarts) return;
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  function bars(id, pairs, horizontal) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el);
    var names = pairs.map(function (p) { return p[0]; });
    var values = pairs.map(function (p) { return p[1]; });
    var category = { type: "category", data: names, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    // Horizontal bars carry their own value labels: the value axis would only crowd them.
    var value = { type: "value", min: 0, max: 100, axisLabel: { show: !horizontal, formatter: "{value}%" } };
    chart.setOption({
      // containLabel keeps the axis names inside; the right margin leaves room for the "100%" labels.
      grid: { containLabel: true, left: 10, right: horizontal ? 50 : 20, top: 25, bottom: 10 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "无" : v + "%"; } },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign(category, { inverse: true }) : value,
      series: [{ type: "bar", data: values, itemStyle: { color: "#b71c1c" }, label: { show: true, position: horizontal ? "right" : "top", formatter: "{c}%" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  bars("chart-months", data.months, false);
  bars("chart-rules", data.rules, false);
  bars("chart-ranking", data.ranking, true);
  bars("chart-bottom", data.bottom, true);
})();

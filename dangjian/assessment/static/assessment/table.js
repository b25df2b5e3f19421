// Charts of the town's assessment table, drawn from the figures the page embeds.
(function () {
  if (!window.echarts) return;
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  function draw(id, pairs, percent) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el);
    chart.setOption({
      grid: { containLabel: true, left: 10, right: 20, top: 25, bottom: 10 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: pairs.map(function (p) { return p[0]; }), axisLabel: { interval: 0, rotate: pairs.length > 5 ? 30 : 0 } },
      yAxis: percent ? { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } } : { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: pairs.map(function (p) { return p[1]; }), itemStyle: { color: "#b71c1c" }, label: { show: true, position: "top" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  draw("chart-distribution", data.distribution, false);
  draw("chart-areas", data.areas, true);
})();

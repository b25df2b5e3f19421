// Charts of the town dashboard, drawn from the figures the page embeds (no requests of its own).
(function () {
  if (!window.echarts) return;
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var labels = data.labels;
  var colours = { met: "#2e7d32", incomplete: "#e0a100", in_progress: "#9e9e9e", unmet: "#b71c1c" };
  function percent(v) { return v == null ? "无" : v + "%"; }
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) return;  // e.g. the ranking charts of a single branch are not on the page
    var chart = echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function bars(id, pairs, horizontal) {
    var category = { type: "category", data: pairs.map(function (p) { return p[0]; }), axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    // Horizontal bars carry their own value labels: the value axis would only crowd them.
    var value = { type: "value", min: 0, max: 100, axisLabel: { show: !horizontal, formatter: "{value}%" } };
    draw(id, {
      // containLabel keeps the axis names inside; the right margin leaves room for the "100%" labels.
      grid: { containLabel: true, left: 10, right: horizontal ? 50 : 20, top: 25, bottom: 10 },
      tooltip: { trigger: "axis", valueFormatter: percent },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign(category, { inverse: true }) : value,
      series: [{ type: "bar", data: pairs.map(function (p) { return p[1]; }), itemStyle: { color: "#b71c1c" }, label: { show: true, position: horizontal ? "right" : "top", formatter: "{c}%" } }]
    });
  }
  // Months over by the check date: the share met, and apart the share held with incomplete records.
  draw("chart-months", {
    grid: { containLabel: true, left: 10, right: 20, top: 35, bottom: 10 },
    legend: { top: 0 },
    tooltip: { trigger: "axis", valueFormatter: percent },
    xAxis: { type: "category", data: data.months.map(function (m) { return m[0]; }) },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: labels.met, type: "bar", stack: "s", data: data.months.map(function (m) { return m[1]; }), itemStyle: { color: colours.met } },
      { name: labels.incomplete, type: "bar", stack: "s", data: data.months.map(function (m) { return m[2]; }), itemStyle: { color: colours.incomplete } }
    ]
  });
  // Every rule with the share of each outcome, running periods included (yearly rules show as running).
  var order = ["met", "incomplete", "in_progress", "unmet"];
  draw("chart-rules", {
    grid: { containLabel: true, left: 10, right: 20, top: 35, bottom: 10 },
    legend: { top: 0 },
    tooltip: { trigger: "axis", valueFormatter: percent },
    xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", inverse: true, data: data.rules.map(function (r) { return r[0]; }) },
    series: order.map(function (status) {
      return { name: labels[status], type: "bar", stack: "s", itemStyle: { color: colours[status] }, data: data.rules.map(function (r) { return r[1][status]; }) };
    })
  });
  bars("chart-ranking", data.ranking, true);
  bars("chart-bottom", data.bottom, true);
})();

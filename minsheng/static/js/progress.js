/* Target chart for the leadership view (no inline script: CSP). Reads the JSON of
   progress:series-data from the element's data-series-url and draws it with the vendored ECharts:
   actual values (real/reported as filled diamonds, synthetic as hollow circles, source on hover),
   the trajectory from the baseline to the target, the target line and the forecast with its interval. */
(function () {
  "use strict";

  function fmt(x) {
    if (x === null || x === undefined || Number.isNaN(x)) { return "—"; }
    return Number(x).toLocaleString(undefined, { maximumFractionDigits: 2 });
  }

  function escapeHtml(text) {
    return String(text || "").replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  function pointItem(p, labels) {
    var real = p.source_kind === "real" || p.source_kind === "reported";
    return {
      value: [p.on, p.value],
      symbol: real ? "diamond" : "emptyCircle",
      symbolSize: real ? 11 : 7,
      source: p,
      sourceLabel: labels[p.source_kind] || p.source_kind
    };
  }

  function build(data) {
    var labels = data.labels;
    var unit = data.target.unit || "";
    var points = data.points.map(function (p) { return pointItem(p, labels); });
    var series = [{
      name: labels.actual,
      type: "line",
      data: points,
      lineStyle: { width: 2, color: "#1f6feb" },
      itemStyle: { color: "#1f6feb" },
      z: 5
    }];
    if (data.trajectory && data.trajectory.length) {
      series.push({
        name: labels.trajectory,
        type: "line",
        data: data.trajectory,
        symbol: "none",
        lineStyle: { type: "dashed", color: "#8b949e" },
        tooltip: { show: false }
      });
    }
    var target = data.target.target_value;
    if (target !== null && target !== undefined) {
      series[0].markLine = {
        symbol: "none",
        label: { formatter: labels.target + " " + fmt(target) + unit },
        lineStyle: { color: "#b3121b", type: "solid" },
        data: [{ yAxis: target }]
      };
    }
    var st = data.status || {};
    var fc = st.forecast;
    var last = data.points.length ? data.points[data.points.length - 1] : null;
    if (fc && last) {
      series.push({
        name: labels.band, type: "line", stack: "band", symbol: "none",
        data: [[last.on, last.value], [fc.on, fc.lower]],
        lineStyle: { opacity: 0 }, tooltip: { show: false }
      });
      series.push({
        name: labels.band, type: "line", stack: "band", symbol: "none",
        data: [[last.on, 0], [fc.on, fc.upper - fc.lower]],
        lineStyle: { opacity: 0 }, areaStyle: { color: "rgba(31,111,235,0.15)" }, tooltip: { show: false }
      });
      series.push({
        name: labels.forecast, type: "line", symbol: "circle",
        data: [[last.on, last.value], [fc.on, fc.value]],
        lineStyle: { type: "dotted", color: "#1f6feb" }, itemStyle: { color: "#1f6feb" }
      });
    }
    return {
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (item) {
          var d = item.data && item.data.source;
          if (d) {
            return escapeHtml(d.on) + "<br>" + escapeHtml(fmt(d.value)) + escapeHtml(unit) +
              "<br>" + escapeHtml(item.data.sourceLabel) +
              (d.source_ref ? "<br>" + escapeHtml(labels.source) + ": " + escapeHtml(d.source_ref) : "") +
              (d.source_note ? "<br><small>" + escapeHtml(d.source_note) + "</small>" : "");
          }
          var v = Array.isArray(item.value) ? item.value : [item.name, item.value];
          return escapeHtml(item.seriesName) + "<br>" + escapeHtml(v[0]) + ": " + escapeHtml(fmt(v[1]));
        }
      },
      legend: { top: 0, data: [labels.actual, labels.trajectory, labels.forecast] },
      grid: { left: 60, right: 30, top: 40, bottom: 40 },
      xAxis: { type: "time" },
      yAxis: { type: "value", scale: true, name: unit },
      series: series
    };
  }

  function draw(el) {
    var url = el.getAttribute("data-series-url");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var chart = window.echarts.init(el, null, { renderer: "canvas" });
        chart.setOption(build(data));
        el.setAttribute("data-drawn", "1");
        window.addEventListener("resize", function () { chart.resize(); });
      })
      .catch(function () { el.textContent = el.getAttribute("data-error") || "图表加载失败 · chart failed to load"; });
  }

  document.querySelectorAll("[data-series-url]").forEach(draw);
})();

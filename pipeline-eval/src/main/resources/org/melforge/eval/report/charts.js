// Renders every .chart container from its ECharts option in #report-charts, as SVG.
(function () {
  var options = JSON.parse(document.getElementById('report-charts').textContent);
  var rendered = [];
  document.querySelectorAll('.chart').forEach(function (container) {
    try {
      var chart = echarts.init(container, null, {renderer: 'svg'});
      chart.setOption(options[container.dataset.chart]);
      rendered.push(chart);
    } catch (error) {
      reportError(error);
    }
  });
  window.addEventListener('resize', function () {
    rendered.forEach(function (chart) { chart.resize(); });
  });
  document.body.dataset.charts = String(rendered.length);
})();

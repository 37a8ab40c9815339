/* The home page's charts (issue 14): reads the JSON block #grafik-veri that the server
   wrote and draws each figure with the bundled Chart.js in its <canvas data-grafik=id>.
   No inline script: a Content-Security-Policy may forbid them. */
(function () {
  "use strict";
  var COLORS = ["#337ab7", "#f0ad4e", "#5cb85c", "#d9534f", "#5bc0de", "#8e6bbf", "#777777", "#c7a252", "#2f4f4f"];

  function money(v) {
    return new Intl.NumberFormat("tr-TR", {minimumFractionDigits: 2, maximumFractionDigits: 2}).format(v) + " TL";
  }

  function number(v, places) {  // Turkish like the table beside the chart: "66,7", "1.250"
    return new Intl.NumberFormat("tr-TR", {minimumFractionDigits: places, maximumFractionDigits: places}).format(v);
  }

  function config(g) {
    var doughnut = g.tur === "doughnut";
    var series = g.cizilen ? g.seriler.slice(0, g.cizilen) : g.seriler;
    var datasets = series.map(function (s, i) {
      return {
        label: s.ad,
        data: s.veri,
        backgroundColor: doughnut ? g.etiketler.map(function (_, j) { return COLORS[j % COLORS.length]; })
                                  : COLORS[i % COLORS.length]
      };
    });
    var options = {
      responsive: true, maintainAspectRatio: false, animation: false, locale: "tr-TR",
      plugins: {
        legend: {display: doughnut || datasets.length > 1, position: doughnut ? "right" : "top"},
        tooltip: {callbacks: {label: function (ctx) {
          var v = ctx.parsed && typeof ctx.parsed === "object" ? ctx.parsed.y : ctx.parsed;
          return ctx.dataset.label + ": " + (g.birim === "TL" ? money(v)
            : number(v, g.birim === "%" || !Number.isInteger(v) ? 1 : 0) + (g.birim === "%" ? " %" : ""));
        }}}
      }
    };
    if (!doughnut) {
      options.scales = {y: {beginAtZero: true, max: g.birim === "%" ? 100 : undefined,
                            ticks: {precision: g.birim === "TL" || g.birim === "%" ? undefined : 0}}};
    }
    return {type: doughnut ? "doughnut" : "bar", data: {labels: g.etiketler, datasets: datasets}, options: options};
  }

  function draw() {
    var block = document.getElementById("grafik-veri");
    if (!block || typeof Chart === "undefined") {
      return;
    }
    var charts = JSON.parse(block.textContent);
    charts.forEach(function (g) {
      var canvas = document.querySelector('canvas[data-grafik="' + g.id + '"]');
      if (canvas && g.etiketler.length) {
        canvas.chart = new Chart(canvas, config(g));
        canvas.setAttribute("data-cizildi", "1");
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

// The charts of the statistics page, drawn with Chart.js from the figures the page
// carries in `data-stats` (the same figures as the table under them).
"use strict";

(function () {
  const root = document.getElementById("stats-charts");
  if (!root || typeof window.Chart === "undefined") {
    return;
  }
  const data = JSON.parse(root.dataset.stats || "{}");
  const t = (key) => (data.messages && data.messages[key]) || key;
  const Chart = window.Chart;
  // The page's own font stack, so that Hangul and Thai labels are drawn with the
  // fonts the rest of the page uses.
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  const palette = [
    "#1f5f8b", "#d9822b", "#2e8b57", "#b03a48", "#6a4c93",
    "#8c6d1f", "#3f8f9f", "#c05780", "#5b6770", "#9bbb59",
  ];
  const colour = (i) => palette[i % palette.length];

  // Cases per month.
  const series = data.series || [];
  new Chart(document.getElementById("chart-series"), {
    type: "line",
    data: {
      labels: series.map((c) => c.key[0]),
      datasets: [{
        label: t("stats.cases"),
        data: series.map((c) => c.cases),
        borderColor: colour(0),
        backgroundColor: colour(0),
        tension: 0.2,
      }],
    },
    options: { scales: { y: { beginAtZero: true } } },
  });

  // Kilograms by the first grouping, stacked by the second when there is one.
  const cells = data.cells || [];
  const xs = [...new Set(cells.map((c) => c.key[0]))];
  const stacks = data.dimensions > 1 ? [...new Set(cells.map((c) => c.key[1]))] : [null];
  const datasets = stacks.map((stack, i) => ({
    label: stack === null ? t("stats.kilograms") : stack,
    backgroundColor: colour(i),
    data: xs.map((x) => {
      const cell = cells.find((c) => c.key[0] === x && (stack === null || c.key[1] === stack));
      return cell ? cell.kilograms : 0;
    }),
  }));
  new Chart(document.getElementById("chart-stacked"), {
    type: "bar",
    data: { labels: xs, datasets },
    options: {
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: t("stats.kilograms") } } },
    },
  });

  // Shares of cases.
  for (const [id, shares] of [["chart-agencies", data.agencies || []], ["chart-regions", data.regions || []]]) {
    new Chart(document.getElementById(id), {
      type: "doughnut",
      data: {
        labels: shares.map((s) => s.key),
        datasets: [{
          label: t("stats.cases"),
          data: shares.map((s) => s.cases),
          backgroundColor: shares.map((_, i) => colour(i)),
        }],
      },
    });
  }
})();

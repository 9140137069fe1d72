/* rankday report: draws every [data-chart] element from the embedded JSON with uPlot.
 *
 * Contract with automated checks (crates/report/tests/browser.rs):
 *  - a chart drawn with data gets data-drawn="1" and data-rect="x,y,w,h" (its
 *    plot area in page pixels, rewritten just before ready);
 *  - errors are collected in window.__rankdayErrors and mirrored to
 *    <body data-errors>; <body data-page-height> is the document height;
 *  - <body data-ready="1"> is set last, once every chart has drawn (or failed).
 */
(function () {
  "use strict";
  var errors = window.__rankdayErrors;
  var body = document.body;
  var data = {};
  try {
    data = JSON.parse(document.getElementById("rankday-data").textContent) || {};
  } catch (e) {
    errors.push("report data: " + e.message);
  }

  var PALETTE = ["#1c5fd4", "#e8590c", "#2b8a3e", "#ae3ec9", "#d6336c", "#0c8599", "#f08c00", "#5f3dc4", "#c92a2a"];
  var BUY = "#2b8a3e", SELL = "#d62f2f", ACCENT = "#1c5fd4", REF = "#9aa3ad";
  var AXIS = { stroke: "#5d6670", font: "11px system-ui, sans-serif", grid: { stroke: "#eceef1", width: 1 }, ticks: { stroke: "#d9dde2", width: 1, size: 4 } };
  var DAY = 86400;

  function ts(s) { return Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10)) / 1000; }
  function isoDate(t) { return new Date(t * 1000).toISOString().slice(0, 10); }
  function fin(v) { return typeof v === "number" && isFinite(v); }
  function val(v) { return fin(v) ? v : null; }
  /* Log scales cannot show zero or negatives: those become gaps, not errors. */
  function pos(v) { return fin(v) && v > 0 ? v : null; }
  function minus(s) { return s.replace("-", "\u2212"); }
  function fmtNum(v, d) {
    if (!fin(v)) return "\u2014";
    return minus(v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }));
  }
  /* Twin of fmt::usd in Rust: $4.6B, $812M, -$1.2T. */
  function fmtUsd(v) {
    if (!fin(v)) return "\u2014";
    var a = Math.abs(v), sign = v < 0 ? "\u2212" : "";
    var units = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]];
    for (var i = 0; i < units.length; i++) {
      if (a >= units[i][0] * 0.9995) {
        var s = a / units[i][0];
        return sign + "$" + s.toFixed(s >= 99.95 ? 0 : 1) + units[i][1];
      }
    }
    return sign + "$" + a.toFixed(0);
  }
  function lastOf(a) {
    for (var i = (a ? a.length : 0) - 1; i >= 0; i--) if (fin(a[i])) return a[i];
    return null;
  }
  /* Legend values: at the cursor, or, with the cursor off the chart (dataIdx
     null), the series' latest value, so the legend reads as a summary. */
  function legend(f) {
    return function (u, v, si, di) {
      if (di == null && u.data) v = lastOf(u.data[si]);
      return v == null ? "\u2014" : f(v);
    };
  }
  /* Bars: an idle legend has no meaningful "latest" category. */
  function legendAt(f) { return function (u, v) { return v == null ? "\u2014" : f(v); }; }
  function axis(extra) { return Object.assign({}, AXIS, extra || {}); }
  /* Log axes pass null for splits they leave unlabelled. */
  function yAxis(f, size) { return axis({ size: size || 64, values: function (u, vs) { return vs.map(function (v) { return v == null ? "" : f(v); }); } }); }
  function timeX() { return { label: "Date", value: legend(isoDate) }; }
  function line(label, color, f, extra) {
    return Object.assign({ label: label, stroke: color, width: 1.5, value: legend(f), points: { show: false } }, extra || {});
  }
  /* A single x value would give a zero-width time scale; widen it. */
  function timeRange(u, min, max) { return min === max ? [min - 180 * DAY, max + 180 * DAY] : [min, max]; }
  /* Log scales snap to whole decades by default, which flattens a series that
     moves within one; fit the data with a small margin instead. */
  function logRange(u, min, max) { return min == null ? [1, 10] : [min / 1.06, max * 1.06]; }
  /* Round ticks for a fitted log range: 1-2-5 per decade, then every integer
     mantissa, then plain linear steps when the range is narrower than that. */
  function logSplits(u, ai, min, max) {
    var sets = [[1, 2, 5], [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9]], out = [];
    for (var k = 0; k < sets.length; k++) {
      out = [];
      for (var e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
        sets[k].forEach(function (m) { var v = m * Math.pow(10, e); if (v >= min && v <= max) out.push(v); });
      }
      if (out.length >= 4) return out;
    }
    var raw = (max - min) / 5, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 2.5, 5, 10].map(function (m) { return m * mag; }).filter(function (s) { return s >= raw; })[0];
    out = [];
    for (var v = Math.ceil(min / step) * step; v <= max; v += step) out.push(v);
    return out;
  }
  function logAxis(f, size) {
    return Object.assign(yAxis(f, size), { splits: logSplits, filter: function (u, splits) { return splits; } });
  }
  /* For sparse point series (one per year): keep the end markers whole. */
  function paddedRange(u, min, max) { var pad = Math.max((max - min) * 0.04, 30 * DAY); return [min - pad, max + pad]; }

  function levels() {
    var L = (data.levels || []).filter(function (s) { return s.dates.length; });
    if (!L.length) return null;
    var tables = [], series = [timeX()];
    L.forEach(function (s, i) {
      var c = PALETTE[i % PALETTE.length], t = [s.dates.map(ts), s.price_return.map(pos)];
      series.push(line(s.index + " PR", c, function (v) { return fmtNum(v, 2); }));
      if (s.total_return.length) {
        t.push(s.total_return.map(pos));
        series.push(line(s.index + " TR", c, function (v) { return fmtNum(v, 2); }, { dash: [6, 4] }));
      }
      tables.push(t);
    });
    var raw = tables.length === 1 ? tables[0] : uPlot.join(tables);
    /* Indexes start from different bases; rebasing each to 100 at its first
       value makes their performance directly comparable. */
    var rebased = raw.map(function (ys, i) {
      if (i === 0) return ys;
      var b = null;
      for (var k = 0; k < ys.length && b === null; k++) if (fin(ys[k])) b = ys[k];
      return ys.map(function (v) { return fin(v) ? (v / b) * 100 : v; });
    });
    return {
      data: raw,
      views: [["Levels", raw], ["Rebased to 100", rebased]],
      opts: { height: 380, scales: { x: { time: true, range: timeRange }, y: { distr: 3, range: logRange } }, series: series,
        axes: [axis(), logAxis(function (v) { return fmtNum(v, 0); }, 70)] },
    };
  }

  function relative() {
    var r = data.relative;
    if (!r || !r.dates.length) return null;
    var base = r.ratio.filter(function (v) { return fin(v) && v !== 0; })[0];
    if (base === undefined) return null;
    var x = r.dates.map(ts), y = r.ratio.map(function (v) { return fin(v) ? (v / base) * 100 : null; });
    return {
      data: [x, y, x.map(function () { return 100; })],
      opts: { height: 300, scales: { x: { time: true, range: timeRange } },
        series: [timeX(), line(r.name, ACCENT, function (v) { return fmtNum(v, 1); }),
          line("Base 100", REF, function (v) { return fmtNum(v, 0); }, { width: 1, dash: [3, 3] })],
        axes: [axis(), yAxis(function (v) { return fmtNum(v, 0); })] },
    };
  }

  function breakpoints() {
    var R = data.recons || [];
    if (!R.length) return null;
    var pick = function (k) { return R.map(function (r) { return pos(r[k]); }); };
    var pts = { show: true, size: 6 };
    return {
      data: [R.map(function (r) { return ts(r.rank_date); }), pick("cap_rank_1000"), pick("band_upper_usd"), pick("band_lower_usd"), pick("cap_rank_3000")],
      opts: { height: 320, scales: { x: { time: true, range: paddedRange }, y: { distr: 3, range: logRange } },
        series: [timeX(), line("#1000 (R1000/R2000)", PALETTE[0], fmtUsd, { points: pts, width: 2 }),
          line("Band high", PALETTE[1], fmtUsd, { points: pts, dash: [5, 4] }),
          line("Band low", PALETTE[1], fmtUsd, { points: pts, dash: [5, 4] }),
          line("#3000 (R2000 bottom)", PALETTE[2], fmtUsd, { points: pts, width: 2 })],
        axes: [axis(), logAxis(fmtUsd, 70)] },
    };
  }

  /* Categorical bar chart: x is the category position, labels drawn on the axis. */
  function bars(xLabel, labels, defs, f, height) {
    if (!labels.length) return null;
    var x = labels.map(function (_, i) { return i; });
    var label = function (i) { return labels[i] === undefined ? "" : labels[i]; };
    var xAxis = { grid: { show: false }, splits: function () { return x; },
      values: function (u, vs) { return vs.map(label); } };
    // Long or many category labels are slanted so they do not run into each
    // other in a third-width chart.
    if (labels.reduce(function (n, l) { return n + String(l).length; }, 0) > 30) {
      xAxis.rotate = -40;
      xAxis.size = 62;
    }
    return {
      data: [x].concat(defs.map(function (d) { return d.values; })),
      opts: {
        height: height || 260,
        scales: {
          x: { time: false, range: function () { return [-0.5, labels.length - 0.5]; } },
          y: { range: function (u, min, max) {
            var lo = Math.min(0, min), hi = Math.max(0, max), pad = (hi - lo) * 0.08 || 1;
            return [lo < 0 ? lo - pad : 0, hi > 0 ? hi + pad : 0];
          } },
        },
        cursor: { drag: { x: false, y: false } },
        series: [{ label: xLabel, value: function (u, v) { return v == null ? "" : label(v); } }].concat(defs.map(function (d) {
          return { label: d.label, fill: d.color, stroke: d.color, width: 0, points: { show: false },
            paths: uPlot.paths.bars({ size: [0.7, 72], align: 0 }), value: legendAt(f) };
        })),
        axes: [axis(xAxis), yAxis(f)],
      },
    };
  }

  function flowsDeciles() {
    var f = data.flows, d = (f && f.decile_net_usd) || [];
    return bars("Decile", d.map(function (_, i) { return "D" + (i + 1); }), [
      { label: "Net buying", color: BUY, values: d.map(function (v) { return fin(v) && v > 0 ? v : null; }) },
      { label: "Net selling", color: SELL, values: d.map(function (v) { return fin(v) && v < 0 ? v : null; }) },
    ], fmtUsd);
  }

  function flowsDov() {
    var h = (data.flows && data.flows.dov_histogram) || [];
    return bars("Days of volume", h.map(function (p) { return p[0]; }),
      [{ label: "Securities", color: ACCENT, values: h.map(function (p) { return p[1]; }) }],
      function (v) { return fmtNum(v, 0); });
  }

  function flowsTurnover() {
    var t = (data.flows && data.flows.turnover) || [];
    return bars("Index", t.map(function (p) { return p[0]; }),
      [{ label: "Turnover", color: PALETTE[3], values: t.map(function (p) { return fin(p[1]) ? p[1] * 100 : null; }) }],
      function (v) { return fmtNum(v, 1) + "%"; });
  }

  function fundSeries(key, label, color, f, ref) {
    var fd = data.fund;
    if (!fd || !fd.dates.length) return null;
    var x = fd.dates.map(ts), d = [x, fd[key].map(val)];
    var series = [timeX(), line(label, color, f, { width: 2 })];
    if (ref !== undefined) {
      d.push(x.map(function () { return ref; }));
      series.push(line("Zero", REF, f, { width: 1, dash: [3, 3] }));
    }
    return { data: d, opts: { height: 280, scales: { x: { time: true, range: timeRange } }, series: series, axes: [axis(), yAxis(f)] } };
  }
  function navFmt(v) { return Math.abs(v) >= 1e4 ? fmtUsd(v) : "$" + fmtNum(v, 2); }

  var BUILDERS = {
    levels: levels,
    relative: relative,
    breakpoints: breakpoints,
    flows_deciles: flowsDeciles,
    flows_dov: flowsDov,
    flows_turnover: flowsTurnover,
    fund_td: function () { return fundSeries("tracking_difference_bp", "Tracking difference (bp)", PALETTE[7], function (v) { return fmtNum(v, 1); }, 0); },
    fund_nav: function () { return fundSeries("nav", "NAV", PALETTE[5], navFmt); },
  };

  /* True if any y series has at least one finite value. */
  function hasData(d) {
    for (var s = 1; s < d.length; s++) {
      for (var i = 0; i < d[s].length; i++) if (fin(d[s][i])) return true;
    }
    return false;
  }

  /* Buttons in the chart's caption that swap its data set. */
  function addViews(el, u, views) {
    var cap = el.parentNode.querySelector("figcaption");
    if (!cap) return;
    var bar = document.createElement("span");
    bar.className = "views";
    views.forEach(function (v, i) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = v[0];
      if (i === 0) b.className = "on";
      b.addEventListener("click", function () {
        Array.prototype.forEach.call(bar.children, function (c) { c.className = c === b ? "on" : ""; });
        u.setData(v[1]);
        u.setLegend({ idx: null });
      });
      bar.appendChild(b);
    });
    cap.appendChild(bar);
  }

  var plots = [], waiting = {}, loopDone = false, finished = false;
  function rectOf(u) {
    var r = u.over.getBoundingClientRect();
    return [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height].map(Math.round).join(",");
  }
  function finish() {
    if (finished) return;
    finished = true;
    /* Rects are taken last, when the layout of every chart is final. */
    plots.forEach(function (p) { p.el.setAttribute("data-rect", rectOf(p.u)); });
    /* The content's height, not the viewport's: the test sizes its window from it. */
    body.setAttribute("data-page-height", String(Math.ceil(body.getBoundingClientRect().bottom + window.scrollY)));
    body.setAttribute("data-errors", JSON.stringify(errors));
    body.setAttribute("data-ready", "1");
  }
  function maybeFinish() {
    if (loopDone && Object.keys(waiting).length === 0) finish();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), function (el) {
    var name = el.getAttribute("data-chart");
    try {
      var build = BUILDERS[name];
      if (!build) throw new Error("unknown chart");
      var spec = build();
      if (!spec || !hasData(spec.data)) {
        el.innerHTML = '<div class="nodata">No data</div>';
        return;
      }
      var opts = Object.assign({
        width: Math.max(200, el.clientWidth),
        tzDate: function (t) { return uPlot.tzDate(new Date(t * 1e3), "Etc/UTC"); },
        cursor: { drag: { x: true, y: false } },
      }, spec.opts);
      waiting[name] = true;
      opts.hooks = { draw: [function () {
        if (el.getAttribute("data-drawn") === "1") return;
        el.setAttribute("data-drawn", "1");
        delete waiting[name];
        maybeFinish();
      }] };
      var u = new uPlot(opts, spec.data, el);
      plots.push({ el: el, u: u });
      if (spec.views) addViews(el, u, spec.views);
    } catch (e) {
      delete waiting[name];
      errors.push("chart " + name + ": " + (e && e.message ? e.message : e));
    }
  });
  loopDone = true;
  maybeFinish();
  setTimeout(function () {
    if (!finished) {
      errors.push("charts never drew: " + Object.keys(waiting).join(", "));
      finish();
    }
  }, 5000);

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      plots.forEach(function (p) { p.u.setSize({ width: Math.max(200, p.el.clientWidth), height: p.u.height }); });
    }, 100);
  });
})();

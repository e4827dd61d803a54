/* tunesmith report and dashboard: draws a study payload (tunesmith.analysis.payload).
   The report embeds the payload as window.TUNESMITH_DATA; the dashboard sets
   window.TUNESMITH_LIVE and this script polls its JSON API. */
(function () {
  "use strict";
  var COLORS = {COMPLETE: "#1f77b4", PRUNED: "#ff7f0e", FAIL: "#d62728", RUNNING: "#888888"};
  var CONFIG = {responsive: true, displaylogo: false};
  var state = {data: null, sortKey: "number", sortDir: 1, page: 0, filter: "", objective: 0};
  var PAGE = 100;

  function el(id) { return document.getElementById(id); }
  function fmt(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(4) : String(+v.toPrecision(6));
    return String(v);
  }
  function text(node, value) { node.textContent = value; return node; }
  function make(tag, content, cls) { var n = document.createElement(tag); if (content !== undefined) text(n, content); if (cls) n.className = cls; return n; }
  // A view is drawn when its section comes near the screen (and again, with the latest
  // data, each time it does): a page of 10,000 trials shows its top at once.
  // One view per task, so the page paints between them.
  var pending = {}, observer = null, queue = [], pumping = false;
  function pump() {
    if (!queue.length) { pumping = false; return; }
    pumping = true;
    setTimeout(function () { queue.shift()(); pump(); }, 0);
  }
  if ("IntersectionObserver" in window) {
    observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var f = pending[entry.target.id];
        if (entry.isIntersecting && f) { delete pending[entry.target.id]; queue.push(f); }
      });
      if (!pumping) pump();
    }, {rootMargin: "300px 0px"});
  }
  function later(id, f) {
    if (!observer) { f(); return; }
    pending[id] = f;
    observer.unobserve(el(id)); observer.observe(el(id));  // reports at once if it is near
  }
  function draw(id, traces, layout) {
    layout = Object.assign({margin: {l: 60, r: 20, t: 10, b: 50}, hovermode: "closest"}, layout || {});
    Plotly.react(el(id), traces, layout, CONFIG);
  }
  function indices(d, wanted) {
    var out = [];
    for (var i = 0; i < d.trials.number.length; i++) if (d.trials.state[i] === wanted) out.push(i);
    return out;
  }
  function pick(column, rows) { return rows.map(function (i) { return column[i]; }); }
  function axisFor(p) {
    if (p.kind === "categorical") return {title: {text: p.name}, type: "category", categoryorder: "array", categoryarray: p.choices};
    return {title: {text: p.name + (p.log ? " (log)" : "")}, type: p.log ? "log" : "linear"};
  }
  function failedBand(d, x) {
    var failed = indices(d, "FAIL");
    return {x: pick(x, failed), y: failed.map(function () { return 0; }), yaxis: "y2", mode: "markers",
      type: "scattergl", name: "failed (" + failed.length + ")", marker: {symbol: "x", color: COLORS.FAIL, size: 7},
      text: pick(d.trials.reason, failed), hoverinfo: "x+text"};
  }
  var BAND = {yaxis2: {domain: [0, 0.07], showticklabels: false, zeroline: false, showgrid: false},
              yaxis: {domain: [0.12, 1]}};

  function several(d) { return d.study.directions.length > 1; }
  function objectiveName(d, k) { return several(d) ? "objective " + k + " (" + d.study.directions[k] + ")" : "value"; }

  function summary(d) {
    var s = d.study, box = el("summary"); box.innerHTML = "";
    var bestText = !d.best.length ? "none yet" : several(d) ? d.best.length + " on the Pareto front" : fmt(d.best[0].values[0]);
    var cards = [[several(d) ? "directions" : "direction", s.directions.join(", ")], ["trials", s.n_trials], ["complete", s.counts.COMPLETE],
      ["pruned", s.counts.PRUNED], ["failed", s.counts.FAIL], ["running", s.counts.RUNNING],
      [several(d) ? "best trials" : "best value", bestText]];
    cards.forEach(function (c) {
      var card = make("div", undefined, "card"); card.appendChild(make("div", c[0], "k"));
      var v = make("div", String(c[1]), "v"); if (c[0].indexOf("best") === 0) v.id = "best-value";
      card.appendChild(v); box.appendChild(card);
    });
    text(el("title"), "tunesmith — " + s.name);
    text(el("subtitle"), "read " + new Date(s.read_at * 1000).toLocaleString() + " · " + s.n_trials + " trials");
    var best = el("best"); best.innerHTML = "";
    text(el("best-title"), several(d) ? "Best trials (the Pareto front: no other trial is better in every objective)" : "Best trial");
    if (!d.best.length) { best.appendChild(make("p", "No COMPLETE trial yet.")); return; }
    var names = {}; d.best.forEach(function (b) { Object.keys(b.params).forEach(function (k) { names[k] = 1; }); });
    var valueNames = s.directions.map(function (_, k) { return several(d) ? "objective " + k : "value"; });
    var table = make("table"), head = make("tr");
    ["trial"].concat(valueNames, Object.keys(names)).forEach(function (k) { head.appendChild(make("th", k)); });
    table.appendChild(head);
    d.best.slice(0, 100).forEach(function (b) {
      var row = make("tr"); row.appendChild(make("td", String(b.number)));
      b.values.forEach(function (v) { row.appendChild(make("td", fmt(v))); });
      Object.keys(names).forEach(function (k) { row.appendChild(make("td", fmt(b.params[k]))); });
      table.appendChild(row);
    });
    best.appendChild(table);
    if (d.best.length > 100) best.appendChild(make("p", "and " + (d.best.length - 100) + " more (the table of trials has them all)"));
  }

  function picker(d) {
    var box = el("objective-picker"), select = el("objective");
    box.hidden = !several(d);
    if (!several(d) || select.options.length === d.study.directions.length) return;
    select.innerHTML = "";
    d.study.directions.forEach(function (dir, k) { var o = make("option", objectiveName(d, k)); o.value = String(k); select.appendChild(o); });
    select.value = String(state.objective);
  }

  function pareto(d) {
    var sec = el("pareto-section");
    if (!several(d)) { sec.hidden = true; return; }
    sec.hidden = false;
    var t = d.trials, m = d.study.directions.length, onFront = {};
    d.best.forEach(function (b) { onFront[b.number] = 1; });
    var rows = indices(d, "COMPLETE").filter(function (i) { return t.values.every(function (col) { return col[i] !== null; }); });
    var front = rows.filter(function (i) { return onFront[t.number[i]]; }), rest = rows.filter(function (i) { return !onFront[t.number[i]]; });
    var label = function (i) { return "trial " + t.number[i]; };
    if (m === 2) {
      front.sort(function (a, b) { return t.values[0][a] - t.values[0][b]; });
      draw("pareto", [
        {x: pick(t.values[0], rest), y: pick(t.values[1], rest), text: rest.map(label), mode: "markers", type: "scattergl", name: "dominated (" + rest.length + ")", marker: {color: COLORS.COMPLETE, size: 5, opacity: 0.5}},
        {x: pick(t.values[0], front), y: pick(t.values[1], front), text: front.map(label), mode: "lines+markers", type: "scatter", name: "Pareto front (" + front.length + ")", line: {shape: "linear", color: "#d62728"}, marker: {color: "#d62728", size: 8}}],
        {xaxis: {title: {text: objectiveName(d, 0)}}, yaxis: {title: {text: objectiveName(d, 1)}}});
      return;
    }
    var dims = d.study.directions.map(function (_, k) { return {label: "objective " + k, values: rows.map(function (i) { return t.values[k][i]; })}; });
    draw("pareto", [{type: "splom", dimensions: dims, text: rows.map(label), showupperhalf: false, diagonal: {visible: false},
      marker: {size: 4, color: rows.map(function (i) { return onFront[t.number[i]] ? "#d62728" : COLORS.COMPLETE; })}}],
      {height: 200 * m, dragmode: "select"});
  }

  function importance(d) {
    var sec = el("importance-section"), shares = d.shares;
    if (!shares) { sec.hidden = true; return; }
    sec.hidden = false;
    var names = Object.keys(shares).reverse();
    el("importance").style.height = Math.max(160, 70 + 32 * names.length) + "px";
    draw("importance", [{type: "bar", orientation: "h", y: names, x: names.map(function (n) { return shares[n]; }),
      marker: {color: COLORS.COMPLETE}, text: names.map(function (n) { return shares[n].toFixed(3); }), textposition: "outside"}],
      {xaxis: {title: {text: "share (fANOVA" + (d.importance_trials < d.study.counts.COMPLETE ? " on a random " + d.importance_trials + " of the " + d.study.counts.COMPLETE + " COMPLETE trials" : "") + ")" + (several(d) ? " of " + objectiveName(d, state.objective) : "")}}, margin: {l: 120, r: 40, t: 10, b: 40}});
  }

  function history(d) {
    var t = d.trials, done = indices(d, "COMPLETE"), pruned = indices(d, "PRUNED");
    var minimize = d.study.direction === "minimize", best = [], cur = null;
    done.forEach(function (i) { var v = t.value[i]; if (cur === null || (minimize ? v < cur : v > cur)) cur = v; best.push(cur); });
    draw("history", [
      {x: pick(t.number, done), y: pick(t.value, done), mode: "markers", type: "scattergl", name: "complete", marker: {color: COLORS.COMPLETE, size: 5}},
      {x: pick(t.number, done), y: best, mode: "lines", line: {shape: "hv", color: "#2ca02c", width: 2}, name: "best so far"},
      {x: pick(t.number, pruned), y: pick(t.value, pruned), mode: "markers", type: "scattergl", name: "pruned (" + pruned.length + ")", marker: {color: COLORS.PRUNED, symbol: "triangle-down", size: 6}},
      failedBand(d, t.number)],
      Object.assign({xaxis: {title: {text: "trial"}}}, BAND, {yaxis: {domain: [0.12, 1], title: {text: objectiveName(d, state.objective)}}}));
  }

  function slice(d) {
    var t = d.trials, done = indices(d, "COMPLETE"), failed = indices(d, "FAIL"), ps = d.params, traces = [], layout = {showlegend: false, margin: {l: 60, r: 20, t: 30, b: 50}};
    var cols = Math.min(ps.length, 3), rows = Math.ceil(ps.length / cols) || 1;
    el("slice").style.height = (300 * rows + 40) + "px";
    // failed trials have no value: red crosses just below each panel's lowest value
    var values = pick(t.value, done).filter(function (v) { return v !== null; });
    var low = values.length ? Math.min.apply(null, values) : 0, high = values.length ? Math.max.apply(null, values) : 1;
    var under = low - 0.08 * ((high - low) || 1);
    ps.forEach(function (p, k) {
      var ax = k === 0 ? "" : String(k + 1), col = k % cols, row = Math.floor(k / cols);
      var xs = pick(t.params[p.name], done), keep = [];
      for (var i = 0; i < xs.length; i++) if (xs[i] !== null) keep.push(i);
      traces.push({x: keep.map(function (i) { return xs[i]; }), y: keep.map(function (i) { return t.value[done[i]]; }),
        xaxis: "x" + ax, yaxis: "y" + ax, mode: "markers", type: "scattergl",
        marker: {size: 5, color: keep.map(function (i) { return t.number[done[i]]; }), colorscale: "Viridis"}, name: p.name});
      var fx = pick(t.params[p.name], failed), fkeep = [];
      for (var j = 0; j < fx.length; j++) if (fx[j] !== null) fkeep.push(j);
      if (fkeep.length) traces.push({x: fkeep.map(function (j) { return fx[j]; }), y: fkeep.map(function () { return under; }),
        xaxis: "x" + ax, yaxis: "y" + ax, mode: "markers", type: "scattergl", name: "failed",
        marker: {symbol: "x", color: COLORS.FAIL, size: 7}, text: fkeep.map(function (j) { return t.reason[failed[j]]; }), hoverinfo: "x+text"});
      layout["xaxis" + ax] = Object.assign(axisFor(p), {domain: [col / cols + 0.04, (col + 1) / cols - 0.02], anchor: "y" + ax});
      layout["yaxis" + ax] = {domain: [1 - (row + 1) / rows + 0.08, 1 - row / rows], anchor: "x" + ax, title: {text: col === 0 ? objectiveName(d, state.objective) : ""}};
    });
    draw("slice", traces, layout);
  }

  // Past this many trials the parallel coordinates draw a sample: the best fifth of it and
  // a random rest (thousands of lines are slow to draw without a GPU, and unreadable).
  var PARALLEL_MAX = 1000;
  function sample(d, rows) {
    if (rows.length <= PARALLEL_MAX) return rows;
    var sign = d.study.direction === "minimize" ? 1 : -1, v = d.trials.value;
    var ranked = rows.slice().sort(function (a, b) { return sign * (v[a] - v[b]); });
    var best = ranked.slice(0, PARALLEL_MAX / 5), rest = ranked.slice(PARALLEL_MAX / 5), seed = 1;
    for (var i = rest.length - 1; i > 0; i--) {  // a seeded shuffle: the same sample each time
      seed = (seed * 16807) % 2147483647;
      var j = seed % (i + 1), x = rest[i]; rest[i] = rest[j]; rest[j] = x;
    }
    return best.concat(rest.slice(0, PARALLEL_MAX - best.length)).sort(function (a, b) { return a - b; });
  }

  function parallel(d) {
    var t = d.trials, all = indices(d, "COMPLETE"), done = sample(d, all), values = pick(t.value, done);
    text(el("parallel-note"), done.length < all.length ? "The best " + PARALLEL_MAX / 5 + " and a random " + (done.length - PARALLEL_MAX / 5) + " of the " + all.length + " COMPLETE trials." : "");
    var dims = [{label: objectiveName(d, state.objective), values: values}];
    d.params.forEach(function (p) {
      var col = pick(t.params[p.name], done);
      if (p.kind === "categorical") {
        dims.push({label: p.name, values: col.map(function (v) { return v === null ? -1 : p.choices.indexOf(v); }),
          tickvals: p.choices.map(function (_, i) { return i; }), ticktext: p.choices, range: [-1, p.choices.length - 1]});
      } else if (p.log) {
        dims.push({label: p.name + " (log10)", values: col.map(function (v) { return v === null ? null : Math.log10(v); })});
      } else dims.push({label: p.name, values: col});
    });
    draw("parallel", [{type: "parcoords", dimensions: dims,
      line: {color: values, colorscale: "Viridis", reversescale: d.study.direction === "minimize", showscale: true}}],
      {margin: {l: 60, r: 60, t: 40, b: 30}});
  }

  function contour(d) {
    var sec = el("contour-section"), c = d.surface;
    if (!c) { sec.hidden = true; return; }
    sec.hidden = false;
    var t = d.trials, done = indices(d, "COMPLETE");
    draw("contour", [
      {type: "contour", x: c.xs, y: c.ys, z: c.z, colorscale: "Viridis", reversescale: d.study.direction === "minimize", connectgaps: false, contours: {coloring: "heatmap"}},
      {x: pick(t.params[c.x], done), y: pick(t.params[c.y], done), mode: "markers", type: "scatter", marker: {color: "white", size: 5, line: {color: "black", width: 1}}, name: "trials"}],
      {xaxis: {title: {text: c.x}, type: c.log[0] ? "log" : "linear"}, yaxis: {title: {text: c.y}, type: c.log[1] ? "log" : "linear"}, showlegend: false});
  }

  function curves(d) {
    var sec = el("curves-section"), c = d.curves;
    if (!c.number.length) { sec.hidden = true; return; }
    sec.hidden = false;
    var traces = [];
    ["COMPLETE", "PRUNED", "FAIL", "RUNNING"].forEach(function (s) {
      var xs = [], ys = [], endX = [], endY = [], n = 0;
      for (var i = 0; i < c.number.length; i++) {
        if (c.state[i] !== s) continue;
        n++; xs.push.apply(xs, c.steps[i]); ys.push.apply(ys, c.values[i]); xs.push(null); ys.push(null);
        endX.push(c.steps[i][c.steps[i].length - 1]); endY.push(c.values[i][c.values[i].length - 1]);
      }
      if (!n) return;
      traces.push({x: xs, y: ys, mode: "lines", type: "scattergl", name: s.toLowerCase() + " (" + n + ")", line: {color: COLORS[s], width: 1}, opacity: 0.6});
      if (s === "PRUNED") traces.push({x: endX, y: endY, mode: "markers", type: "scattergl", name: "pruned here", marker: {symbol: "x", color: COLORS.PRUNED, size: 6}});
    });
    draw("curves", traces, {xaxis: {title: {text: "step"}}, yaxis: {title: {text: "intermediate value"}}});
  }

  function edf(d) {
    var values = pick(d.trials.value, indices(d, "COMPLETE")).slice().sort(function (a, b) { return a - b; });
    draw("edf", [{x: values, y: values.map(function (_, i) { return (i + 1) / values.length; }), mode: "lines", line: {shape: "hv"}, name: d.study.name}],
      {xaxis: {title: {text: objectiveName(d, state.objective)}}, yaxis: {title: {text: "share of trials"}, range: [0, 1.02]}});
  }

  function timeline(d) {
    var t = d.trials, now = d.study.read_at - d.study.first_start, traces = [];
    ["COMPLETE", "PRUNED", "FAIL", "RUNNING"].forEach(function (s) {
      var rows = indices(d, s);
      if (!rows.length) return;
      traces.push({type: "bar", orientation: "h", name: s.toLowerCase() + " (" + rows.length + ")", marker: {color: COLORS[s]},
        y: pick(t.lane, rows), base: pick(t.start, rows),
        x: rows.map(function (i) { return Math.max((t.end[i] === null ? now : t.end[i]) - t.start[i], 1e-3); }),
        text: rows.map(function (i) { return "trial " + t.number[i]; }), textposition: "none", hoverinfo: "text+x"});
    });
    var lanes = {}; t.lane.forEach(function (l) { lanes[l] = 1; });
    el("timeline").style.height = Math.max(220, 60 + 26 * Object.keys(lanes).length) + "px";
    draw("timeline", traces, {barmode: "overlay", xaxis: {title: {text: "seconds since the first trial started"}}, yaxis: {autorange: "reversed", type: "category"}});
  }

  function columns(d) {
    var values = several(d) ? d.study.directions.map(function (_, k) { return "values_" + k; }) : ["value"];
    return ["number", "state"].concat(values, ["duration"], d.params.map(function (p) { return p.name; }));
  }
  function cell(d, key, i) {
    var t = d.trials;
    if (key === "duration") return t.end[i] === null ? null : +(t.end[i] - t.start[i]).toFixed(3);
    if (key.indexOf("values_") === 0 && !(key in t.params)) return t.values[+key.slice(7)][i];
    if (key in t.params && ["number", "state", "value"].indexOf(key) < 0) return t.params[key][i];
    return t[key][i];
  }
  function table() {
    var d = state.data, keys = columns(d), head = el("trials").tHead, body = el("trials").tBodies[0];
    head.innerHTML = ""; body.innerHTML = "";
    var tr = make("tr");
    keys.forEach(function (k) {
      var th = make("th", k);
      if (k === state.sortKey) th.className = state.sortDir > 0 ? "sorted-asc" : "sorted-desc";
      th.addEventListener("click", function () {
        state.sortDir = state.sortKey === k ? -state.sortDir : 1; state.sortKey = k; state.page = 0; table();
      });
      tr.appendChild(th);
    });
    head.appendChild(tr);
    var rows = [], needle = state.filter.toLowerCase();
    for (var i = 0; i < d.trials.number.length; i++) {
      if (needle) {
        var hit = keys.some(function (k) { return fmt(cell(d, k, i)).toLowerCase().indexOf(needle) >= 0; });
        if (!hit) continue;
      }
      rows.push(i);
    }
    var key = state.sortKey, dir = state.sortDir;
    rows.sort(function (a, b) {
      var x = cell(d, key, a), y = cell(d, key, b);
      if (x === y) return a - b; if (x === null) return 1; if (y === null) return -1;
      return (x < y ? -1 : 1) * dir;
    });
    var pages = Math.max(1, Math.ceil(rows.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    rows.slice(state.page * PAGE, (state.page + 1) * PAGE).forEach(function (i) {
      var r = make("tr");
      keys.forEach(function (k) { var c = make("td", fmt(cell(d, k, i))); if (k === "state") c.className = "state-" + d.trials.state[i]; r.appendChild(c); });
      body.appendChild(r);
    });
    text(el("shown"), rows.length + " of " + d.trials.number.length + " trials");
    text(el("page"), " page " + (state.page + 1) + " / " + pages + " ");
  }

  function render(d) {
    state.data = d;
    var k = Math.min(state.objective, d.study.directions.length - 1);
    // the views below draw one objective: the one picked (the only one, usually)
    d.trials.value = d.trials.values[k]; d.study.direction = d.study.directions[k];
    d.shares = d.importance[k]; d.surface = d.contour[k];
    // which sections apply is decided now; their plots are drawn when seen
    el("pareto-section").hidden = !several(d);
    el("importance-section").hidden = !d.shares;
    el("contour-section").hidden = !d.surface;
    el("curves-section").hidden = !d.curves.number.length;
    summary(d); picker(d); table();
    [["pareto", pareto], ["importance", importance], ["history", history], ["slice", slice], ["parallel", parallel],
     ["contour", contour], ["curves", curves], ["edf", edf], ["timeline", timeline]].forEach(function (view) {
      later(view[0], function () { view[1](d); });
    });
  }

  function controls() {
    el("objective").addEventListener("change", function (e) { state.objective = +e.target.value; render(state.data); });
    el("filter").addEventListener("input", function (e) { state.filter = e.target.value; state.page = 0; table(); });
    el("prev").addEventListener("click", function () { state.page = Math.max(0, state.page - 1); table(); });
    el("next").addEventListener("click", function () { state.page += 1; table(); });
  }

  function live(cfg) {
    var sec = el("studies-section"); sec.hidden = false;
    var current = new URLSearchParams(window.location.search).get("study");
    function studies() {
      return fetch(cfg.studies).then(function (r) { return r.json(); }).then(function (list) {
        var box = el("studies"); box.innerHTML = "";
        list.forEach(function (s) {
          var a = make("a", s.name + " — " + s.n_trials + " trials, " + (s.directions.length > 1 ? s.directions.length + " objectives" : "best " + (s.best_value === null ? "none yet" : fmt(s.best_value)))); a.href = "?study=" + encodeURIComponent(s.name); box.appendChild(a);
        });
        if (!current && list.length) current = list[list.length - 1].name;
      });
    }
    function poll() {
      if (!current) { setTimeout(function () { studies().then(poll); }, cfg.interval); return; }
      fetch(cfg.study + encodeURIComponent(current)).then(function (r) { return r.json(); }).then(function (d) {
        if (d.study) render(d);
      }).catch(function () {}).then(function () { setTimeout(poll, cfg.interval); });
    }
    if (current) { studies(); poll(); }  // the study asked for at once, the list beside it
    else studies().then(poll);
    setInterval(studies, cfg.interval * 5);
  }

  document.addEventListener("DOMContentLoaded", function () {
    controls();
    if (window.TUNESMITH_LIVE) live(window.TUNESMITH_LIVE);
    else render(window.TUNESMITH_DATA);
  });
})();

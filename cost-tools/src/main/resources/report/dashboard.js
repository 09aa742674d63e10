/* bedrock-cost-stream dashboard: charts (Chart.js, inlined) and tables from the JSON block #report-data.
 * No network. Money stays exact: decimal strings are added up as BigInt millionths of a millionth
 * of a dollar (the lake's scale 12) and rounded half-even for display; binary floating point is used
 * for chart geometry only.
 *
 * The page is a list of sections; each registers a renderer with BedrockDashboard.addSection(id, fn).
 * fn(view) is called on load and whenever the date range changes; view holds the picked range's
 * aggregates (see aggregate()). Another panel (e.g. budgets) adds its <section> in Dashboard.java
 * and its renderer here or in a script after this one. */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var SCALE = 12;
  var UNIT = 10n ** 12n;
  var PALETTE = ['#2f6fb0', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#8cd17d'];
  var OTHERS_COLOR = '#bab0ac';
  var TOP_SERIES = 8;
  var PAGE = 15;

  // ---- exact money ---------------------------------------------------------------------------
  /** A decimal string (scale <= 12) as BigInt units of 1e-12 USD; null stays null. */
  function units(s) {
    if (s === null || s === undefined) { return null; }
    var neg = s.charAt(0) === '-';
    var t = neg ? s.slice(1) : s;
    var dot = t.indexOf('.');
    var ip = dot < 0 ? t : t.slice(0, dot);
    var fp = dot < 0 ? '' : t.slice(dot + 1);
    while (fp.length < SCALE) { fp += '0'; }
    var v = BigInt(ip + fp.slice(0, SCALE));
    return neg ? -v : v;
  }
  function addMoney(a, b) { return a === null ? b : b === null ? a : a + b; }
  /** The exact value as a plain decimal string (trailing zeros kept to 12 places, as in the CSV files). */
  function exact(u) {
    if (u === null) { return ''; }
    var neg = u < 0n;
    var a = neg ? -u : u;
    var s = a.toString();
    while (s.length <= SCALE) { s = '0' + s; }
    return (neg ? '-' : '') + s.slice(0, s.length - SCALE) + '.' + s.slice(s.length - SCALE);
  }
  /** Rounded half-even to `places` decimals, thousands grouped. */
  function rounded(u, places) {
    var neg = u < 0n;
    var a = neg ? -u : u;
    var div = 10n ** BigInt(SCALE - places);
    var q = a / div;
    var r = a % div;
    if (r * 2n > div || (r * 2n === div && q % 2n === 1n)) { q += 1n; }
    var s = q.toString();
    while (s.length <= places) { s = '0' + s; }
    var ip = s.slice(0, s.length - places).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (neg && q !== 0n ? '-' : '') + ip + (places > 0 ? '.' + s.slice(s.length - places) : '');
  }
  /** Money as people read it: cents from a dollar up, 4 decimals from a cent, 6 below. */
  function money(u) {
    if (u === null) { return '\u2014'; }
    var a = u < 0n ? -u : u;
    var places = a >= UNIT || a === 0n ? 2 : a >= UNIT / 100n ? 4 : 6;
    return '$' + rounded(u, places);
  }
  function dollars(u) { return u === null ? 0 : Number(u) / 1e12; }
  function int(n) { return n === null || n === undefined ? '\u2014' : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
  function compact(v) {
    var a = Math.abs(v);
    if (a >= 1e9) { return (v / 1e9).toFixed(1) + 'G'; }
    if (a >= 1e6) { return (v / 1e6).toFixed(1) + 'M'; }
    if (a >= 1e3) { return (v / 1e3).toFixed(1) + 'k'; }
    return String(Math.round(v * 100) / 100);
  }
  function axisMoney(v) { return '$' + compact(v); }

  // ---- the picked range's aggregates ---------------------------------------------------------
  var daily = D.daily;
  var C = {};
  daily.columns.forEach(function (c, i) { C[c] = 4 + i; });
  var costs = daily.cells.map(function (c) { return units(c[C.total_cost]); });

  function totals() {
    return { invocations: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0,
      tokens: 0, cost: null, unpriced: 0, errors: 0 };
  }
  function add(t, c, cost) {
    t.invocations += c[C.invocations];
    t.input_tokens += c[C.input_tokens];
    t.output_tokens += c[C.output_tokens];
    t.cache_read_tokens += c[C.cache_read_tokens];
    t.cache_write_tokens += c[C.cache_write_tokens];
    t.tokens += c[C.input_tokens] + c[C.output_tokens] + c[C.cache_read_tokens] + c[C.cache_write_tokens];
    t.cost = addMoney(t.cost, cost);
    t.unpriced += c[C.unpriced];
    t.errors += c[C.errors];
  }
  function bump(map, key) { return map[key] || (map[key] = totals()); }

  /** Sums of the cells whose day is in [from, to] (indexes into daily.days). */
  function aggregate(from, to) {
    var v = { from: from, to: to, days: daily.days.slice(from, to + 1), overall: totals(),
      tenant: {}, model: {}, department: {}, day: {}, tenantModel: {}, tenantDay: {}, series: { tenant: {}, model: {}, department: {} } };
    daily.cells.forEach(function (c, i) {
      var d = c[3];
      if (d < from || d > to) { return; }
      var cost = costs[i];
      var tenant = daily.tenants[c[0]], dept = daily.departments[c[1]], model = daily.models[c[2]], day = daily.days[d];
      add(v.overall, c, cost);
      add(bump(v.tenant, tenant), c, cost);
      add(bump(v.model, model), c, cost);
      add(bump(v.department, dept), c, cost);
      add(bump(v.day, day), c, cost);
      add(bump(v.tenantModel[tenant] || (v.tenantModel[tenant] = {}), model), c, cost);
      add(bump(v.tenantDay[tenant] || (v.tenantDay[tenant] = {}), day), c, cost);
      [['tenant', tenant], ['model', model], ['department', dept]].forEach(function (k) {
        var s = v.series[k[0]][k[1]] || (v.series[k[0]][k[1]] = {});
        s[day] = addMoney(s[day] === undefined ? null : s[day], cost === null ? 0n : cost);
      });
    });
    return v;
  }

  /** Most expensive first, then most tokens, then by name: the report's ranking everywhere. */
  function rank(map) {
    return Object.keys(map).map(function (k) { return { key: k, t: map[k] }; }).sort(function (a, b) {
      var ca = a.t.cost === null ? 0n : a.t.cost, cb = b.t.cost === null ? 0n : b.t.cost;
      if (ca !== cb) { return ca > cb ? -1 : 1; }
      if (a.t.tokens !== b.t.tokens) { return b.t.tokens - a.t.tokens; }
      return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    });
  }

  // ---- DOM helpers ---------------------------------------------------------------------------
  function h(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; } else if (k.indexOf('on') === 0) { e.addEventListener(k.slice(2), attrs[k]); } else { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { e.appendChild(c); } });
    return e;
  }
  function body(id) {
    var b = document.querySelector('#' + id + ' .body');
    if (b) { b.textContent = ''; }
    return b;
  }

  // ---- charts --------------------------------------------------------------------------------
  var charts = {};
  Chart.defaults.font.size = 13;
  Chart.defaults.font.family = '-apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';
  Chart.defaults.color = '#3e4c59';
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;

  /** A chart in a box of the given height (px) under `parent`; replaces the chart of the same name. */
  function chart(parent, name, title, height, config) {
    if (charts[name]) { charts[name].destroy(); }
    var canvas = h('canvas', { 'aria-label': title, role: 'img' });
    var box = h('div', { class: 'chart', 'data-chart': name }, [h('h3', { text: title }), h('div', { class: 'plot', style: 'height:' + height + 'px' }, [canvas])]);
    parent.appendChild(box);
    charts[name] = new Chart(canvas, config);
    box.setAttribute('data-rendered', 'true');
    return charts[name];
  }
  function moneyTooltip(ctx) { return ' ' + (ctx.dataset.label ? ctx.dataset.label + ': ' : '') + money(ctx.raw === null ? null : BigInt(Math.round(ctx.raw * 1e6)) * 1000000n); }

  /** Horizontal bars of cost, most expensive first; labels are the full names (model ids included). */
  function costBars(parent, name, title, ranked) {
    var rows = ranked.slice(0, 15);
    if (ranked.length > 15) {
      var rest = null;
      ranked.slice(15).forEach(function (r) { rest = addMoney(rest, r.t.cost); });
      rows = rows.concat([{ key: 'others (' + (ranked.length - 15) + ')', t: { cost: rest } }]);
    }
    chart(parent, name, title, 60 + rows.length * 26, {
      type: 'bar',
      data: { labels: rows.map(function (r) { return r.key; }),
        datasets: [{ label: 'cost', data: rows.map(function (r) { return dollars(r.t.cost); }),
          backgroundColor: rows.map(function (r, i) { return r.key.indexOf('others (') === 0 ? OTHERS_COLOR : PALETTE[0]; }) }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false }, tooltip: { callbacks: { label: moneyTooltip } } },
        scales: { x: { ticks: { callback: axisMoney }, title: { display: true, text: 'USD' } }, y: { ticks: { autoSkip: false } } } }
    });
  }

  // ---- sortable tables -----------------------------------------------------------------------
  /**
   * A table of rows {key, t}: columns [name, label, kind] with kind 'text' | 'int' | 'money'.
   * Click a header to sort (again to reverse). Cells hold the exact value in data-value.
   */
  function table(parent, id, columns, rows, opts) {
    opts = opts || {};
    var state = { col: opts.sort || 'cost', desc: true, limit: opts.page || Infinity };
    var wrap = h('div', { class: 'tablewrap' });
    var more = h('button', { type: 'button', class: 'more' });
    parent.appendChild(wrap);
    parent.appendChild(more);
    function value(r, c) { return c[0] === 'key' ? r.key : r.t[c[0]]; }
    function draw() {
      var col = columns.filter(function (c) { return c[0] === state.col; })[0];
      var sorted = rows.slice().sort(function (a, b) {
        var x = value(a, col), y = value(b, col), o;
        if (col[2] === 'text') { o = x < y ? -1 : x > y ? 1 : 0; } else {
          x = x === null || x === undefined ? -Infinity : x; y = y === null || y === undefined ? -Infinity : y;
          o = x < y ? -1 : x > y ? 1 : 0;
        }
        return state.desc ? -o : o;
      });
      var shown = sorted.slice(0, state.limit);
      var thead = h('thead', {}, [h('tr', {}, columns.map(function (c) {
        return h('th', { 'data-col': c[0], class: c[2] + (c[0] === state.col ? (state.desc ? ' sorted desc' : ' sorted asc') : ''),
          title: 'sort by ' + c[1], onclick: function () {
            if (state.col === c[0]) { state.desc = !state.desc; } else { state.col = c[0]; state.desc = c[2] !== 'text'; }
            draw();
          } }, [document.createTextNode(c[1])]);
      }))]);
      var tbody = h('tbody', {}, shown.map(function (r) {
        var tr = h('tr', { 'data-key': r.key }, columns.map(function (c) {
          var v = value(r, c);
          if (c[2] === 'money') { return h('td', { 'data-col': c[0], 'data-value': exact(v), title: v === null ? 'unpriced' : exact(v) + ' USD', text: money(v) }); }
          if (c[2] === 'int') { return h('td', { 'data-col': c[0], 'data-value': v === null || v === undefined ? '' : String(v), text: int(v) }); }
          return h('td', { 'data-col': c[0], title: v, text: v });
        }));
        if (opts.onclick) { tr.className = 'clickable'; tr.addEventListener('click', function () { opts.onclick(r); }); }
        if (opts.selected && opts.selected === r.key) { tr.className += ' selected'; }
        return tr;
      }));
      var t = h('table', { id: id }, [thead, tbody]);
      wrap.textContent = '';
      wrap.appendChild(t);
      more.style.display = sorted.length > shown.length ? '' : 'none';
      more.textContent = 'show all ' + int(sorted.length) + ' rows';
      more.onclick = function () { state.limit = Infinity; draw(); };
    }
    draw();
  }

  var TOTAL_COLUMNS = [['cost', 'cost', 'money'], ['invocations', 'invocations', 'int'], ['input_tokens', 'input tok', 'int'],
    ['output_tokens', 'output tok', 'int'], ['cache_read_tokens', 'cache read tok', 'int'], ['cache_write_tokens', 'cache write tok', 'int'],
    ['unpriced', 'unpriced', 'int'], ['errors', 'errors', 'int']];
  function columnsFor(keyLabel) { return [['key', keyLabel, 'text']].concat(TOTAL_COLUMNS); }

  // ---- state and sections --------------------------------------------------------------------
  var state = { from: 0, to: Math.max(0, daily.days.length - 1), dim: 'tenant', others: false, search: '', tenant: null };
  var sections = [];
  var view = null;

  function addSection(id, render) { sections.push({ id: id, render: render }); }

  function render() {
    view = aggregate(state.from, state.to);
    sections.forEach(function (s) {
      try { s.render(view); } catch (e) { window.__reportError(s.id + ': ' + (e && e.stack ? e.stack.split('\n')[0] : e)); }
    });
    var rendered = document.querySelectorAll('[data-rendered="true"]').length;
    document.documentElement.setAttribute('data-charts', String(rendered));
    document.documentElement.setAttribute('data-range', daily.days.length ? daily.days[state.from] + '..' + daily.days[state.to] : '');
    if (!window.__errors.length) { document.documentElement.setAttribute('data-render', 'done'); }
  }

  function kpi(key, label, shown, exactValue, sub) {
    return h('div', { class: 'kpi', 'data-kpi': key, 'data-value': exactValue }, [h('div', { class: 'label', text: label }),
      h('div', { class: 'value', title: exactValue, text: shown }), h('div', { class: 'sub', text: sub || '' })]);
  }

  addSection('overview', function (v) {
    var b = body('overview');
    var t = v.overall, o = D.overall;
    b.appendChild(h('div', { class: 'kpis' }, [
      kpi('total_cost', 'Total cost', money(t.cost), exact(t.cost), t.unpriced ? int(t.unpriced) + ' unpriced calls not included' : 'every call priced'),
      kpi('invocations', 'Invocations', int(t.invocations), String(t.invocations), int(t.invocations - t.unpriced) + ' priced'),
      kpi('tenants', 'Tenants', int(Object.keys(v.tenant).length), String(Object.keys(v.tenant).length), 'with calls in the range'),
      kpi('tokens', 'Tokens', compact(t.tokens), String(t.tokens), int(t.input_tokens) + ' in, ' + int(t.output_tokens) + ' out'),
      kpi('unpriced', 'Unpriced', int(t.unpriced), String(t.unpriced), 'no price in force'),
      kpi('errors', 'Model errors', int(t.errors), String(t.errors), 'errorCode set'),
      kpi('failed', 'Failed inputs', D.failed.shown ? int(D.failed.total) : 'n/a', D.failed.shown ? String(D.failed.total) : '',
        D.failed.shown ? 'unreadable records, whole slice' : 'not per tenant or model'),
      kpi('latency_ms_p50', 'Latency p50', o.latency_ms_p50 === null ? '\u2014' : int(o.latency_ms_p50) + ' ms',
        o.latency_ms_p50 === null ? '' : String(o.latency_ms_p50), o.latency_ms_p95 === null ? 'no latencies' : 'p95 ' + int(o.latency_ms_p95) + ' ms, whole slice')
    ]));
  });

  addSection('over-time', function (v) {
    var b = body('over-time');
    var picker = h('div', { class: 'tabs', role: 'tablist' }, ['tenant', 'model', 'department'].map(function (d) {
      return h('button', { type: 'button', 'data-dim': d, class: d === state.dim ? 'active' : '', text: 'by ' + d,
        onclick: function () { state.dim = d; render(); } });
    }));
    var others = h('input', { type: 'checkbox', id: 'show-others' });
    others.checked = state.others;
    others.addEventListener('change', function () { state.others = others.checked; render(); });
    picker.appendChild(h('label', { class: 'check' }, [others, document.createTextNode(' stack the others too')]));
    b.appendChild(picker);
    var ranked = rank(v[state.dim]);
    var top = ranked.slice(0, TOP_SERIES).map(function (r) { return r.key; });
    var datasets = top.map(function (k, i) {
      var s = v.series[state.dim][k];
      return { label: k, backgroundColor: PALETTE[i % PALETTE.length], data: v.days.map(function (d) { return dollars(s[d] === undefined ? null : s[d]); }) };
    });
    if (ranked.length > TOP_SERIES && state.others) {
      datasets.push({ label: 'others (' + (ranked.length - TOP_SERIES) + ')', backgroundColor: OTHERS_COLOR, data: v.days.map(function (d) {
        var sum = null;
        ranked.slice(TOP_SERIES).forEach(function (r) { var x = v.series[state.dim][r.key][d]; if (x !== undefined) { sum = addMoney(sum, x); } });
        return dollars(sum);
      }) });
    }
    if (ranked.length > TOP_SERIES) {
      var rest = null;
      ranked.slice(TOP_SERIES).forEach(function (r) { rest = addMoney(rest, r.t.cost); });
      b.appendChild(h('p', { class: 'note', text: 'The other ' + int(ranked.length - TOP_SERIES) + ' ' + state.dim + 's cost ' + money(rest)
        + ' in the range' + (state.others ? ' (stacked in grey).' : ' (not stacked: tick the box to add them).') }));
    }
    chart(b, 'cost-over-time', 'Cost per day (USD) by ' + state.dim + (state.others ? '' : ', top ' + Math.min(TOP_SERIES, ranked.length)), 360, {
      type: 'bar', data: { labels: v.days, datasets: datasets },
      options: { plugins: { tooltip: { callbacks: { label: moneyTooltip } }, legend: { position: 'bottom' } },
        scales: { x: { stacked: true }, y: { stacked: true, ticks: { callback: axisMoney } } } }
    });
  });

  function tenantRows(v) {
    var q = state.search.trim().toLowerCase();
    return rank(v.tenant).filter(function (r) { return !q || r.key.toLowerCase().indexOf(q) >= 0; });
  }

  addSection('tenants', function (v) {
    var b = body('tenants');
    var rows = tenantRows(v);
    var search = h('input', { type: 'search', id: 'tenant-search', class: 'filter', placeholder: 'search all ' + int(Object.keys(v.tenant).length) + ' tenants',
      value: state.search, 'aria-label': 'search tenants' });
    var count = h('span', { class: 'count', id: 'tenant-count', text: int(rows.length) + ' of ' + int(Object.keys(v.tenant).length) + ' tenants' });
    var holder = h('div', {});
    b.appendChild(h('div', { class: 'toolbar' }, [search, count]));
    b.appendChild(holder);
    function drawTable() {
      var rs = tenantRows(v);
      count.textContent = int(rs.length) + ' of ' + int(Object.keys(v.tenant).length) + ' tenants';
      holder.textContent = '';
      table(holder, 'table-tenants', columnsFor('tenant'), rs, { page: PAGE, selected: state.tenant, onclick: function (r) {
        state.tenant = r.key;
        drawTable();
        drill(v);
        document.getElementById('tenant-detail').scrollIntoView({ block: 'nearest' });
      } });
    }
    search.addEventListener('input', function () { state.search = search.value; drawTable(); });
    drawTable();
    b.appendChild(h('div', { id: 'tenant-detail', class: 'detail' }));
    drill(v);
  });

  /** A tenant's models and days in the picked range. */
  function drill(v) {
    var d = document.getElementById('tenant-detail');
    d.textContent = '';
    if (!state.tenant || !v.tenant[state.tenant]) {
      d.appendChild(h('p', { class: 'note', text: 'Click a tenant to see its models and days.' }));
      return;
    }
    var t = v.tenant[state.tenant];
    d.setAttribute('data-tenant', state.tenant);
    d.appendChild(h('h3', { text: state.tenant + ': ' + money(t.cost) + ', ' + int(t.invocations) + ' invocations' }, []));
    d.lastChild.setAttribute('data-value', exact(t.cost));
    d.appendChild(h('button', { type: 'button', class: 'close', text: 'close', onclick: function () { state.tenant = null; render(); } }));
    var grid = h('div', { class: 'grid2' });
    d.appendChild(grid);
    var days = v.days.map(function (day) { var x = v.tenantDay[state.tenant][day]; return x ? x.cost : null; });
    chart(grid, 'tenant-days', 'Cost per day (USD)', 260, {
      type: 'bar', data: { labels: v.days, datasets: [{ label: state.tenant, data: days.map(dollars), backgroundColor: PALETTE[0] }] },
      options: { plugins: { legend: { display: false }, tooltip: { callbacks: { label: moneyTooltip } } }, scales: { y: { ticks: { callback: axisMoney } } } }
    });
    var models = h('div', { class: 'chart' }, [h('h3', { text: 'Models' })]);
    grid.appendChild(models);
    table(models, 'table-tenant-models', columnsFor('model'), rank(v.tenantModel[state.tenant]));
    var dayRows = Object.keys(v.tenantDay[state.tenant]).sort().map(function (k) { return { key: k, t: v.tenantDay[state.tenant][k] }; });
    var daysBox = h('details', {}, [h('summary', { text: 'Days (' + dayRows.length + ')' })]);
    d.appendChild(daysBox);
    table(daysBox, 'table-tenant-days', columnsFor('day (UTC)'), dayRows, { sort: 'key' });
  }

  addSection('models', function (v) {
    var b = body('models');
    var ranked = rank(v.model);
    var latency = {};
    D.models.top.forEach(function (m) { latency[m.key] = m; });
    ranked.forEach(function (r) {
      var m = latency[r.key] || {};
      r.t.latency_ms_p50 = m.latency_ms_p50 === undefined ? null : m.latency_ms_p50;
      r.t.latency_ms_p95 = m.latency_ms_p95 === undefined ? null : m.latency_ms_p95;
    });
    costBars(b, 'models-cost', 'Cost by model (USD)', ranked);
    table(b, 'table-models', columnsFor('model').concat([['latency_ms_p50', 'p50 ms', 'int'], ['latency_ms_p95', 'p95 ms', 'int']]), ranked);
  });

  addSection('departments', function (v) {
    var b = body('departments');
    var ranked = rank(v.department);
    costBars(b, 'departments-cost', 'Cost by department (USD)', ranked);
    table(b, 'table-departments', columnsFor('department'), ranked, { page: PAGE });
  });

  addSection('companies', function () {
    var b = body('companies');
    var rows = D.companies.top.map(function (c) { return { key: c.key, t: fromJson(c) }; });
    if (D.companies.others) { rows.push({ key: 'others (' + D.companies.others_count + ')', t: fromJson(D.companies.others) }); }
    table(b, 'table-companies', columnsFor('company'), rows);
  });

  function fromJson(c) {
    return { invocations: c.invocations, input_tokens: c.input_tokens, output_tokens: c.output_tokens, cache_read_tokens: c.cache_read_tokens,
      cache_write_tokens: c.cache_write_tokens, tokens: c.input_tokens + c.output_tokens + c.cache_read_tokens + c.cache_write_tokens,
      cost: units(c.total_cost), unpriced: c.unpriced, errors: c.errors };
  }

  addSection('activity', function (v) {
    var b = body('activity');
    var first = v.days[0] || '', last = v.days[v.days.length - 1] || '';
    var buckets = D.timeline.buckets.filter(function (x) { var day = x.key.slice(0, 10); return day >= first && day <= last; });
    chart(b, 'activity', 'Invocations per ' + D.timeline.granularity, 300, {
      type: 'line', data: { labels: buckets.map(function (x) { return x.key; }), datasets: [
        { label: 'invocations', data: buckets.map(function (x) { return x.invocations; }), borderColor: PALETTE[0], backgroundColor: PALETTE[0], pointRadius: 0, borderWidth: 2 },
        { label: 'model errors', data: buckets.map(function (x) { return x.errors; }), borderColor: PALETTE[3], backgroundColor: PALETTE[3], pointRadius: 0, borderWidth: 2 },
        { label: 'unpriced', data: buckets.map(function (x) { return x.unpriced; }), borderColor: PALETTE[6], backgroundColor: PALETTE[6], pointRadius: 0, borderWidth: 2, borderDash: [6, 4] }] },
      options: { interaction: { mode: 'index', intersect: false }, plugins: { legend: { position: 'bottom' } },
        scales: { x: { ticks: { maxTicksLimit: 12 } }, y: { beginAtZero: true, ticks: { callback: compact } } } }
    });
  });

  addSection('quality', function (v) {
    var b = body('quality');
    var grid = h('div', { class: 'grid2' });
    b.appendChild(grid);
    var unpriced = rank(v.model).filter(function (r) { return r.t.unpriced > 0; });
    var u = h('div', { class: 'chart' }, [h('h3', { text: 'Unpriced invocations by model (picked range)' })]);
    grid.appendChild(u);
    if (unpriced.length) { table(u, 'table-unpriced', [['key', 'model', 'text'], ['unpriced', 'unpriced', 'int'], ['invocations', 'invocations', 'int']], unpriced, { sort: 'unpriced' }); } else { u.appendChild(h('p', { class: 'note', text: 'None: every invocation had a price.' })); }
    var f = h('div', { class: 'chart' }, [h('h3', { text: 'Failed inputs by error type (whole slice)' })]);
    grid.appendChild(f);
    if (!D.failed.shown) { f.appendChild(h('p', { class: 'note', text: 'Failed inputs carry no tenant or model: not part of a report for one.' })); return; }
    var rows = D.failed.by_type.map(function (x) { return { key: x.key, t: { count: x.count } }; });
    table(f, 'table-failed', [['key', 'error type', 'text'], ['count', 'count', 'int']], rows, { sort: 'count' });
    f.appendChild(h('p', { class: 'note', 'data-kpi': 'failed-total', 'data-value': String(D.failed.total), text: 'Total: ' + int(D.failed.total) }));
  });

  // Budgets (Java computes them for the slice's last day) and the alerts of the picked range.
  addSection('budgets', function (v) {
    var b = body('budgets');
    var B = D.budgets || { lines: [], alerts: [], alerts_table: false, budgets_path: null };
    var first = v.days[0] || '', last = v.days[v.days.length - 1] || '';
    var alerts = B.alerts.filter(function (a) { return a.day >= first && a.day <= last; });
    if (!B.lines.length && !B.alerts.length) {
      b.appendChild(h('p', { class: 'note', id: 'budgets-none', text: B.budgets_path
        ? 'No tenant of this slice has a budget in ' + B.budgets_path + (B.alerts_table ? '' : ', and the lake has no alerts table') + '.'
        : 'No budgets given (--budgets or budgets.path) and ' + (B.alerts_table ? 'no alerts in this slice.' : 'no alerts table in the lake.') }));
      return;
    }
    if (B.lines.length) {
      var rows = B.lines.map(function (l) {
        var crossed = l.thresholds.filter(function (t) { return t.reached; }).map(function (t) {
          return t.pct + '%' + (t.alert_time ? ' (' + t.alert_time.replace('T', ' ').replace('Z', '') + ')' : ' (no alert in slice)');
        });
        return { key: l.tenant + ' ' + l.period, t: { tenant: l.tenant, period: l.period + ' from ' + l.period_start,
          budget: units(l.budget_usd), spend: units(l.spend_usd), used: l.used_pct === null ? null : Number(l.used_pct),
          thresholds: l.thresholds.map(function (t) { return t.pct + '%'; }).join(' '), crossed: crossed.join(', ') || 'none' } };
      });
      b.appendChild(h('p', { class: 'note', text: int(rows.length) + ' budgets of ' + int(new Set(B.lines.map(function (l) { return l.tenant; })).size)
        + ' tenants, spend up to ' + B.as_of + ' (whole slice, not the picked range).' }));
      table(b, 'table-budgets', [['tenant', 'tenant', 'text'], ['period', 'period (UTC)', 'text'], ['budget', 'budget', 'money'],
        ['spend', 'spend so far', 'money'], ['used', '% used', 'int'], ['thresholds', 'thresholds', 'text'],
        ['crossed', 'reached (alert time, UTC)', 'text']], rows, { sort: 'used', page: PAGE });
    }
    var box = h('div', { class: 'chart' }, [h('h3', { text: 'Alerts in the picked range: ' + int(alerts.length) })]);
    box.lastChild.setAttribute('data-value', String(alerts.length));
    box.lastChild.id = 'alerts-count';
    b.appendChild(box);
    if (!alerts.length) { box.appendChild(h('p', { class: 'note', text: B.alerts_table ? 'None in this range.' : 'The lake has no alerts table.' })); return; }
    table(box, 'table-alerts', [['key', 'time (UTC)', 'text'], ['type', 'type', 'text'], ['tenant', 'tenant', 'text'], ['period', 'period', 'text'],
      ['threshold', 'threshold %', 'int'], ['budget', 'budget', 'money'], ['spend', 'spend', 'money']], alerts.map(function (a) {
      return { key: a.event_time.replace('T', ' ').replace('Z', ''), id: a.alert_id, t: { type: a.alert_type, tenant: a.tenant,
        period: a.period + ' ' + a.period_start.slice(0, a.period === 'hour' ? 13 : 10), threshold: Number(a.threshold_pct),
        budget: units(a.budget_usd), spend: units(a.spend_usd) } };
    }), { sort: 'key', page: PAGE });
  });

  // ---- the date range picker -----------------------------------------------------------------
  function setupRange() {
    var from = document.getElementById('range-from'), to = document.getElementById('range-to');
    if (!daily.days.length) { document.getElementById('range').style.display = 'none'; return; }
    [from, to].forEach(function (i) { i.min = daily.days[0]; i.max = daily.days[daily.days.length - 1]; });
    function show() { from.value = daily.days[state.from]; to.value = daily.days[state.to]; }
    /** The index of the first day on or after `day` (or the last on or before it, for the end). */
    function index(day, end) {
      var i;
      if (end) { for (i = daily.days.length - 1; i > 0 && daily.days[i] > day; i--) { /* back */ } return i; }
      for (i = 0; i < daily.days.length - 1 && daily.days[i] < day; i++) { /* on */ }
      return i;
    }
    function changed() {
      if (!from.value || !to.value) { return; }
      var a = index(from.value, false), b = index(to.value, true);
      if (a > b) { var x = a; a = b; b = x; }
      state.from = a; state.to = b;
      show();
      render();
    }
    from.addEventListener('change', changed);
    to.addEventListener('change', changed);
    Array.prototype.forEach.call(document.querySelectorAll('#range button[data-days]'), function (btn) {
      btn.addEventListener('click', function () {
        var n = Number(btn.getAttribute('data-days'));
        state.to = daily.days.length - 1;
        if (n === 0) { state.from = 0; } else {
          var last = new Date(daily.days[state.to] + 'T00:00:00Z');
          var start = new Date(last.getTime() - (n - 1) * 86400000).toISOString().slice(0, 10);
          state.from = index(start, false);
        }
        show();
        render();
      });
    });
    show();
  }

  window.BedrockDashboard = { data: D, state: state, addSection: addSection, render: render, aggregate: aggregate,
    rank: rank, money: money, exact: exact, units: units, table: table, chart: chart,
    setRange: function (fromDay, toDay) {
      document.getElementById('range-from').value = fromDay;
      document.getElementById('range-to').value = toDay;
      document.getElementById('range-from').dispatchEvent(new Event('change'));
    } };

  document.addEventListener('DOMContentLoaded', function () {
    try {
      setupRange();
      render();
    } catch (e) {
      window.__reportError(e && e.message ? e.message : String(e));
    }
  });
}());

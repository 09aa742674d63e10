/* bedrock-cost-stream dashboard: draws SVG charts from the JSON block #report-data.
 * No library, no network. Money stays an exact decimal string: it is rounded for labels with
 * BigInt arithmetic; binary floating point is used for chart geometry only. */
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var COLORS = { input: '#4e79a7', output: '#f28e2b', cache_read: '#59a14f', cache_write: '#e15759',
    cost: '#2f6fb0', errors: '#e15759', unpriced: '#b07aa1', invocations: '#76b7b2', max: '#e15759',
    avg: '#4e79a7', p50: '#59a14f', p95: '#f28e2b', failed: '#9c755f' };
  var PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7',
    '#9c755f', '#bab0ac', '#2f6fb0', '#8cd17d', '#b6992d', '#499894', '#d37295', '#a0cbe8'];
  var TOKENS = [['input_tokens', 'input', COLORS.input], ['output_tokens', 'output', COLORS.output],
    ['cache_read_tokens', 'cache read', COLORS.cache_read], ['cache_write_tokens', 'cache write', COLORS.cache_write]];

  var data = JSON.parse(document.getElementById('report-data').textContent);
  var drawn = 0;

  // ---- exact decimal strings -------------------------------------------------------------------
  /** Rounds a decimal string half-even to `places` decimals and groups thousands: exact, no floats. */
  function decimal(s, places) {
    if (s === null || s === undefined) { return '\u2014'; }
    var neg = s.charAt(0) === '-';
    var t = neg ? s.slice(1) : s;
    var dot = t.indexOf('.');
    var intPart = dot < 0 ? t : t.slice(0, dot);
    var frac = dot < 0 ? '' : t.slice(dot + 1);
    while (frac.length < places + 1) { frac += '0'; }
    var keep = BigInt(intPart + frac.slice(0, places));
    var rest = frac.slice(places);
    var half = '5' + new Array(rest.length).join('0');
    var cmp = rest === half ? 0 : (rest > half ? 1 : -1);
    if (cmp > 0 || (cmp === 0 && keep % 2n === 1n)) { keep += 1n; }
    var digits = keep.toString();
    while (digits.length <= places) { digits = '0' + digits; }
    var ip = digits.slice(0, digits.length - places);
    var fp = places > 0 ? '.' + digits.slice(digits.length - places) : '';
    ip = ip.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (neg && keep !== 0n ? '-' : '') + ip + fp;
  }
  function usd(s) { return s === null || s === undefined ? '\u2014' : '$' + decimal(s, 2); }
  function int(n) { return n === null || n === undefined ? '\u2014' : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
  /** Short axis labels; geometry only. */
  function compact(v) {
    var a = Math.abs(v);
    if (a >= 1e9) { return (v / 1e9).toFixed(1) + 'G'; }
    if (a >= 1e6) { return (v / 1e6).toFixed(1) + 'M'; }
    if (a >= 1e3) { return (v / 1e3).toFixed(1) + 'k'; }
    if (a >= 1 || a === 0) { return String(Math.round(v * 100) / 100); }
    return v.toPrecision(2);
  }
  function num(s) { return s === null || s === undefined ? 0 : Number(s); }
  function tokens(t) { return t.input_tokens + t.output_tokens + t.cache_read_tokens + t.cache_write_tokens; }
  function hasCost(list) { return list.some(function (t) { return t.total_cost !== null && num(t.total_cost) !== 0; }); }

  // ---- SVG helpers -----------------------------------------------------------------------------
  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function text(parent, x, y, s, attrs) {
    var t = el('text', Object.assign({ x: x, y: y }, attrs || {}), parent);
    t.textContent = s;
    return t;
  }
  function title(node, s) { el('title', {}, node).textContent = s; }
  function svg(box, w, h) { return el('svg', { viewBox: '0 0 ' + w + ' ' + h, role: 'img' }, box); }
  function box(id) {
    var b = document.querySelector('[data-chart="' + id + '"] .plot');
    if (!b) { throw new Error('no chart container ' + id); }
    return b;
  }
  function done(b) { b.parentNode.setAttribute('data-rendered', 'true'); drawn++; }
  function empty(b, why) {
    var d = document.createElement('div');
    d.className = 'empty';
    d.textContent = why;
    b.appendChild(d);
    done(b);
  }
  function legend(b, items) {
    var d = document.createElement('div');
    d.className = 'legend';
    items.forEach(function (it) {
      var i = document.createElement('i');
      i.style.background = it[1];
      d.appendChild(i);
      d.appendChild(document.createTextNode(it[0]));
    });
    b.appendChild(d);
  }
  function shorten(s, n) { return s.length > n ? s.slice(0, n - 1) + '\u2026' : s; }

  // ---- charts ----------------------------------------------------------------------------------
  /** Horizontal bars: rows [{label, value (geometry), text}]. */
  function hbars(id, rows, color) {
    var b = box(id);
    if (!rows.length || rows.every(function (r) { return r.value === 0; })) { return empty(b, 'nothing to show'); }
    var W = 640, L = 210, R = 110, bh = 18, gap = 6, H = rows.length * (bh + gap) + 8;
    var s = svg(b, W, H);
    var max = Math.max.apply(null, rows.map(function (r) { return r.value; })) || 1;
    rows.forEach(function (r, i) {
      var y = 4 + i * (bh + gap);
      var w = Math.max(1, (W - L - R) * r.value / max);
      text(s, L - 6, y + bh - 5, shorten(r.label, 32), { 'text-anchor': 'end' });
      var rect = el('rect', { x: L, y: y, width: w, height: bh, fill: r.color || color, rx: 2 }, s);
      title(rect, r.label + ': ' + r.text);
      text(s, L + w + 5, y + bh - 5, r.text);
    });
    done(b);
  }

  /** Horizontal stacked bars of the token kinds. */
  function tokenBars(id, rows) {
    var b = box(id);
    if (!rows.length || rows.every(function (r) { return tokens(r) === 0; })) { return empty(b, 'no tokens'); }
    var W = 640, L = 210, R = 90, bh = 18, gap = 6, H = rows.length * (bh + gap) + 8;
    var s = svg(b, W, H);
    var max = Math.max.apply(null, rows.map(tokens)) || 1;
    rows.forEach(function (r, i) {
      var y = 4 + i * (bh + gap), x = L;
      text(s, L - 6, y + bh - 5, shorten(r.key, 32), { 'text-anchor': 'end' });
      TOKENS.forEach(function (k) {
        var w = (W - L - R) * r[k[0]] / max;
        if (w > 0) {
          title(el('rect', { x: x, y: y, width: w, height: bh, fill: k[2] }, s), r.key + ' ' + k[1] + ': ' + int(r[k[0]]));
          x += w;
        }
      });
      text(s, x + 5, y + bh - 5, compact(tokens(r)));
    });
    legend(b, TOKENS.map(function (k) { return [k[1] + ' tokens', k[2]]; }));
    done(b);
  }

  /** Line chart over the timeline buckets: series [{name, color, value: fn(bucket)}]. */
  function lines(id, buckets, series, yLabel) {
    var b = box(id);
    if (!buckets.length) { return empty(b, 'no data'); }
    var W = 680, H = 240, L = 56, R = 12, T = 10, B = 40;
    var s = svg(b, W, H);
    var max = 0;
    series.forEach(function (se) { buckets.forEach(function (k) { max = Math.max(max, se.value(k)); }); });
    if (max === 0) { max = 1; }
    var step = buckets.length > 1 ? (W - L - R) / (buckets.length - 1) : 0;
    var yOf = function (v) { return T + (H - T - B) * (1 - v / max); };
    var g = el('g', { 'class': 'grid' }, s);
    for (var i = 0; i <= 4; i++) {
      var v = max * i / 4, y = yOf(v);
      el('line', { x1: L, x2: W - R, y1: y, y2: y }, g);
      text(s, L - 4, y + 4, compact(v), { 'text-anchor': 'end' });
    }
    var every = Math.max(1, Math.ceil(buckets.length / 8));
    buckets.forEach(function (k, i) {
      if (i % every === 0 || i === buckets.length - 1) {
        text(s, L + i * step, H - B + 14, k.key.length > 10 ? k.key.slice(5) : k.key, { 'text-anchor': 'middle' });
      }
    });
    text(s, 4, 10, yLabel);
    series.forEach(function (se) {
      var d = buckets.map(function (k, i) { return (i ? 'L' : 'M') + (L + i * step).toFixed(1) + ' ' + yOf(se.value(k)).toFixed(1); }).join(' ');
      var p = el('path', { d: d, fill: 'none', stroke: se.color, 'stroke-width': 1.8 }, s);
      title(p, se.name);
      if (buckets.length === 1) { el('circle', { cx: L, cy: yOf(se.value(buckets[0])), r: 3, fill: se.color }, s); }
    });
    legend(b, series.map(function (se) { return [se.name, se.color]; }));
    done(b);
  }

  /** Donut of shares: rows [{label, value, text}]. */
  function donut(id, rows) {
    var b = box(id);
    var total = rows.reduce(function (a, r) { return a + r.value; }, 0);
    if (!total) { return empty(b, 'nothing to show'); }
    var W = 640, H = 230, cx = 115, cy = 115, r0 = 60, r1 = 105;
    var s = svg(b, W, H);
    var a = -Math.PI / 2;
    rows.forEach(function (r, i) {
      var frac = r.value / total, a2 = a + frac * 2 * Math.PI, color = PALETTE[i % PALETTE.length];
      var large = a2 - a > Math.PI ? 1 : 0;
      var d;
      if (frac >= 0.9999) {
        d = 'M' + (cx + r1) + ' ' + cy + ' A' + r1 + ' ' + r1 + ' 0 1 1 ' + (cx - r1) + ' ' + cy + ' A' + r1 + ' ' + r1 + ' 0 1 1 ' + (cx + r1) + ' ' + cy
          + ' M' + (cx + r0) + ' ' + cy + ' A' + r0 + ' ' + r0 + ' 0 1 0 ' + (cx - r0) + ' ' + cy + ' A' + r0 + ' ' + r0 + ' 0 1 0 ' + (cx + r0) + ' ' + cy + ' Z';
      } else {
        d = 'M' + (cx + r1 * Math.cos(a)) + ' ' + (cy + r1 * Math.sin(a))
          + ' A' + r1 + ' ' + r1 + ' 0 ' + large + ' 1 ' + (cx + r1 * Math.cos(a2)) + ' ' + (cy + r1 * Math.sin(a2))
          + ' L' + (cx + r0 * Math.cos(a2)) + ' ' + (cy + r0 * Math.sin(a2))
          + ' A' + r0 + ' ' + r0 + ' 0 ' + large + ' 0 ' + (cx + r0 * Math.cos(a)) + ' ' + (cy + r0 * Math.sin(a)) + ' Z';
      }
      title(el('path', { d: d, fill: color, 'fill-rule': 'evenodd' }, s), r.label + ': ' + r.text);
      if (i < 14) {
        el('rect', { x: 250, y: 8 + i * 15, width: 10, height: 10, fill: color }, s);
        text(s, 266, 17 + i * 15, shorten(r.label, 48) + '  ' + r.text);
      }
      a = a2;
    });
    done(b);
  }

  // ---- the dashboard ---------------------------------------------------------------------------
  function withOthers(group) {
    var rows = group.top.slice();
    if (group.others) { rows.push(Object.assign({}, group.others, { key: 'others (' + group.others_count + ')' })); }
    return rows;
  }
  function costRows(rows) {
    return rows.map(function (t) { return { label: t.key, value: num(t.total_cost), text: usd(t.total_cost) }; });
  }
  function byDimension(name, group) {
    var rows = withOthers(group);
    if (hasCost(rows)) {
      hbars(name + '-cost', costRows(rows), COLORS.cost);
    } else {
      empty(box(name + '-cost'), 'no priced invocations: costs are unknown (see unpriced counts)');
    }
    tokenBars(name + '-tokens', rows);
  }

  function render() {
    byDimension('tenants', data.tenants);
    byDimension('companies', data.companies);
    byDimension('departments', data.departments);
    byDimension('models', data.models);
    donut('models-share', data.models.top.map(function (t) {
      return { label: t.key, value: t.invocations, text: int(t.invocations) + ' calls' };
    }));

    var tl = data.timeline.buckets;
    lines('trend-tokens', tl, TOKENS.map(function (k) {
      return { name: k[1] + ' tokens', color: k[2], value: function (b) { return b[k[0]]; } };
    }), 'tokens per ' + data.timeline.granularity);
    if (hasCost(tl)) {
      lines('trend-cost', tl, [{ name: 'total cost (USD)', color: COLORS.cost, value: function (b) { return num(b.total_cost); } }],
        'USD per ' + data.timeline.granularity);
    } else {
      empty(box('trend-cost'), 'no priced invocations in this period');
    }
    lines('trend-calls', tl, [
      { name: 'invocations', color: COLORS.invocations, value: function (b) { return b.invocations; } },
      { name: 'model errors', color: COLORS.errors, value: function (b) { return b.errors; } },
      { name: 'unpriced', color: COLORS.unpriced, value: function (b) { return b.unpriced; } }
    ], 'per ' + data.timeline.granularity);

    var withLatency = tl.filter(function (b) { return b.latency_count > 0; });
    if (withLatency.length) {
      lines('trend-latency', tl, [
        { name: 'average latency (ms)', color: COLORS.avg, value: function (b) { return num(b.latency_ms_avg); } },
        { name: 'max latency (ms)', color: COLORS.max, value: function (b) { return b.latency_ms_max || 0; } }
      ], 'ms');
    } else {
      empty(box('trend-latency'), 'no latencies recorded');
    }
    var lat = data.models.top.filter(function (t) { return t.latency_count > 0; });
    if (lat.length) {
      hbars('latency-models', [].concat.apply([], lat.map(function (t) {
        return [
          { label: t.key + ' p50', value: t.latency_ms_p50, text: int(t.latency_ms_p50) + ' ms', color: COLORS.p50 },
          { label: t.key + ' p95', value: t.latency_ms_p95, text: int(t.latency_ms_p95) + ' ms', color: COLORS.p95 }
        ];
      })), COLORS.p50);
    } else {
      empty(box('latency-models'), 'no latencies recorded');
    }

    hbars('unpriced-models', data.models.top.filter(function (t) { return t.unpriced > 0; }).map(function (t) {
      return { label: t.key, value: t.unpriced, text: int(t.unpriced) };
    }), COLORS.unpriced);
    if (data.failed.shown) {
      hbars('failed-types', data.failed.by_type.map(function (f) {
        return { label: f.key, value: f.count, text: int(f.count) };
      }), COLORS.failed);
    } else {
      empty(box('failed-types'), 'not shown for a tenant or model filter: failed inputs carry neither');
    }
  }

  // Client-side row filter for the tables.
  Array.prototype.forEach.call(document.querySelectorAll('input.filter'), function (input) {
    input.addEventListener('input', function () {
      var q = input.value.toLowerCase();
      Array.prototype.forEach.call(document.querySelectorAll('#' + input.getAttribute('data-table') + ' tbody tr'), function (tr) {
        tr.style.display = !q || (tr.getAttribute('data-key') || '').toLowerCase().indexOf(q) >= 0 ? '' : 'none';
      });
    });
  });

  try {
    render();
    document.documentElement.setAttribute('data-charts', String(drawn));
    document.documentElement.setAttribute('data-render', 'done');
  } catch (e) {
    document.documentElement.setAttribute('data-render', 'failed');
    window.__reportError(String(e && e.stack || e));
  }
})();

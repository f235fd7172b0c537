// charts.js — the lazily loaded libraries: Leaflet with the Natural Earth
// outlines (no tiles), a grid clusterer for event markers, uPlot time series
// and the Cytoscape actor network. Popups and tooltips get DOM nodes, never
// HTML strings.
import { h, loadScript, loadCSS, QUAD_COLOR } from '../dom.js';

const V = '/assets/vendor';
let worldData = null;

export async function loadLeaflet() {
  loadCSS(`${V}/leaflet/leaflet.css`);
  await loadScript(`${V}/leaflet/leaflet.js`);
  if (!worldData) {
    worldData = fetch(`${V}/world/countries-110m.geojson`).then((r) => {
      if (!r.ok) throw new Error('could not load the world outlines');
      return r.json();
    });
  }
  return worldData;
}

// worldMap draws the world outlines into el and returns the Leaflet map.
export async function worldMap(el) {
  const world = await loadLeaflet();
  const L = window.L;
  const map = L.map(el, {
    worldCopyJump: false, minZoom: 1, maxZoom: 10, zoomSnap: 0.5,
    maxBounds: [[-85, -200], [85, 200]], maxBoundsViscosity: 0.8, preferCanvas: false,
    keyboard: true, attributionControl: true,
    // No animations: a view may remove its map at any moment (navigation).
    zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false,
  });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('Outlines: Made with Natural Earth');
  L.geoJSON(world, {
    style: () => ({ color: '#8a96a3', weight: 0.7, fillColor: '#e9edf1', fillOpacity: 1 }),
    interactive: false,
  }).addTo(map);
  map.setView([25, 15], 2);
  el.classList.add('map-drawn');
  return map;
}

// clusterLayer groups points (each {lat, lon, ...}) that fall within ~44 px
// of each other at the current zoom into one circle with a count; it redraws
// on zoom. onPick(points, bounds) is called when a circle is chosen.
export function clusterLayer(map, points, onPick) {
  const L = window.L;
  const layer = L.layerGroup().addTo(map);
  const draw = () => {
    layer.clearLayers();
    const cells = new Map();
    const size = 44;
    for (const p of points) {
      const px = map.project([p.lat, p.lon], map.getZoom());
      const k = `${Math.floor(px.x / size)}:${Math.floor(px.y / size)}`;
      if (!cells.has(k)) cells.set(k, []);
      cells.get(k).push(p);
    }
    for (const pts of cells.values()) {
      const lat = pts.reduce((s, p) => s + p.lat, 0) / pts.length;
      const lon = pts.reduce((s, p) => s + p.lon, 0) / pts.length;
      const conflict = pts.filter((p) => p.quad >= 3).length;
      const color = conflict * 2 > pts.length ? QUAD_COLOR[4] : QUAD_COLOR[2];
      const r = Math.min(26, 6 + Math.sqrt(pts.length) * 3);
      const m = L.circleMarker([lat, lon], { radius: r, color: '#fff', weight: 1.5, fillColor: color, fillOpacity: 0.85, className: 'cluster' });
      const label = `${pts.length} event${pts.length > 1 ? 's' : ''}${pts[0].placeName ? ' near ' + pts[0].placeName : ''}`;
      m.bindTooltip(h('span', label), { direction: 'top', permanent: false }); // a node, not HTML
      m.on('click', () => {
        const b = L.latLngBounds(pts.map((p) => [p.lat, p.lon]));
        onPick(pts, b);
      });
      layer.addLayer(m);
      if (pts.length > 1) {
        layer.addLayer(L.tooltip({ permanent: true, direction: 'center', className: 'count-label', interactive: false })
          .setLatLng([lat, lon]).setContent(h('span', String(pts.length))));
      }
    }
    // Markers are SVG paths; give each a name and make it reachable by keyboard.
    layer.eachLayer((l) => {
      const el = l.getElement && l.getElement();
      if (el && l instanceof L.CircleMarker) {
        el.setAttribute('tabindex', '0');
        el.setAttribute('role', 'button');
        el.setAttribute('aria-label', l.getTooltip() ? l.getTooltip().getContent().textContent : 'events');
        el.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); l.fire('click'); } });
      }
    });
  };
  map.on('zoomend', draw);
  draw();
  if (points.length) {
    const b = L.latLngBounds(points.map((p) => [p.lat, p.lon]));
    map.fitBounds(b.pad(0.4), { maxZoom: 5 });
  }
  return layer;
}

export function eventPoints(events) {
  return events.filter((e) => e.place && (e.place.lat || e.place.lon)).map((e) => ({
    lat: e.place.lat, lon: e.place.lon, quad: e.quad_class, placeName: e.place.name, event: e,
  }));
}

// timeChart draws daily counts of cooperation and conflict events.
export async function timeChart(el, events) {
  loadCSS(`${V}/uplot/uPlot.min.css`);
  await loadScript(`${V}/uplot/uPlot.iife.min.js`);
  const bucket = bucketer(events.map((e) => e.date));
  const days = new Map();
  for (const e of events) {
    if (!e.date) continue;
    const k = bucket(e.date);
    const d = days.get(k) || [0, 0];
    d[e.quad_class >= 3 ? 1 : 0]++;
    days.set(k, d);
  }
  const keys = [...days.keys()].sort();
  const xs = keys.map((k) => Date.parse(k + 'T00:00:00Z') / 1000);
  const width = Math.max(280, Math.min(el.clientWidth || 600, 900));
  const opts = {
    width, height: 200,
    scales: { x: { time: true, range: padRange(bucket) } },
    series: [{}, { label: 'cooperation', stroke: QUAD_COLOR[2], fill: 'rgba(24,100,171,0.55)', paths: bars(-1) },
      { label: 'conflict', stroke: QUAD_COLOR[4], fill: 'rgba(201,42,42,0.55)', paths: bars(1) }],
    axes: [{}, { label: `events per ${bucket.unit}` }],
  };
  const plot = new window.uPlot(opts, [xs, keys.map((k) => days.get(k)[0]), keys.map((k) => days.get(k)[1])], el);
  el.classList.add('chart-drawn');
  return plot;
}

// bucketer returns a function from YYYY-MM-DD to its day, or to its month
// (YYYY-MM-01) when the dates span more than four months.
export function bucketer(dates) {
  const ds = dates.filter(Boolean).sort();
  const span = ds.length ? (Date.parse(ds[ds.length - 1]) - Date.parse(ds[0])) / 864e5 : 0;
  const f = span > 120 ? (d) => d.slice(0, 7) + '-01' : (d) => d;
  f.unit = span > 120 ? 'month' : 'day';
  return f;
}

// padRange keeps the first and last bars inside the plot.
const padRange = (bucket) => (u, min, max) => {
  const w = (bucket.unit === 'month' ? 31 : 1) * 86400;
  return [min - w, max + w];
};

// Two series side by side: the first left of its date, the second right.
const bars = (align = 0) => window.uPlot.paths.bars({ size: [0.45, 24], gap: 1, align });

// countChart draws one or more series given as Map(date → n), as bars per
// day or per month; span ([first, last] YYYY-MM-DD), when given, is the
// whole period shown, whatever the data.
export async function countChart(el, series, span) {
  loadCSS(`${V}/uplot/uPlot.min.css`);
  await loadScript(`${V}/uplot/uPlot.iife.min.js`);
  const bucket = bucketer([...series.flatMap((s) => [...s.data.keys()]), ...(span || [])]);
  series = series.map((s) => {
    const m = new Map();
    for (const [k, n] of s.data) m.set(bucket(k), (m.get(bucket(k)) || 0) + n);
    return { ...s, data: m };
  });
  const all = new Set();
  for (const s of series) for (const k of s.data.keys()) all.add(k);
  const keys = [...all].sort();
  const xs = keys.map((k) => Date.parse(k + 'T00:00:00Z') / 1000);
  const width = Math.max(280, Math.min(el.clientWidth || 600, 900));
  const pad = padRange(bucket);
  const range = span ? (u, min, max) => pad(u, Date.parse(bucket(span[0]) + 'T00:00:00Z') / 1000, Date.parse(bucket(span[1]) + 'T00:00:00Z') / 1000) : pad;
  const plot = new window.uPlot({
    width, height: 200, scales: { x: { time: true, range } },
    series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: s.color, fill: s.color + '99', width: 1, points: { show: false }, paths: bars(series.length > 1 ? (i ? 1 : -1) : 0) }))],
    axes: [{}, { label: `per ${bucket.unit}` }],
  }, [xs, ...series.map((s) => keys.map((k) => s.data.get(k) || 0))], el);
  el.classList.add('chart-drawn');
  return plot;
}

// actorGraph draws the actor and its partners and opponents: one edge per
// pair, coloured by the mean Goldstein score (green cooperation, red
// conflict), as wide as the number of events.
export async function actorGraph(el, center, events, onActor) {
  // Cytoscape adds an inline <style> for its container unless an element with
  // this id exists; the CSP forbids inline styles, and app.css has the rule.
  if (!document.getElementById('__________cytoscape_stylesheet')) document.head.append(h('meta', { id: '__________cytoscape_stylesheet' }));
  await loadScript(`${V}/cytoscape/cytoscape.min.js`);
  const id = (a) => a.id || a.code;
  const nodes = new Map();
  const edges = new Map();
  const cid = id(center);
  nodes.set(cid, { id: cid, label: center.name || center.code, center: 1 });
  for (const e of events) {
    if (!e.source || !e.target) continue;
    const s = id(e.source); const t = id(e.target);
    if (s === t) continue;
    const other = s === cid ? e.target : t === cid ? e.source : null;
    if (!other) continue;
    const oid = id(other);
    if (!nodes.has(oid)) nodes.set(oid, { id: oid, label: other.name || other.code, center: 0 });
    const k = oid;
    const ed = edges.get(k) || { id: `e-${k}`, source: cid, target: oid, n: 0, g: 0, conflict: 0 };
    ed.n++; ed.g += Number(e.goldstein) || 0; if (e.quad_class >= 3) ed.conflict++;
    edges.set(k, ed);
  }
  const cy = window.cytoscape({
    container: el,
    elements: [
      ...[...nodes.values()].map((n) => ({ data: n })),
      ...[...edges.values()].map((e) => ({ data: { ...e, mean: e.g / e.n, w: Math.min(10, 1.5 + Math.log2(e.n) * 2), color: e.g / e.n < 0 ? QUAD_COLOR[4] : QUAD_COLOR[1], label: `${e.n} · ${(e.g / e.n).toFixed(1)}` } })),
    ],
    style: [
      { selector: 'node', style: { label: 'data(label)', 'font-size': 11, 'background-color': '#495057', color: '#212529', 'text-valign': 'bottom', 'text-margin-y': 4, width: 18, height: 18 } },
      { selector: 'node[center = 1]', style: { 'background-color': '#1971c2', width: 30, height: 30, 'font-weight': 'bold' } },
      { selector: 'edge', style: { width: 'data(w)', 'line-color': 'data(color)', opacity: 0.8, 'curve-style': 'straight', label: 'data(label)', 'font-size': 9, color: '#555', 'text-rotation': 'autorotate' } },
    ],
    layout: { name: nodes.size > 2 ? 'concentric' : 'grid', concentric: (n) => n.data('center') * 10, levelWidth: () => 1, minNodeSpacing: 30, animate: false },
  });
  cy.on('tap', 'node', (ev) => { if (ev.target.id() !== cid) onActor(ev.target.id()); });
  el.classList.add('graph-drawn');
  el.dataset.nodes = String(nodes.size);
  el.dataset.edges = String(edges.size);
  return { cy, partners: [...edges.values()].map((e) => ({ ...e, label: nodes.get(e.target).label })) };
}

// build.mjs — the console's whole build step: copy our sources and the few
// library files the browser needs into dist/, and turn the Natural Earth world
// outlines of world-atlas (TopoJSON) into one GeoJSON file with topojson-client.
// No bundler: the browser loads plain ES modules and the libraries' own builds.
// Run with `npm ci && npm run build` in web/; dist/ is committed so that a plain
// `go build` serves the console without npm.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as topojson from 'topojson-client';

const here = path.dirname(fileURLToPath(import.meta.url));
const nm = path.join(here, 'node_modules');
const dist = path.join(here, 'dist');

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(path.join(dist, 'assets', 'vendor'), { recursive: true });

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  let data = fs.readFileSync(from);
  if (/\.(js|css)$/.test(to)) {
    // Source maps are not shipped: drop the comment that would ask for them.
    data = Buffer.from(data.toString('utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n'));
  }
  fs.writeFileSync(to, data);
}

// Our own sources: index.html at the root, everything else under /assets/app/.
for (const f of fs.readdirSync(path.join(here, 'src'), { recursive: true })) {
  const from = path.join(here, 'src', f);
  if (fs.statSync(from).isDirectory()) continue;
  copy(from, f === 'index.html' ? path.join(dist, f) : path.join(dist, 'assets', 'app', f));
}

// Libraries (minified browser builds, loaded on demand by the views that need them).
const vendor = path.join(dist, 'assets', 'vendor');
const libs = [
  ['leaflet/dist/leaflet.js', 'leaflet/leaflet.js'],
  ['leaflet/dist/leaflet.css', 'leaflet/leaflet.css'],
  ['leaflet/LICENSE', 'leaflet/LICENSE'],
  ['cytoscape/dist/cytoscape.min.js', 'cytoscape/cytoscape.min.js'],
  ['cytoscape/LICENSE', 'cytoscape/LICENSE'],
  ['uplot/dist/uPlot.iife.min.js', 'uplot/uPlot.iife.min.js'],
  ['uplot/dist/uPlot.min.css', 'uplot/uPlot.min.css'],
  ['uplot/LICENSE', 'uplot/LICENSE'],
  ['world-atlas/LICENSE', 'world/LICENSE-world-atlas'],
  ['topojson-client/LICENSE', 'world/LICENSE-topojson-client'],
];
for (const f of fs.readdirSync(path.join(nm, 'leaflet/dist/images'))) {
  libs.push([`leaflet/dist/images/${f}`, `leaflet/images/${f}`]);
}
for (const [from, to] of libs) copy(path.join(nm, from), path.join(vendor, to));

// The world: Natural Earth 1:110m countries (public domain) via world-atlas,
// converted to GeoJSON, coordinates rounded to 0.01° (≈1 km, plenty at this scale).
const topo = JSON.parse(fs.readFileSync(path.join(nm, 'world-atlas/countries-110m.json'), 'utf8'));
const world = topojson.feature(topo, topo.objects.countries);
const round = (c) => (typeof c[0] === 'number' ? [Math.round(c[0] * 100) / 100, Math.round(c[1] * 100) / 100] : c.map(round));
// A ring that crosses the antimeridian (Russia, Fiji) would be drawn across
// the whole flat map: move its western points east of 180° instead.
// (Antarctica's ring goes round the pole, crossing once: it is left alone.)
const unwrap = (ring) => {
  let jumps = 0;
  for (let i = 1; i < ring.length; i++) if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) jumps++;
  return jumps > 0 && jumps % 2 === 0 ? ring.map(([x, y]) => [x < 0 ? x + 360 : x, y]) : ring;
};
for (const f of world.features) {
  const g = f.geometry;
  if (g.type === 'Polygon') g.coordinates = g.coordinates.map(unwrap);
  else if (g.type === 'MultiPolygon') g.coordinates = g.coordinates.map((p) => p.map(unwrap));
  f.geometry.coordinates = round(f.geometry.coordinates);
  f.properties = { name: f.properties.name };
}
fs.writeFileSync(path.join(vendor, 'world', 'countries-110m.geojson'), JSON.stringify(world));
fs.writeFileSync(path.join(vendor, 'world', 'ATTRIBUTION.md'),
  '# World outlines\n\nMade with Natural Earth. Free vector and raster map data @ naturalearthdata.com (public domain),\n' +
  'from the npm package world-atlas ' + JSON.parse(fs.readFileSync(path.join(nm, 'world-atlas/package.json'))).version +
  ' (ISC licence, Mike Bostock, see LICENSE-world-atlas), converted from TopoJSON to GeoJSON by web/build.mjs with\n' +
  'topojson-client (ISC licence, see LICENSE-topojson-client).\n');

let total = 0;
for (const f of fs.readdirSync(dist, { recursive: true })) {
  const p = path.join(dist, f);
  if (fs.statSync(p).isFile()) total += fs.statSync(p).size;
}
console.log(`web/dist built: ${(total / 1024).toFixed(0)} KiB`);

#!/usr/bin/env node
// docs/benchmarks_models.svg from bench/results/models.json (Node) and bench/results/browser_models.json
// (Chromium): per model, each engine's median time as a multiple of onnxruntime-web's single-threaded time (bars
// shorter than 1 are faster than ORT with one thread). Run after bench/models.mjs and bench/browser_models.mjs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (f) => (existsSync(path.join(root, f)) ? JSON.parse(readFileSync(path.join(root, f), 'utf8')) : null);
const node = read('bench/results/models.json');
const browser = read('bench/results/browser_models.json');
if (!node) {
  console.error('bench/results/models.json is missing: run node bench/models.mjs first');
  process.exit(1);
}
const LABELS = {
  'bench/models/pt_mobilenet_v2.onnx': 'MobileNetV2 int8',
  'bench/models/pt_resnet18.onnx': 'ResNet-18 int8',
  'models/fashion_mnist_int8.onnx': 'Fashion-MNIST CNN int8',
};
const BARS = [  // [label, colour, value(model) -> multiple of ORT 1 thread in the same place]
  ['qwasm, 1 thread (Node)', '#1f77b4', (m) => m.node['qwasm st'] / m.node['ort 1']],
  ['qwasm, 2 threads (Node)', '#6baed6', (m) => m.node['qwasm mt2'] / m.node['ort 1']],
  ['onnxruntime-web, 2 threads (Node)', '#fdae6b', (m) => m.node['ort 2'] / m.node['ort 1']],
  ['qwasm, 1 thread, against ORT 1 thread in Chromium', '#2ca02c', (m) => m.browser && m.browser['qwasm st'] / m.browser['ort 1']],
];
const rows = Object.entries(LABELS).map(([file, label]) => {
  const n = node.models.find((m) => m.model === file);
  const b = browser?.models.find((m) => m.file === `/${file}`);
  if (!n) return null;
  const medians = Object.fromEntries(Object.entries(n.engines).map(([k, v]) => [k, v.medianMs]));
  const bm = b ? Object.fromEntries(b.engines.map((e) => [e.name, e.medianMs])) : null;
  return { label, node: medians, browser: bm, ortMs: medians['ort 1'] };
}).filter(Boolean);

const W = 760, left = 190, right = 60, barH = 14, gap = 4, groupGap = 22, top = 58;
const scale = (W - left - right) / 1.5;  // 1.5x ORT fits
const height = top + rows.length * (BARS.length * (barH + gap) + groupGap) + 60;
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="sans-serif" font-size="12">`,
  `<rect width="100%" height="100%" fill="white"/>`,
  `<text x="${left}" y="20" font-size="14" font-weight="bold">Time per run as a multiple of onnxruntime-web 1.30, 1 thread (shorter is faster)</text>`,
  `<text x="${left}" y="38" fill="#555">${esc(`${node.date.slice(0, 16).replace('T', ' ')} UTC, ${node.cpu} x${node.cpus}, ${node.node}; batch 1, medians`)}</text>`];
let y = top;
for (const r of rows) {
  out.push(`<text x="${left - 8}" y="${y + 2 * (barH + gap)}" text-anchor="end" font-weight="bold">${esc(r.label)}</text>`);
  out.push(`<text x="${left - 8}" y="${y + 2 * (barH + gap) + 15}" text-anchor="end" fill="#555">ORT 1 thread: ${r.ortMs < 1 ? r.ortMs.toFixed(3) : r.ortMs.toFixed(1)} ms</text>`);
  for (const [label, colour, value] of BARS) {
    const v = value(r);
    if (v !== null && v !== undefined && Number.isFinite(v)) {
      out.push(`<rect x="${left}" y="${y}" width="${(Math.min(v, 1.5) * scale).toFixed(1)}" height="${barH}" fill="${colour}"><title>${esc(label)}: ${v.toFixed(2)}x</title></rect>`);
      out.push(`<text x="${left + Math.min(v, 1.5) * scale + 4}" y="${y + barH - 3}">${v.toFixed(2)}</text>`);
    }
    y += barH + gap;
  }
  y += groupGap;
}
const x1 = left + scale;
out.push(`<line x1="${x1}" y1="${top - 6}" x2="${x1}" y2="${y - groupGap + 4}" stroke="#d62728" stroke-dasharray="4 3"/>`);
out.push(`<text x="${x1}" y="${y - groupGap + 18}" text-anchor="middle" fill="#d62728">ORT, 1 thread = 1</text>`);
BARS.forEach(([label, colour], i) => {  // two legend rows of two
  const lx = left + (i % 2) * 280 - 120, ly = height - 36 + Math.floor(i / 2) * 18;
  out.push(`<rect x="${lx}" y="${ly}" width="10" height="10" fill="${colour}"/><text x="${lx + 14}" y="${ly + 9}">${esc(label)}</text>`);
});
out.push('</svg>');
writeFileSync(path.join(root, 'docs/benchmarks_models.svg'), out.join('\n') + '\n');
console.log('wrote docs/benchmarks_models.svg');

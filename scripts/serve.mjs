#!/usr/bin/env node
// A small static server for the demo and the browser tests, on 127.0.0.1 only.
// It serves the package root, with `application/wasm` for streaming instantiation and, unless
// isolation is off, the COOP/COEP headers that make a page cross-origin isolated (so threads can run).
// Usage: node scripts/serve.mjs [--port N] [--no-isolation]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.npy': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export function startServer({ port = 0, isolation = true } = {}) {
  const server = createServer(async (req, res) => {
    const headers = { 'Cache-Control': 'no-store' };
    if (isolation) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    }
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204, headers).end();
        return;
      }
      if (url.pathname === '/') {
        res.writeHead(302, { ...headers, Location: '/web-demo/' }).end();
        return;
      }
      let pathname = decodeURIComponent(url.pathname);
      if (pathname.endsWith('/')) pathname += 'index.html';
      const file = path.resolve(root, '.' + pathname);
      if (!file.startsWith(root + path.sep)) {
        res.writeHead(403, headers).end('forbidden');
        return;
      }
      const info = await stat(file).catch(() => null);
      if (!info || !info.isFile()) {
        res.writeHead(404, headers).end('not found');
        return;
      }
      headers['Content-Type'] = TYPES[path.extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, headers).end(await readFile(file));
    } catch (e) {
      res.writeHead(500, headers).end(String(e.message));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({ server, port: server.address().port });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const portIndex = args.indexOf('--port');
  const port = portIndex >= 0 ? Number(args[portIndex + 1]) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: --port must be a port number (0-65535), got '${args[portIndex + 1] ?? ''}'`);
    process.exit(2);
  }
  try {
    const { port: actual } = await startServer({ port, isolation: !args.includes('--no-isolation') });
    console.log(`qwasm demo: http://127.0.0.1:${actual}/  (Ctrl-C to stop)`);
  } catch (e) {
    console.error(e.code === 'EADDRINUSE' ? `serve: port ${port} is in use; try npm run demo -- --port ${port + 1}`
      : `serve: ${e.message}`);
    process.exit(1);
  }
}

#!/usr/bin/env node
// `npm test`: set up if needed, build (incremental), then run every test suite:
//   1. native doctest (g++, ASan + UBSan; SIMD128 kernels through SIMDe)
//   2. wasm doctest, single-threaded module flags (Node)
//   3. wasm doctest, pthreads module flags (Node)
//   4. node --test: JS API (both modules), CLI, type declarations, and real Chromium (tests/browser)
//   5. fuzz smoke: each libFuzzer program (clang, ASan + UBSan), seeded, about 60 s each (scripts/fuzz.mjs;
//      QWASM_FUZZ_SECONDS=N fuzzes N seconds each instead)
// Prints each runner's own output, then one closing line with the totals.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { build } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(':'),
  ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' };

function run(title, cmd, args) {
  console.log(`\n=== ${title}\n$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  return { title, status: r.status ?? 1, output: `${r.stdout}\n${r.stderr}` };
}

// doctest: "[doctest] test cases: 12 | 12 passed | 0 failed | 0 skipped" (possibly with colour codes).
function doctestCounts(output) {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const m = plain.match(/test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed/);
  return m ? { passed: Number(m[2]), failed: Number(m[3]) } : null;
}

// The fuzz smoke run: fixed seed and execution counts (about 60 s each on a 2-vCPU machine), from an empty corpus,
// so its outcome is reproducible with `node scripts/fuzz.mjs` and the same arguments.
const FUZZ_SMOKE = ['--fresh', '--seed', '1', '--runs', '100000,40000'];

// scripts/fuzz.mjs: "fuzz model: 12,345 executions, cov 1234, ft 5678, exit 0" per fuzzer.
function fuzzCounts(output) {
  const runs = [...output.matchAll(/^fuzz \w+: [\d,]+ executions, .*exit (\S+)$/gm)];
  if (runs.length === 0) return null;
  const passed = runs.filter((m) => m[1] === '0').length;
  return { passed, failed: runs.length - passed };
}

function nodeTestCounts(output) {
  const pass = output.match(/^# pass (\d+)/m);
  const fail = output.match(/^# fail (\d+)/m);
  return pass && fail ? { passed: Number(pass[1]), failed: Number(fail[1]) } : null;
}

const setup = spawnSync('bash', ['scripts/setup'], { cwd: root, stdio: 'inherit' });
if (setup.status !== 0) process.exit(1);
try {
  build();
} catch (e) {
  console.error(`build failed: ${e.message}`);
  process.exit(1);
}

const steps = [
  [run('native doctest (g++ ASan+UBSan, SIMDe)', 'build/native/qwasm_unit_tests', ['--no-colors']), doctestCounts],
  [run('wasm doctest (single-threaded)', process.execPath,
    ['--no-experimental-fetch', 'build/wasm/qwasm_unit_tests.js', '--no-colors']), doctestCounts],
  [run('wasm doctest (pthreads)', process.execPath,
    ['--no-experimental-fetch', 'build/wasm-mt/qwasm_unit_tests.js', '--no-colors']), doctestCounts],
  [run('node --test: JS API, CLI, types, Chromium', process.execPath,
    ['--test', '--test-reporter=tap', 'tests/js/', 'tests/browser/']), nodeTestCounts],
  [run('fuzz smoke (libFuzzer, ASan+UBSan)', process.execPath,
    process.env.QWASM_FUZZ_SECONDS ? ['scripts/fuzz.mjs', '--seconds', process.env.QWASM_FUZZ_SECONDS]
      : ['scripts/fuzz.mjs', ...FUZZ_SMOKE]), fuzzCounts],
];

let passed = 0;
let failed = 0;
console.log('\n=== summary');
for (const [r, parse] of steps) {
  const counts = parse(r.output);
  const ok = r.status === 0 && counts !== null && counts.failed === 0 && counts.passed > 0;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${r.title}: ${counts ? `${counts.passed} passed, ${counts.failed} failed` : 'no result line'}` +
    (r.status !== 0 ? ` (exit code ${r.status})` : ''));
  passed += counts?.passed ?? 0;
  failed += counts ? counts.failed : 1;
  if (!ok && counts && counts.failed === 0) failed += 1;  // a crash or an empty run counts as a failure
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

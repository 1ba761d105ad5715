#!/usr/bin/env node
// `npm run fuzz -- [--seconds N] [--only model|run] [--no-build] [--fresh --seed S --runs N]`: builds the libFuzzer
// programs (clang, ASan + UBSan, build/fuzz) and runs each for N seconds (default 60):
//   model  bytes as an ONNX model: Session::create with tight limits + one run() on zeros
//   run    bytes decoded into feeds (type, rank, dims, values) for the default int8 model
// Seeds: every committed .onnx file (tests/golden, models/) for `model`, a few well-formed and odd feeds for `run`.
// The growing corpus stays in build/fuzz/corpus/ between runs. A crash, leak, timeout or out-of-memory input is
// copied to tests/fuzz/regressions/<fuzzer>-<sha1> (the doctest suite replays that directory) and the run fails.
// Each run appends { date, fuzzer, seconds, execs, coverage, features } to build/fuzz/history.jsonl, which is
// what docs/ROBUSTNESS.md totals.
// --fresh --seed S --runs N (what `npm test` uses): an empty temporary corpus, a fixed seed and a fixed number of
// executions per fuzzer (model:runs, run:runs, e.g. --runs 60000,6000), so that a CI result can be reproduced
// exactly on any machine with the same sources and clang.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const value = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const SECONDS = Number(value('--seconds', '60'));
const FRESH = args.includes('--fresh');
const SEED = value('--seed', null);
const RUNS = value('--runs', null)?.split(',').map(Number) ?? null;
const ONLY = value('--only', null);
if (!Number.isInteger(SECONDS) || SECONDS <= 0) {
  console.error('fuzz: --seconds needs a positive integer');
  process.exit(2);
}
const FUZZERS = ['model', 'run'].filter((f) => ONLY === null || ONLY === f);
if (FUZZERS.length === 0) {
  console.error(`fuzz: --only must be model or run, got '${ONLY}'`);
  process.exit(2);
}
const build = path.join(root, 'build', 'fuzz');

function sh(cmd, argv, options = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    throw new Error(`${cmd} ${argv.join(' ')} failed (exit ${r.status})`);
  }
  return r;
}

if (!args.includes('--no-build')) {
  process.stdout.write('fuzz: building build/fuzz (clang++, libFuzzer, ASan + UBSan)... ');
  mkdirSync(build, { recursive: true });
  sh('cmake', ['-S', root, '-B', build, '-DCMAKE_CXX_COMPILER=clang++', '-DCMAKE_BUILD_TYPE=Release',
    '-DCMAKE_CXX_FLAGS=-g', '-DQWASM_SANITIZE=ON', '-DQWASM_FUZZ=ON']);
  sh('cmake', ['--build', build, '--target', ...FUZZERS.map((f) => `qwasm_fuzz_${f}`), '-j', '2']);
  console.log('done');
}

function listOnnx(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) listOnnx(p, out);
    else if (entry.name.endsWith('.onnx')) out.push(p);
  }
  return out;
}

// Seeds for `run`: [type, rank, dims..., values...] as harness.cpp reads them (type 0 float32, 1 uint8, ...).
function runSeeds() {
  const image = (type, dims, bytesPerValue) => {
    const count = dims.reduce((a, b) => a * b, 1);
    const values = Buffer.alloc(count * bytesPerValue);
    for (let i = 0; i < values.length; i++) values[i] = (i * 37) & 0xff;
    return Buffer.concat([Buffer.from([type, dims.length, ...dims]), values, Buffer.from([1])]);
  };
  return [image(0, [1, 1, 28, 28], 4), image(0, [2, 1, 28, 28], 4), image(1, [1, 1, 28, 28], 1),
    image(0, [1, 28, 28], 4), image(0, [1, 1, 27, 29], 4), Buffer.from([0, 0, 0])];
}

function seedDir(fuzzer) {
  const dir = path.join(build, 'seeds', fuzzer);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (fuzzer === 'model') {
    for (const file of [...listOnnx(path.join(root, 'tests', 'golden')), ...listOnnx(path.join(root, 'models'))]) {
      const bytes = readFileSync(file);
      if (bytes.length <= 1 << 20) copyFileSync(file, path.join(dir, path.basename(file)));
    }
  } else {
    runSeeds().forEach((b, i) => writeFileSync(path.join(dir, `seed-${i}`), b));
  }
  return dir;
}

let failed = false;
for (const fuzzer of FUZZERS) {
  const corpus = path.join(build, FRESH ? 'fresh-corpus' : 'corpus', fuzzer);
  if (FRESH) rmSync(corpus, { recursive: true, force: true });
  const artifacts = path.join(build, FRESH ? 'fresh-artifacts' : 'artifacts', fuzzer);
  mkdirSync(corpus, { recursive: true });
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const seeds = seedDir(fuzzer);
  // --runs model,run (one number: both)
  const limits = RUNS ? [`-runs=${RUNS[fuzzer === 'model' ? 0 : 1] ?? RUNS[0]}`] : [`-max_total_time=${SECONDS}`];
  if (SEED !== null) limits.push(`-seed=${SEED}`);
  console.log(`\nfuzz ${fuzzer}: ${limits.join(' ')}, corpus ${path.relative(root, corpus)} + seeds ${readdirSync(seeds).length}`);
  const started = Date.now();
  const r = spawnSync(path.join(build, `qwasm_fuzz_${fuzzer}`), [
    ...limits, '-timeout=20', '-rss_limit_mb=2560', '-max_len=1048576', '-print_final_stats=1',
    `-artifact_prefix=${artifacts}/`, corpus, seeds,
  ], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28,
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:allocator_may_return_null=1', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' } });
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const lastStatus = [...log.matchAll(/^#(\d+)\s+\S+\s+cov: (\d+) ft: (\d+)/gm)].pop();
  const execs = Number(log.match(/stat::number_of_executed_units: (\d+)/)?.[1] ?? lastStatus?.[1] ?? 0);
  // seconds: what was asked for; elapsed: wall time actually fuzzed (shorter when a finding stops the run).
  const record = { date: new Date().toISOString(), fuzzer, seconds: RUNS ? null : SECONDS,
    elapsed: Math.round((Date.now() - started) / 1000), seed: SEED, execs,
    coverage: Number(lastStatus?.[2] ?? 0), features: Number(lastStatus?.[3] ?? 0), exitCode: r.status };
  appendFileSync(path.join(build, 'history.jsonl'), `${JSON.stringify(record)}\n`);
  console.log(`fuzz ${fuzzer}: ${execs.toLocaleString('en')} executions, cov ${record.coverage}, ft ${record.features}, ` +
    `exit ${r.status}`);
  // slow-unit-* files are inputs that took over 10 s once: on a busy machine that is the scheduler, not qwasm (a
  // real hang hits -timeout and exits non-zero), so they are reported, not failed on.
  const produced = readdirSync(artifacts);
  const slow = produced.filter((name) => name.startsWith('slow-unit-'));
  if (slow.length > 0) console.log(`fuzz ${fuzzer}: ${slow.length} slow unit(s) noted in ${path.relative(root, artifacts)}`);
  const found = produced.filter((name) => !name.startsWith('slow-unit-'));
  if (r.status !== 0 || found.length > 0) {
    failed = true;
    console.log(log.split('\n').filter((l) => !l.startsWith('#')).slice(-60).join('\n'));
    mkdirSync(path.join(root, 'tests', 'fuzz', 'regressions'), { recursive: true });
    for (const name of found) {
      const bytes = readFileSync(path.join(artifacts, name));
      const target = path.join(root, 'tests', 'fuzz', 'regressions',
        `${fuzzer}-${createHash('sha1').update(bytes).digest('hex')}`);
      if (!existsSync(target)) writeFileSync(target, bytes);
      console.log(`fuzz ${fuzzer}: ${name} saved as ${path.relative(root, target)}`);
    }
  }
}
process.exit(failed ? 1 : 0);

// Whole models against PyTorch, bit for bit: every case of tests/golden/model_runs.qgf (QDQ files pt_/tx_, written
// by tests/golden/generate_model_fixtures.py from real PyTorch, qnnpack engine) and of qoperator_runs.qgf (the same
// PyTorch outputs for the QOperator files qo_) runs through qwasm.InferenceSession, and its float32 output must
// have exactly the bits of PyTorch's. Run once per module variant
// (model_golden.test.mjs: single-threaded, model_golden_mt.test.mjs: pthreads; one process each).
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as qwasm from '../../js/index.mjs';
import { f32Bits, floatText, load, path as goldenPath } from './golden.mjs';

const FILES = ['model_runs.qgf', 'qoperator_runs.qgf'];

// Cases the C++ runtime gets wrong today. They still run (node:test `todo`: reported as "# TODO", not counted as
// failures) so that a fix shows up at once; delete the entry when the case passes.
const KNOWN_RUNTIME_BUGS = {
  // case name: 'issue #N, runtime: what is wrong',
};

export function registerModelGoldenTests({ threads, expectBuild }) {
  test(`load the ${expectBuild} module`, async () => {
    await qwasm.init({ threads });
    assert.equal(qwasm.features().build, expectBuild);
  });
  for (const file of FILES) registerFile(file, expectBuild);
}

function registerFile(file, expectBuild) {
  if (!existsSync(goldenPath(file))) {
    test(`${file} against PyTorch (${expectBuild})`, {
      skip: `tests/golden/${file} does not exist (written by the generators in tests/golden/)`,
    }, () => {});
    return;
  }
  const cases = load(file);
  const totals = cases.find((c) => c.name === '_totals');
  const runs = cases.filter((c) => c.has('model'));
  const sessions = new Map();
  let compared = 0;
  let elements = 0;

  for (const c of runs) {
    test(`${file} ${c.name}: output bits equal PyTorch's`, { todo: KNOWN_RUNTIME_BUGS[c.name] }, async () => {
      const model = c.str('model').replace(/\.onnx$/, '');
      if (!sessions.has(model)) {
        sessions.set(model, await qwasm.InferenceSession.create(readFileSync(goldenPath(`models/${model}.onnx`))));
      }
      const session = sessions.get(model);
      assert.equal(session.inputNames.length, 1, `${model}: one input expected`);
      const x = new qwasm.Tensor('float32', c.f32('input'), c.i64('input_shape'));
      const out = await session.run({ [session.inputNames[0]]: x });
      const y = out[session.outputNames[0]];
      const expected = c.f32('output');
      assert.equal(y.type, 'float32');
      assert.deepEqual(y.dims, c.i64('output_shape'), `${c.name}: output dims`);
      const got = f32Bits(y.data);
      const want = f32Bits(expected);
      const bad = [];
      for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) bad.push(i);
      assert.equal(bad.length, 0, `${c.name}: ${bad.length} of ${want.length} outputs differ from PyTorch, e.g. ${
        bad.slice(0, 4).map((i) => `[${i}] qwasm ${floatText(y.data[i])} vs PyTorch ${floatText(expected[i])}`).join(', ')}`);
      compared++;
      elements += want.length;
    });
  }

  test(`${file}: every case and every output element was compared`, () => {
    for (const s of sessions.values()) s.dispose();
    const known = runs.filter((c) => KNOWN_RUNTIME_BUGS[c.name]).length;
    assert.ok(compared >= runs.length - known, 'every case not listed in KNOWN_RUNTIME_BUGS passed');
    if (totals) {
      assert.equal(runs.length, totals.i64Scalar('cases'), 'every case of the file is a run');
      if (known === 0) assert.equal(elements, totals.i64Scalar('elements'), 'every output element was compared');
    }
  });
}

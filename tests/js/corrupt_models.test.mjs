// Corrupt models through the public API: every truncation at each 1/64 of the default int8 model and seeded random
// byte changes either load (and then run or reject a run) or reject create() with a QwasmError that has a
// message; nothing crashes, the module then still loads and runs the valid model with the same output, and the
// wasm heap is where it was.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as qwasm from '../../js/index.mjs';

const model = readFileSync(new URL('../../models/fashion_mnist_int8.onnx', import.meta.url));
const image = () => {
  const x = new Float32Array(28 * 28);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 37) % 256) / 255;
  return new qwasm.Tensor('float32', x, [1, 1, 28, 28]);
};

async function tryModel(bytes, outcomes) {
  let session;
  try {
    session = await qwasm.InferenceSession.create(bytes);
  } catch (e) {
    assert.ok(e instanceof qwasm.QwasmError, `not a QwasmError: ${e}`);
    assert.ok(e.message.length > 20, `message: '${e.message}'`);
    outcomes.rejected++;
    return;
  }
  try {
    await session.run({ [session.inputNames[0]]: image() });
    outcomes.ran++;
  } catch (e) {
    assert.ok(e instanceof qwasm.QwasmError, `run: not a QwasmError: ${e}`);
    assert.ok(e.message.length > 10, `run message: '${e.message}'`);
    outcomes.runRejected++;
  } finally {
    session.dispose();
  }
}

{  // the default module (a process loads one module)
  test('corrupt models: clean errors, the module stays usable, no leak', async () => {
    await qwasm.init();
    const valid = await qwasm.InferenceSession.create(model);
    const expected = (await valid.run({ input: image() })).logits.data;
    valid.dispose();
    // Two passes over the same corpus: the first may leave one-time allocations (function-local statics built on
    // first use, e.g. when a code path first reports an error); the second must leave the heap exactly as it was.
    const corpus = async () => {
      const outcomes = { rejected: 0, ran: 0, runRejected: 0 };
      for (let k = 0; k < 64; k++) await tryModel(model.subarray(0, Math.floor((model.length * k) / 64)), outcomes);
      assert.equal(outcomes.rejected, 64, 'every truncation is rejected');
      let seed = 20261123;
      const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
      for (let trial = 0; trial < 300; trial++) {
        const bytes = Uint8Array.from(model);
        const changes = 1 + Math.floor(random() * 8);
        for (let c = 0; c < changes; c++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        await tryModel(bytes, outcomes);
      }
      assert.equal(outcomes.rejected + outcomes.ran + outcomes.runRejected, 364);
      assert.ok(outcomes.rejected > 64 && outcomes.ran > 0, JSON.stringify(outcomes));  // both paths exercised
      return outcomes;
    };
    await corpus();
    const heap = qwasm.stats().heapBytes;
    const outcomes = await corpus();
    assert.equal(qwasm.stats().heapBytes, heap, `heap after the second pass (${JSON.stringify(outcomes)})`);
    const again = await qwasm.InferenceSession.create(model);
    assert.deepEqual((await again.run({ input: image() })).logits.data, expected);
    again.dispose();
  });
}

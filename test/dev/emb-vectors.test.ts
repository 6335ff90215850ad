// The word-vector view of round 8 (src/classify/embedded/embeddings.ts, used by scripts/dev/exp-emb.ts):
// a text's vector is the L2-normalised (weighted) mean of its known words' vectors, Chinese texts and
// texts without a known word get none; a restricted table keeps the most frequent rows and the given
// words in the source's order; int8 rows reproduce the vectors closely; the package's JSON format is
// read row by row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Embeddings, idfWeights, quantiseTable, readPackageTable, restrictTable, surfaceWords, type EmbeddingTable } from '../../scripts/dev/emb-vectors.ts';

// four words in "frequency" order, 3 dimensions
const table: EmbeddingTable = {
  dim: 3,
  words: ['audit', 'assessment', 'regulator', 'weather'],
  vectors: Float32Array.from([1, 0, 0, 0.8, 0.6, 0, 0, 0, 2, 0, -3, 0]),
};

test('a text vector is the normalised mean of its known words; stop words, Chinese and unknown words give nothing', () => {
  const e = new Embeddings(table);
  const out = new Float64Array(3);
  assert.deepEqual(surfaceWords('The audit and the Assessment of it, by a regulator.'), ['audit', 'assessment', 'regulator']);
  assert.equal(e.embed('An audit and an assessment', out), true);
  const n = Math.hypot(1.8, 0.6, 0);
  assert.deepEqual(Array.from(out, (v) => v.toFixed(6)), [1.8 / n, 0.6 / n, 0].map((v) => v.toFixed(6)));
  assert.equal(e.embed('提供者应当进行审计 audit', out), false);
  assert.deepEqual(Array.from(out), [0, 0, 0]);
  assert.equal(e.embed('the of and', out), false);
  assert.equal(e.embed('unknown words only', out), false);
  // weights change the mean: "weather" weighted 0 leaves the regulator's direction alone
  const weighted = new Embeddings({ ...table, weights: Float32Array.from([1, 1, 1, 0]) });
  assert.equal(weighted.embed('regulator weather', out), true);
  assert.deepEqual(Array.from(out), [0, 0, 1]);
});

test('idf weights: rarer words in the training texts weigh more, a word in no text the most', () => {
  const w = idfWeights(table, ['audit audit', 'audit assessment', 'audit']);
  assert.ok(w[0]! < w[1]! && w[1]! < w[2]!);
  assert.equal(w[2], w[3]);
});

test('a restricted table keeps the top rows and the given words in the source order, and int8 rows stay close', () => {
  const r = restrictTable(table, ['weather', 'nowhere'], 1);
  assert.deepEqual(r.words, ['audit', 'weather']);
  assert.deepEqual(Array.from(r.vectors), [1, 0, 0, 0, -3, 0]);
  const q = quantiseTable(table);
  assert.ok(q.vectors instanceof Int8Array && q.scales);
  for (let i = 0; i < table.vectors.length; i++) assert.ok(Math.abs(q.vectors[i]! * q.scales![Math.floor(i / 3)]! - table.vectors[i]!) < 0.02);
  const out = new Float64Array(3);
  new Embeddings(q).embed('audit assessment', out);
  assert.ok(Math.abs(out[0]! - 1.8 / Math.hypot(1.8, 0.6)) < 0.01);
});

test("the package's JSON is read row by row, only the rows asked for, in rank order", () => {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-emb-'));
  const file = join(dir, 'table.json');
  // the package's layout: per word its values, then its L2 norm and its rank
  const json = '{"precision":8,"l2NormIndex":3,"wordIndex":4,"size":3,"dimensions":3,"words":["the","\\"","audit"],' +
    '"vectors":{"the":[1,2,3,3.7,0],"\\"":[0.5,0.5,0.5,0.87,1],"audit":[-1,0.25,2,2.2,2]},"unkVector":[0,0,0,0,-1]}';
  writeFileSync(file, json);
  const all = readPackageTable(file);
  assert.deepEqual(all.words, ['the', '"', 'audit']);
  assert.deepEqual(Array.from(all.vectors), [1, 2, 3, 0.5, 0.5, 0.5, -1, 0.25, 2]);
  const some = readPackageTable(file, (w, rank) => rank === 0 || w === 'audit');
  assert.deepEqual(some.words, ['the', 'audit']);
  writeFileSync(file, json.replace('"wordIndex":4', '"wordIndex":7'));
  assert.throws(() => readPackageTable(file), /not the word-vector table/);
});

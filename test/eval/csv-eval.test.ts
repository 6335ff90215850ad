import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { evaluateCsv, parseFilter, type Learner, type TrainExample } from '../../src/eval/csv-eval.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govnav-eval-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

// 13 rows in 4 documents; class "sec" talks about attacks, class "env" about energy. One row has no label.
const SEC = ['firewall blocks the attack', 'patch the exploit quickly', 'detect malware intrusion', 'phishing attack training'];
const ENV = ['reduce energy use', 'report carbon emissions', 'cooling water footprint', 'energy efficient chips'];
const rows: string[][] = [['id', 'doc', 'title', 'body', 'label', 'kind']];
let id = 0;
for (const doc of ['d1', 'd2', 'd3']) {
  for (let k = 0; k < 2; k++) {
    rows.push([`r${++id}`, doc, 'Control', SEC[(id + k) % 4], 'sec', 'x']);
    rows.push([`r${++id}`, doc, 'Control', ENV[(id + k) % 4], 'env', id % 4 === 0 ? 'drop' : 'x']);
  }
}
rows.push([`r${++id}`, 'd4', 'Control', 'an unlabelled row', '', 'x']);
const csv = (r: string[][]) => r.map((x) => x.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n') + '\n';
const GOLD = join(dir, 'gold.csv');
const FOLDS = join(dir, 'folds.csv');
const TRAIN = join(dir, 'train.csv');
writeFileSync(GOLD, csv(rows));
writeFileSync(FOLDS, csv([['doc', 'fold'], ['d1', '0'], ['d2', '1'], ['d3', '2'], ['d4', '2']]));
writeFileSync(
  TRAIN,
  csv([
    ['title', 'body', 'label'],
    ...SEC.map((s) => ['Control', s, 'sec']),
    ...ENV.map((s) => ['Control', s, 'env']),
  ]),
);

/** A learner that records what it was trained on and predicts by keyword. */
function spy(): Learner & { fits: TrainExample[][] ; predicted: string[][] } {
  const fits: TrainExample[][] = [];
  const predicted: string[][] = [];
  return {
    name: 'spy',
    fits,
    predicted,
    fit(ex) {
      fits.push(ex);
      return (texts) => {
        predicted.push(texts);
        return texts.map((t) => ({ label: /energy|carbon|cooling/.test(t) ? 'env' : 'sec' }));
      };
    },
  };
}

test('folds: each fold is predicted by a model trained on the other folds only', async () => {
  const s = spy();
  const res = await evaluateCsv({ gold: GOLD, text: ['title', 'body'], label: 'label', folds: FOLDS, group: 'doc' }, [s]);
  assert.equal(res.n, 12);
  assert.equal(res.skipped, 1);
  assert.equal(res.folds!.length, 3);
  assert.equal(s.fits.length, 3);
  for (const [i, f] of res.folds!.entries()) {
    assert.equal(s.fits[i].length, f.train);
    const testDoc = `d${i + 1}`;
    assert.ok(s.fits[i].every((e) => e.group !== testDoc), `fold ${f.fold} trained on its own document`);
    assert.equal(s.predicted[i].length, f.test);
  }
  // --text columns joined with a space
  assert.ok(s.fits[0].some((e) => e.text.startsWith('Control ')));
  // the keyword learner gets "cooling water footprint" right (cooling) and every row right: κ = 1
  assert.equal(res.results[0].agreement.kappa, 1);
  assert.equal(res.results[0].agreement.n, 12);
});

test('--train: trained on the train file, scored on every labelled gold row', async () => {
  const s = spy();
  const res = await evaluateCsv({ gold: GOLD, text: ['title', 'body'], label: 'label', train: TRAIN }, [s]);
  assert.equal(s.fits.length, 1);
  assert.equal(s.fits[0].length, 8);
  assert.equal(s.predicted[0].length, 12);
  assert.equal(res.mode, 'train');
});

test('--filter keeps or drops rows; they are counted apart from empty labels', async () => {
  const res = await evaluateCsv(
    { gold: GOLD, text: ['body'], label: 'label', folds: FOLDS, group: 'doc', filters: [parseFilter('kind!=^drop$')] },
    [spy()],
  );
  const dropped = rows.slice(1).filter((r) => r[5] === 'drop').length;
  assert.ok(dropped > 0);
  assert.equal(res.filtered, dropped);
  assert.equal(res.n, 12 - dropped);
  assert.throws(() => parseFilter('nonsense'), /expected COL=REGEX/);
});

test('errors name the file and the missing column or bad row', async () => {
  await assert.rejects(
    evaluateCsv({ gold: GOLD, text: ['title', 'nope'], label: 'label', folds: FOLDS, group: 'doc' }, [spy()]),
    (e: Error) => e.message.includes(GOLD) && e.message.includes('no column "nope"'),
  );
  await assert.rejects(
    evaluateCsv({ gold: GOLD, text: ['body'], label: 'label', folds: FOLDS, group: 'id' }, [spy()]),
    (e: Error) => e.message.includes(FOLDS) && e.message.includes('"id"'),
  );
  const partial = join(dir, 'partial-folds.csv');
  writeFileSync(partial, 'doc,fold\nd1,0\nd2,1\n');
  await assert.rejects(
    evaluateCsv({ gold: GOLD, text: ['body'], label: 'label', folds: partial, group: 'doc' }, [spy()]),
    /gold\.csv, line \d+: doc "d3" is not in the folds file/,
  );
  await assert.rejects(evaluateCsv({ gold: join(dir, 'missing.csv'), text: ['a'], label: 'b', train: TRAIN }, [spy()]), /missing\.csv: file not found/);
});

function govnav(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/govnav.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env } });
}

test('govnav eval --json: fields, skipped rows, baseline side by side', () => {
  const r = govnav(['eval', '--gold', GOLD, '--text', 'title,body', '--label', 'label', '--folds', FOLDS, '--group', 'doc', '--baseline', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  for (const k of ['n', 'accuracy', 'kappa', 'macro_f1', 'alpha', 'per_class', 'confusion', 'skipped', 'baseline']) assert.ok(k in j, `missing ${k}`);
  assert.equal(j.n, 12);
  assert.equal(j.skipped, 1);
  assert.equal(j.baseline.n, 12);
  assert.deepEqual(j.confusion.labels, ['env', 'sec']);
  assert.equal(j.confusion.matrix.flat().reduce((a: number, b: number) => a + b, 0), 12);
  assert.match(r.stderr, /fold 2 \(3\/3\): embedded trains on/);
});

test('govnav eval table output and a clear error for a bad column', () => {
  const ok = govnav(['eval', '--gold', GOLD, '--text', 'body', '--label', 'label', '--train', TRAIN, '-q']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /Rows scored: 12; 1 skipped \(empty label\)/);
  assert.match(ok.stdout, /Confusion matrix \(embedded; rows = gold, columns = predicted\)/);
  const bad = govnav(['eval', '--gold', GOLD, '--text', 'body', '--label', 'category', '--train', TRAIN, '-q']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /gold\.csv: no column "category" \(--label\)/);
});

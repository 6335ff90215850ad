import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireShared, SHARED_DIR } from '../helpers/shared.ts';
import { axisCommand, findAxis, PROTOCOL_AXES, runProtocol } from '../../src/eval/protocol.ts';

test('the protocol defines the eight axes of ../shared/eval/README.md, each reproducible as one command', () => {
  assert.deepEqual(
    PROTOCOL_AXES.map((a) => a.id),
    [
      'risk-domain',
      'risk-subdomain',
      'risk-entity',
      'risk-intent',
      'risk-timing',
      'mitigation-v1-category',
      'mitigation-v1-subcategory',
      'nist-function',
    ],
  );
  const cmd = axisCommand(findAxis('risk-subdomain'));
  assert.match(cmd, /--filter 'subdomain_code!=\^X\|\\\.0\$'/);
  assert.match(cmd, /--folds \.\.\/shared\/eval\/folds_risk_db_v4\.csv --group paper_id/);
  assert.throws(() => findAxis('nope'), /unknown protocol axis/);
});

test('protocol on the NIST AI RMF function axis: embedded beats the TF-IDF + SVM baseline by kappa', async (t) => {
  if (!requireShared(t, 'data/ibm-ai-atlas-nexus/nist_ai_600_1_actions.csv')) return;
  if (!requireShared(t, 'eval/folds_nist_actions.csv')) return;
  const [r] = await runProtocol(SHARED_DIR, { axes: ['nist-function'] });
  assert.equal(r.result.n, 212);
  assert.equal(r.result.folds!.length, 5);
  const [emb, base] = r.result.results;
  assert.equal(emb.learner, 'embedded');
  assert.equal(base.learner, 'baseline');
  // every row predicted exactly once, labels resolved to taxonomy codes
  assert.equal(emb.predictions.length, 212);
  assert.deepEqual(emb.agreement.confusion.labels, ['govern', 'map', 'measure', 'manage']);
  assert.ok(emb.agreement.kappa > base.agreement.kappa, `embedded κ ${emb.agreement.kappa} vs baseline κ ${base.agreement.kappa}`);
  assert.ok(base.agreement.kappa > 0.25 && base.agreement.kappa < 0.45, `baseline κ ${base.agreement.kappa} near the reference 0.343`);
  assert.ok(emb.coverage && emb.coverage.coverage < 1 && emb.coverage.coverage > 0);
});

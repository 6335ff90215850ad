import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireShared, SHARED_DIR } from '../helpers/shared.ts';
import { axisCommand, findAxis, PROTOCOL_AXES, protocolRows, runProtocol } from '../../src/eval/protocol.ts';

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

test('protocol on the NIST AI RMF function axis: embedded and the baseline at C = 1 and 0.5, κ with bootstrap intervals', async (t) => {
  if (!requireShared(t, 'data/ibm-ai-atlas-nexus/nist_ai_600_1_actions.csv')) return;
  if (!requireShared(t, 'eval/folds_nist_actions.csv')) return;
  const [r] = await runProtocol(SHARED_DIR, { axes: ['nist-function'] });
  assert.equal(r.result.n, 212);
  assert.equal(r.result.folds!.length, 5);
  const [emb, base, base05] = r.result.results;
  assert.equal(emb.learner, 'embedded');
  assert.equal(base.learner, 'baseline');
  assert.equal(base05.learner, 'baseline C=0.5');
  // every row predicted exactly once, labels resolved to taxonomy codes
  assert.equal(emb.predictions.length, 212);
  assert.deepEqual(emb.agreement.confusion.labels, ['govern', 'map', 'measure', 'manage']);
  // The gain over the baseline is within noise on 212 rows, so no margin is asserted: only that the
  // intervals are there and hold their point estimates.
  for (const x of [emb, base, base05]) {
    assert.equal(x.kappaCI!.estimate, x.agreement.kappa);
    assert.ok(x.kappaCI!.low <= x.agreement.kappa && x.agreement.kappa <= x.kappaCI!.high);
    assert.ok(x.kappaCI!.high - x.kappaCI!.low > 0.05, 'on 212 rows the interval is wide');
  }
  for (const x of [base, base05]) {
    const d = x.difference!;
    assert.ok(Math.abs(d.estimate - (emb.agreement.kappa - x.agreement.kappa)) < 1e-12);
    assert.ok(d.low <= d.estimate && d.estimate <= d.high);
  }
  assert.ok(emb.agreement.kappa > 0.2, `embedded κ ${emb.agreement.kappa} well above chance`);
  assert.ok(base.agreement.kappa > 0.25 && base.agreement.kappa < 0.45, `baseline κ ${base.agreement.kappa} near the reference 0.343`);
  assert.ok(emb.coverage && emb.coverage.coverage < 1 && emb.coverage.coverage > 0);
  const rows = protocolRows([r]);
  assert.match(rows[1]![3]!, /^0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]$/);
});

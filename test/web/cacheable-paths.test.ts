// Which paths the shared page cache may keep: public pages yes; a statement's history no (it
// changes with suggestions, which do not change the data version), nor personal or write pages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCacheablePath } from '../../src/web/components/page-cache.ts';

test('public pages are cacheable; history, review, sign-in and suggestion pages are not', () => {
  for (const p of ['/', '/d', '/search', '/m/S0001', '/d/D0001', '/t/mitigation-v2/1.1', '/risk/2', '/topics/security'])
    assert.equal(isCacheablePath(p), true, p);
  for (const p of ['/m/S0001/history', '/review', '/review/agreement', '/signin', '/suggest/S0001', '/admin/feedback'])
    assert.equal(isCacheablePath(p), false, p);
});

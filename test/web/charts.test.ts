// SVG and highlighting are built with the same escaping template as the pages: hostile labels,
// titles and links come out as text, never as markup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart } from '../../src/web/charts.ts';
import { highlight } from '../../src/web/html.ts';

test('bar chart labels, tooltips and links are escaped inside the SVG', () => {
  const out = String(
    barChart({ id: 'c', caption: 'Counts', lang: 'en', bars: [{ label: '<script>alert(1)</script>', value: 3, href: '/search?a=1&b="x"', title: 'a "quoted" <b>title</b>' }] }),
  );
  const svg = /<svg[\s\S]*<\/svg>/.exec(out)![0];
  assert.ok(!svg.includes('<script>'));
  assert.ok(svg.includes('&lt;script&gt;'));
  assert.ok(svg.includes('href="/search?a=1&amp;b=&quot;x&quot;"'));
  assert.ok(svg.includes('&lt;b&gt;title&lt;/b&gt;'));
  assert.ok(!/<b>/.test(svg));
});

test('highlighting wraps ranges in <mark> and escapes the text around and inside them', () => {
  assert.equal(String(highlight('a <b> & privacy "x"', [{ start: 8, end: 15 }])), 'a &lt;b&gt; &amp; <mark>privacy</mark> &quot;x&quot;');
  assert.equal(String(highlight('<i>', [])), '&lt;i&gt;');
});

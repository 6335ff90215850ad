// Statement text as published: Markdown/HTML rendered to allow-listed HTML, plain text for
// snippets, names without list markers or quotes, long author lists shortened (issue 16).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shortAuthors, splitAuthors } from '../../src/text/authors.ts';
import { ALLOWED, cleanName, markupOf, plainText, renderText, safeHref } from '../../src/text/markup.ts';
import { snippet, titleOf } from '../../src/web/components/statements.ts';

const tags = (h: string) => [...h.matchAll(/<\/?([a-z0-9]+)/gi)].map((m) => m[1]!.toLowerCase());
const attrs = (h: string) => [...h.matchAll(/<[a-z0-9]+\s+([^>]*)>/gi)].map((m) => m[1]!);

const FINOS = '## Summary\n\nUsing hosted LLMs creates a **two-way trust boundary** (see [memorize](https://arxiv.org/pdf/2310.18362)).\n\n*   **Model Memorization**: data may leak.\n*   **Prompt attacks**: see ri-10.\n';
const ATLAS = 'Much like the [Search Open Technical Databases](/techniques/AML.T0000), adversaries may use [Create Proxy AI Model](/techniques/AML.T0005).';

test('Markdown renders to allow-listed HTML: headings as bold paragraphs, strong, lists, absolute links', () => {
  const h = renderText(FINOS, 'markdown');
  assert.ok(h.includes('<p><strong>Summary</strong></p>'), h);
  assert.ok(h.includes('<strong>two-way trust boundary</strong>'));
  assert.ok(h.includes('<a href="https://arxiv.org/pdf/2310.18362">memorize</a>'));
  assert.ok(h.includes('<ul><li><strong>Model Memorization</strong>: data may leak.</li>'), h);
  for (const m of ['**', '## ', '](']) assert.ok(!h.includes(m), m);
  for (const tg of tags(h)) assert.ok((ALLOWED as readonly string[]).includes(tg), tg);
  for (const a of attrs(h)) assert.match(a, /^href="https?:\/\/[^"]+"$/);
});

test('relative links resolve against the source site, or stay as text without one', () => {
  const withBase = renderText(ATLAS, 'markdown', { base: 'https://atlas.mitre.org/' });
  assert.ok(withBase.includes('<a href="https://atlas.mitre.org/techniques/AML.T0005">Create Proxy AI Model</a>'), withBase);
  const noBase = renderText(ATLAS, 'markdown');
  assert.ok(noBase.includes('use Create Proxy AI Model.') && !noBase.includes('<a'), noBase);
  assert.equal(plainText(ATLAS, 'markdown'), 'Much like the Search Open Technical Databases, adversaries may use Create Proxy AI Model.');
});

test('the sanitiser drops scripts, images, event handlers, styles and javascript: links', () => {
  const md = 'Hi <script>alert(1)</script> <img src=x onerror=alert(2)> [bad](javascript:alert(3)) ![pic](https://x/y.png) <b style="color:red" onclick="x()">b</b>\n\n<div onmouseover="alert(4)">block <iframe src="https://evil"></iframe></div>';
  const h = renderText(md, 'markdown');
  for (const bad of ['<script', '<img', 'onerror', 'onclick', 'onmouseover', 'javascript:', '<iframe', 'style=', '<div', '<b ']) assert.ok(!h.includes(bad), `${bad} in ${h}`);
  assert.ok(h.includes('bad') && h.includes('pic'), 'link text and alt text are kept as text');
  const html = '<p class="x" onclick="steal()">Keep <i>this</i> <a href="javascript:alert(1)">js</a> <a href="https://ok.example/">ok</a> <a href="/rel">rel</a></p><script>alert(1)</script><style>p{}</style><img src=x onerror=alert(1)><ul><li>one</li></ul>';
  const h2 = renderText(html, 'html', { base: 'https://site.example/' });
  assert.equal(h2, '<p>Keep <em>this</em> js <a href="https://ok.example/">ok</a> <a href="https://site.example/rel">rel</a></p><ul><li>one</li></ul>');
  assert.equal(renderText('<a href="/rel">rel</a>', 'html'), 'rel', 'no base: relative link shown as text');
  assert.equal(plainText(html, 'html'), 'Keep this js ok rel\n\n• one');
  for (const [href, want] of [
    ['javascript:alert(1)', undefined],
    ['data:text/html,x', undefined],
    ['  https://a.example/x  ', 'https://a.example/x'],
    ['//evil.example/x', undefined],
  ] as const)
    assert.equal(safeHref(href), want, href);
});

test('plain text is escaped and kept in paragraphs; unmarked text is Markdown only on unmistakable signs', () => {
  assert.equal(renderText('a < b & c\n\nnext\nline', undefined), '<p>a &lt; b &amp; c</p>\n<p>next<br>\nline</p>');
  assert.equal(markupOf('Use 2 * 3 and a - b.'), 'text');
  assert.equal(markupOf('A **bold** claim'), 'markdown');
  assert.equal(markupOf(ATLAS), 'markdown');
  assert.equal(markupOf('**x**', 'text'), 'text', 'the marker wins');
});

test('snippets and titles carry no markup; names lose list markers and stray quotes', () => {
  const s = snippet(FINOS, 400);
  for (const m of ['**', '## ', '](', '*   ']) assert.ok(!s.includes(m), `${m} in ${s}`);
  assert.ok(s.startsWith('Summary Using hosted LLMs creates a two-way trust boundary (see memorize).'), s);
  assert.equal(titleOf({ name: '', text: ATLAS }, 40), 'Much like the Search Open Technical Dat…');
  for (const [raw, want] of [
    ['" • Foo', 'Foo'],
    ['• Bar baz', 'Bar baz'],
    ['- item', 'item'],
    ['1. Numbered', 'Numbered'],
    ['(a) Lettered', 'Lettered'],
    ['“Quoted name”', 'Quoted name'],
    ['"Quoted"', 'Quoted'],
    ['A. Smith’s rule', 'A. Smith’s rule'],
    ['1.1 Scope', '1.1 Scope'],
    ['The "so-called" model', 'The "so-called" model'],
  ])
    assert.equal(cleanName(raw), want, raw);
  assert.equal(titleOf({ name: '" • Foo', text: 'x' }), 'Foo');
});

test('long author lists are shortened to "First Author et al."', () => {
  assert.equal(shortAuthors('Yoshua Bengio, Sören Mindermann, Daniel Privitera, Tamay Besiroglu'), 'Yoshua Bengio et al.');
  assert.equal(shortAuthors('Ghosh, S., Frase, H., Williams, A., Luger, S.'), 'Ghosh, S. et al.');
  assert.equal(shortAuthors('Shi, Dan; Shen, Tianhao'), 'Shi, Dan; Shen, Tianhao');
  assert.equal(shortAuthors('Slattery, P., Saeri, A. K.'), 'Slattery, P., Saeri, A. K.');
  assert.equal(shortAuthors('A; B; C; D'), 'A et al.');
  assert.deepEqual(splitAuthors('Slattery, P., Saeri, A. K., Grundy, E. A. C.'), ['Slattery, P.', 'Saeri, A. K.', 'Grundy, E. A. C.']);
  assert.equal(shortAuthors(null), '');
});

// The LLM extraction path against the loopback fake provider: verbatim spans accepted and mapped to
// exact offsets, non-verbatim spans rejected and counted (never stored), malformed JSON retried once
// then reported, 429 retried; and `ingest --roles llm` end to end on both wire formats.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chunkDocument, llmExtract, locateVerbatim, normaliseWhitespace, spanDecisions } from '../../../src/classify/llm/extract.ts';
import { readMarkdown } from '../../../src/ingest/readers/markdown.ts';
import { ingestOne } from '../../../src/ingest/index.ts';
import { listDocumentBlocks } from '../../../src/store/index.ts';
import { ENGINE, openTestStore } from '../../helpers/store.ts';
import { tempDir } from '../../ingest/fixtures.ts';
import { GUIDE, MEASURES } from '../../ingest/roles-fixture.ts';
import { startFakeProvider, type FakeProvider, type Reply, type SeenRequest, type Wire } from './fake-provider.ts';
import { testSettings } from './fixtures.ts';

const servers: FakeProvider[] = [];
const tmp = tempDir();
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  tmp.cleanup();
});

const PARAPHRASE = 'Organisations should filter all inputs that come from outside.';

/** A model that finds the measures (one with its line broken differently), and one span that is not in the text. */
function goodAnswer(): string {
  return JSON.stringify({
    statements: [
      { role: 'mitigation', text: MEASURES[0]!.replace(' with a system prompt', '\n   with a\tsystem prompt'), name: 'Constrain behaviour with a system prompt', reasoning: 'It prescribes a control.' },
      { role: 'mitigation', text: MEASURES[1], name: 'Validate untrusted input', reasoning: 'An input control.' },
      { role: 'mitigation', text: MEASURES[2], name: 'Human approval for high-risk actions', reasoning: 'Human oversight of actions.' },
      { role: 'risk', text: MEASURES[3], name: 'Segregation', reasoning: 'Deliberately odd: a measure called a risk.' },
      { role: 'mitigation', text: PARAPHRASE, name: 'Filter inputs', reasoning: 'Not verbatim.' },
    ],
  });
}

async function fake(wire: Wire, respond: (req: SeenRequest, n: number) => Reply | string): Promise<FakeProvider> {
  const s = await startFakeProvider({ wire, apiKey: 'test-key', respond });
  servers.push(s);
  return s;
}

const ex = () => readMarkdown(GUIDE);

test('whitespace-normalised matching maps back to exact offsets (CJK and astral characters included)', () => {
  const text = 'Intro.\n\n第一条  应当\n建立 制度。\n\nEmoji 😀 then   words.';
  const hay = normaliseWhitespace(text);
  const a = locateVerbatim(hay, '第一条 应当 建立 制度。')!;
  assert.equal(text.slice(a.start, a.end), '第一条  应当\n建立 制度。');
  const b = locateVerbatim(hay, '😀 then words.')!;
  assert.equal(text.slice(b.start, b.end), '😀 then   words.');
  assert.equal(locateVerbatim(hay, 'not there'), undefined);
  assert.equal(locateVerbatim(hay, '   '), undefined);
});

test('chunks follow sections, stay under the size limit where blocks allow, and cover every block once', () => {
  const e = readMarkdown(GUIDE + '\n## Annex\n\n' + Array.from({ length: 40 }, (_, i) => `Paragraph ${i} of a long annex that goes on and on for a while.`).join('\n\n') + '\n');
  const chunks = chunkDocument(e, 800);
  assert.ok(chunks.length >= 4);
  assert.deepEqual(chunks.flatMap((c) => c.blocks), e.blocks.map((_, i) => i));
  for (const c of chunks) {
    assert.ok(c.end - c.start <= 800 || c.blocks.length === 1);
    assert.equal(c.start, e.blocks[c.blocks[0]!]!.start);
  }
  assert.ok(chunks.some((c) => c.headingPath.includes('Annex')), 'a chunk knows its section');
});

for (const wire of ['openai', 'anthropic'] as const) {
  test(`${wire}: verbatim spans are accepted with exact offsets; a span not in the text is rejected and counted`, async () => {
    const server = await fake(wire, () => goodAnswer());
    const e = ex();
    const r = await llmExtract(e, { settings: testSettings(wire, server.baseUrl), document: 'Guidance on Prompt Injection' });
    assert.equal(r.chunks, 1);
    assert.equal(r.spans.length, 4);
    assert.deepEqual(r.spans.map((s) => e.text.slice(s.start, s.end)), MEASURES);
    assert.equal(r.rejected.length, 1);
    assert.equal(r.rejected[0]!.text, PARAPHRASE);
    assert.match(r.rejected[0]!.why, /not found verbatim/);
    assert.deepEqual(r.failedChunks, []);
    assert.equal(server.requests.length, 1);
    assert.ok(server.requests[0]!.firstUser.includes(MEASURES[0]!), 'the chunk text is sent');
    // The blocks the spans cover get their roles, with the LLM as source.
    const d = spanDecisions(e.blocks, r.spans);
    assert.equal(d.size, 4);
    for (const [i, dec] of d) {
      assert.equal(dec.source, 'llm');
      assert.ok(MEASURES.includes(e.blocks[i]!.text));
    }
  });
}

test('malformed JSON is sent back once; a second malformed answer fails the chunk, which is reported', async () => {
  let fixed = 0;
  const server = await fake('openai', (req) => {
    if (req.firstUser.includes('Prevention')) return '{"statements": [ {"role": "mitigation", "text": ';
    fixed++;
    return goodAnswer();
  });
  const e = ex();
  const r = await llmExtract(e, { settings: testSettings('openai', server.baseUrl) });
  assert.equal(fixed, 0);
  assert.equal(r.spans.length, 0);
  assert.equal(r.failedChunks.length, 1);
  assert.match(r.failedChunks[0]!.error, /JSON/);
  assert.equal(server.requests.length, 2, 'one retry with the error');
  assert.equal(server.requests[1]!.turns, 3, 'the retry carries the bad answer and what was wrong');
  assert.match(JSON.stringify(server.requests[1]!.body.messages.at(-1)), /could not be accepted/);

  // Malformed once, then fine: the chunk is recovered.
  const once = await fake('openai', (_req, n) => (n === 1 ? 'Sure! Here are the statements: [oops' : goodAnswer()));
  const r2 = await llmExtract(e, { settings: testSettings('openai', once.baseUrl) });
  assert.equal(r2.spans.length, 4);
  assert.deepEqual(r2.failedChunks, []);
});

test('HTTP 429 is retried after the server’s wait, then the answer is used', async () => {
  const server = await fake('anthropic', (req, n) =>
    n === 1 ? { status: 429, headers: { 'retry-after': '1' }, json: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } } } : goodAnswer(),
  );
  const r = await llmExtract(ex(), { settings: testSettings('anthropic', server.baseUrl) });
  assert.equal(server.requests.length, 2);
  assert.equal(r.usage.requests, 2);
  assert.equal(r.spans.length, 4);
});

test(`[${ENGINE}] ingest --roles llm: the LLM's spans are the statements, rejected spans are never stored, the rest keeps embedded roles`, async () => {
  const server = await fake('openai', () => goodAnswer());
  const s = await openTestStore();
  try {
    const file = tmp.file('guide.md', GUIDE);
    const r = await ingestOne(s.db, file, { roles: 'llm', llm: { settings: testSettings('openai', server.baseUrl) } });
    assert.equal(r.roles, 'llm');
    assert.deepEqual(r.llm && [r.llm.spans, r.llm.rejected, r.llm.failedChunks, r.llm.chunks], [4, 1, 0, 1]);
    assert.ok(r.notes.some((n) => /1 span\(s\) .* not found verbatim/.test(n)));
    const rows = await s.db.query<{ id: string; kind: string; name: string; text: string; meta: { role: { source: string; reason: string } } }>(
      'SELECT id, kind, name, text, meta FROM statements WHERE document_id = $1 AND retired_at IS NULL ORDER BY ord',
      [r.documentId],
    );
    assert.deepEqual(rows.map((x) => x.text), MEASURES);
    assert.deepEqual(rows.map((x) => x.kind), ['mitigation', 'mitigation', 'mitigation', 'risk']);
    assert.equal(rows[1]!.name, 'Validate untrusted input', "the LLM's short name is kept");
    assert.ok(rows.every((x) => x.meta.role.source === 'llm'));
    assert.equal(rows[2]!.meta.role.reason, 'Human oversight of actions.');
    assert.ok(!rows.some((x) => x.text.includes('filter all inputs')), 'the rejected span is not stored');
    const blocks = await listDocumentBlocks(s.db, r.documentId);
    const [t] = await s.db.query<{ text: string }>('SELECT text FROM document_texts WHERE document_id = $1', [r.documentId]);
    const role = (needle: string) => blocks.find((b) => t!.text.slice(b.char_start, b.char_end).includes(needle))!;
    assert.equal(role('Greshake').role, 'apparatus');
    assert.equal(role('Greshake').role_source, 'embedded');
    assert.equal(role('Large language models').role, 'context');

    // A correction re-runs the extraction from the stored outline and keeps the LLM's decisions.
    const { correctDocument } = await import('../../../src/ingest/index.ts');
    const { blockAnchor } = await import('../../../src/extract/types.ts');
    const x = await correctDocument(s.db, r.documentId, [{ op: 'set-role', anchor: blockAnchor(MEASURES[3]!), role: 'mitigation' }]);
    assert.deepEqual(x.byKind, { mitigation: 4, risk: 0, principle: 0 });
    assert.equal(x.created, 1);
    assert.equal(x.unchanged, 3, 'the LLM-decided statements are unchanged by a re-extraction');
    assert.equal(server.requests.length, 1, 're-extraction sends nothing to the provider');
  } finally {
    await s.close();
  }
});

// The embedded role classifier and the statement builder on small synthetic documents: roles from
// headings, hints and wording; one statement per measure (headings, lead-ins, articles, points,
// table rows); corrections; names; the kind model trained from the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildText } from '../../src/ingest/build.ts';
import type { Extracted, RawBlock } from '../../src/ingest/types.ts';
import { TABLE_CELL_SEPARATOR } from '../../src/ingest/types.ts';
import { extractStatements, blockAnchor, classifyAll, trainRoleModel, roleModelFromStore, defaultRoleModel } from '../../src/extract/index.ts';
import { nameOf } from '../../src/extract/structure.ts';
import { openTestStore } from '../helpers/store.ts';
import { upsertDocument, upsertStatements } from '../../src/store/index.ts';

function doc(blocks: RawBlock[], pages?: number): Extracted {
  const { text, blocks: placed } = buildText(blocks);
  return { format: pages ? 'pdf' : 'markdown', text, blocks: placed, meta: {}, pages, notes: [] };
}
const H = (level: number, text: string): RawBlock => ({ kind: 'heading', level, text });
const P = (text: string, extra: Partial<RawBlock> = {}): RawBlock => ({ kind: 'paragraph', text, ...extra }) as RawBlock;
const I = (text: string, depth = 0, marker = '•', ordered = false): RawBlock => ({ kind: 'item', text, depth, marker, ordered });
function row(cells: string[], table: number, header?: string[]): RawBlock {
  return { kind: 'table-row', cells, text: cells.join(TABLE_CELL_SEPARATOR), table, header };
}

const roleOf = (ex: Extracted, res: ReturnType<typeof extractStatements>, startsWith: string) => {
  const o = res.outline.find((x) => x.block.text.startsWith(startsWith));
  assert.ok(o, `no block starting with "${startsWith}"`);
  return o.decision;
};

const GUIDE = doc([
  H(1, 'Prompt injection'),
  H(2, 'Description'),
  P('Attackers can craft inputs that override the system prompt and exfiltrate data from connected tools.'),
  H(2, 'Prevention and Mitigation Strategies'),
  I('Constrain model behaviour: give the model explicit instructions about its role and limits, and reject attempts to change them.'),
  I('Segregate external content: mark untrusted content clearly so that it cannot act as instructions.'),
  I('Require human approval for privileged operations such as sending email or deleting records.'),
  H(2, 'References'),
  I('Smith, J. (2023). Prompt injection attacks against LLM applications. Proceedings of the Security Workshop, pp. 1–12. https://doi.org/10.1000/xyz'),
  I('OWASP Top 10 for LLM Applications, https://owasp.org/www-project-top-10-for-large-language-model-applications/'),
]);

test('a "References" section is apparatus, with a reason naming the heading or the citation', () => {
  const res = extractStatements(GUIDE, { language: 'en' });
  for (const start of ['Smith, J.', 'OWASP Top 10']) {
    const d = roleOf(GUIDE, res, start);
    assert.equal(d.role, 'apparatus');
    assert.match(d.reason, /References|URL|citation/);
  }
  assert.equal(roleOf(GUIDE, res, 'References').role, 'apparatus');
  assert.ok(!res.statements.some((s) => /Smith|OWASP/.test(s.text)), 'no reference became a statement');
});

test('a "Prevention and Mitigation Strategies" list gives mitigations named by their lead-ins', () => {
  const res = extractStatements(GUIDE, { language: 'en' });
  const mits = res.statements.filter((s) => s.kind === 'mitigation');
  assert.deepEqual(
    mits.map((s) => s.name),
    ['Constrain model behaviour', 'Segregate external content', 'Require human approval for privileged operations such as sending email or deleting…'],
  );
  for (const s of mits) {
    assert.equal(GUIDE.text.slice(s.charStart, s.charEnd), s.text, 'text is the verbatim span');
    assert.deepEqual(s.headingPath, ['Prompt injection', 'Prevention and Mitigation Strategies']);
  }
  // The entry's title names the risk its description states: title + description, one statement.
  const risk = res.statements.find((s) => s.kind === 'risk')!;
  assert.equal(risk.name, 'Prompt injection');
  assert.ok(risk.text.startsWith('Prompt injection') && risk.text.endsWith('connected tools.'));
  assert.equal(res.statements.filter((s) => s.kind === 'risk').length, 1);
  assert.equal(res.counts.mitigation + res.counts.risk + res.counts.principle + res.counts.context + res.counts.apparatus, GUIDE.blocks.length);
});

test('contents lines, cover lines and running text get apparatus with a reason', () => {
  const ex = doc(
    [
      P('National Framework for Safe AI', { page: 1 }),
      P('Contents', { page: 2 }),
      P('1 Introduction ........................................ 3', { page: 2 }),
      P('2 Obligations of providers ................................ 5', { page: 2 }),
      H(1, '1 Introduction'),
      P('This framework explains how providers and deployers manage risks of AI systems in the national market.', { page: 3 }),
      H(1, '2 Obligations of providers'),
      P('Providers shall keep logs of the operation of high-risk AI systems for at least six months.', { page: 5 }),
      P('Figure 2: Overview of the obligations', { page: 5 }),
      P('© 2024 Ministry of Digital Affairs. All rights reserved.', { page: 6 }),
    ],
    6,
  );
  const res = extractStatements(ex, { language: 'en' });
  assert.match(roleOf(ex, res, '1 Introduction ....').reason, /contents|dot leader/);
  assert.equal(roleOf(ex, res, '1 Introduction ....').role, 'apparatus');
  assert.equal(roleOf(ex, res, 'National Framework').role, 'apparatus');
  assert.equal(roleOf(ex, res, 'Figure 2').role, 'apparatus');
  assert.equal(roleOf(ex, res, '©').role, 'apparatus');
  assert.equal(roleOf(ex, res, 'This framework explains').role, 'context');
  const logs = roleOf(ex, res, 'Providers shall keep logs');
  assert.equal(logs.role, 'mitigation');
  assert.match(logs.reason, /shall/);
  assert.deepEqual(res.statements.map((s) => s.text), ['Providers shall keep logs of the operation of high-risk AI systems for at least six months.']);
});

test('a table row gives ref, the clean statement cell and the other columns', () => {
  const header = ['Action ID', 'Suggested Action', 'GAI Risks'];
  const ex = doc([
    H(1, 'GOVERN 1.1'),
    row(header, 1),
    row(['GV-1.1-001', 'Align GAI development and use with applicable laws and regulations, including those related to data privacy.', 'Data Privacy'], 1, header),
    row(['GV-1.1-002', 'Establish transparency policies and processes for documenting the origin and history of training data.', 'Information Integrity'], 1, header),
  ]);
  const res = extractStatements(ex, { language: 'en' });
  assert.equal(res.statements.length, 2);
  const [a, b] = res.statements;
  assert.equal(a!.ref, 'GV-1.1-001');
  assert.equal(a!.text, 'Align GAI development and use with applicable laws and regulations, including those related to data privacy.');
  assert.equal(ex.text.slice(a!.charStart, a!.charEnd), a!.text, 'the span is the cell inside the block');
  assert.deepEqual(a!.meta.columns, { 'GAI Risks': 'Data Privacy' });
  assert.equal(b!.ref, 'GV-1.1-002');
  assert.equal(roleOf(ex, res, 'Action ID').role, 'apparatus', 'the header row is apparatus');
});

test('nested items stay children of their parent; a lead-in that states a measure is the parent of its list', () => {
  const ex = doc([
    H(1, 'Requirements'),
    P('Providers of general-purpose AI models shall document their models, keep the documentation up to date and make it available to the AI Office on request, as follows:'),
    I('draw up and keep up to date the technical documentation of the model, including:', 0, '(a)', true),
    I('the training and testing process and the results of its evaluation;', 1, '(i)', true),
    I('the known or estimated energy consumption of the model;', 1, '(ii)', true),
    I('put in place a policy to comply with copyright law.', 0, '(b)', true),
  ]);
  const res = extractStatements(ex, { language: 'en' });
  const by = (start: string) => res.statements.find((s) => s.text.startsWith(start))!;
  const lead = by('Providers of general-purpose');
  const a = by('draw up');
  assert.equal(a.parentKey, lead.key);
  assert.equal(a.ref, '(a)');
  assert.equal(by('the training and testing').parentKey, a.key);
  assert.equal(by('the known or estimated').parentKey, a.key);
  assert.equal(by('put in place').parentKey, lead.key);
  assert.ok(res.statements.every((s) => s.kind === 'mitigation'));
});

test('a bare lead-in ("Providers shall:") is context and its points are top-level statements', () => {
  const ex = doc([
    H(1, 'Requirements'),
    P('Providers of high-risk AI systems shall:'),
    I('keep logs of the system for six months;', 0, '(a)', true),
    I('report serious incidents to the authority.', 0, '(b)', true),
  ]);
  const res = extractStatements(ex, { language: 'en' });
  const lead = res.outline.find((o) => o.block.text === 'Providers of high-risk AI systems shall:')!;
  assert.equal(lead.decision.role, 'context');
  assert.match(lead.decision.reason, /lead-in/);
  assert.deepEqual(res.statements.map((s) => [s.ref, s.kind, s.parentKey]), [
    ['(a)', 'mitigation', undefined],
    ['(b)', 'mitigation', undefined],
  ]);
});

test('Chinese articles (第X条) with 应当 are mitigations with the article as ref; points are children', () => {
  const ex = doc([
    P('第一章 总则'),
    P('第一条 为了促进生成式人工智能健康发展和规范应用，制定本办法。'),
    P('第二章 服务规范'),
    P('第九条 提供者应当依法承担网络信息内容生产者责任，履行网络信息安全义务。'),
    P('提供者应当与注册其服务的使用者签订服务协议，明确双方权利义务。'),
    P('第十条 提供者应当依法开展训练数据处理活动，采取有效措施提高训练数据质量，并遵守以下规定：'),
    P('（一）使用具有合法来源的数据和基础模型；'),
    P('（二）涉及知识产权的，不得侵害他人依法享有的知识产权；'),
    P('第二十四条 本办法自2023年8月15日起施行。'),
  ]);
  const res = extractStatements(ex, { language: 'zh' });
  assert.equal(roleOf(ex, res, '第一条').role, 'context');
  assert.equal(roleOf(ex, res, '第二十四条').role, 'context');
  const art9 = res.statements.find((s) => s.ref === '第九条');
  assert.ok(art9, 'article 9 is a statement');
  assert.equal(art9.kind, 'mitigation');
  assert.equal(art9.blocks.length, 2, 'the continuing paragraph belongs to the article');
  const art10 = res.statements.find((s) => s.ref === '第十条')!;
  const points = res.statements.filter((s) => s.parentKey === art10.key);
  assert.deepEqual(points.map((p) => p.ref), ['第十条 （一）', '第十条 （二）']);
  assert.ok(points.every((p) => p.kind === 'mitigation'));
  assert.deepEqual(art9.headingPath, ['第二章 服务规范']);
});

test('a heading over one paragraph stating a measure is one statement named by the heading', () => {
  const ex = doc([
    H(1, 'Safety measures'),
    H(2, 'Incident reporting'),
    P('Developers should report serious incidents to the regulator within 72 hours and keep a record of each report.'),
    H(2, 'Staff training'),
    P('Organisations should train staff who oversee AI systems on the limits of those systems.'),
  ]);
  const res = extractStatements(ex, { language: 'en' });
  assert.deepEqual(res.statements.map((s) => s.name), ['Incident reporting', 'Staff training']);
  const s = res.statements[0]!;
  assert.equal(s.blocks.length, 2);
  assert.equal(res.outline[s.blocks[0]!]!.decision.role, 'mitigation');
  assert.ok(s.text.startsWith('Incident reporting') && s.text.endsWith('each report.'));
});

test('corrections: set-role forces a role, merge joins blocks, split takes a block out of its group', () => {
  const ex = doc([
    H(1, 'Measures'),
    P('Providers shall test models before release against the risks listed in the annex.'),
    P('Providers shall publish a summary of the test results.'),
    P('The summary is published on the provider website.'),
    H(2, 'Logging'),
    P('Providers shall keep logs for six months.'),
  ]);
  const base = extractStatements(ex, { language: 'en' });
  assert.equal(roleOf(ex, base, 'The summary is').role, 'context');
  const a = (start: string) => blockAnchor(ex.blocks.find((b) => b.text.startsWith(start))!.text);
  const forced = extractStatements(ex, { language: 'en', corrections: [{ op: 'set-role', anchor: a('The summary is'), role: 'mitigation' }] });
  const d = roleOf(ex, forced, 'The summary is');
  assert.equal(d.role, 'mitigation');
  assert.equal(d.source, 'human');
  const merged = extractStatements(ex, { language: 'en', corrections: [{ op: 'merge', anchors: [a('Providers shall test'), a('Providers shall publish')] }] });
  const m = merged.statements.find((s) => s.text.startsWith('Providers shall test'))!;
  assert.equal(m.blocks.length, 2);
  assert.ok(m.text.endsWith('test results.'));
  // The "Logging" heading names the statement under it; split takes the paragraph out.
  const grouped = base.statements.find((s) => s.name === 'Logging')!;
  assert.equal(grouped.blocks.length, 2);
  const split = extractStatements(ex, { language: 'en', corrections: [{ op: 'split', anchor: a('Providers shall keep logs') }] });
  const own = split.statements.find((s) => s.text === 'Providers shall keep logs for six months.');
  assert.ok(own, 'the split block is a statement of its own');
  assert.equal(own.blocks.length, 1);
});

test('names are at most 12 words (24 Chinese characters) and prefer the title the document gives', () => {
  const long = 'Deployers of high-risk AI systems shall assign human oversight to natural persons who have the necessary competence, training and authority, as well as the necessary support.';
  const n = nameOf(long);
  assert.ok(n.split(/\s+/).length <= 12, n);
  assert.ok(n.endsWith('…'));
  assert.equal(nameOf('Data minimisation: collect only the personal data the system needs.'), 'Data minimisation');
  assert.ok([...nameOf('提供者应当依法承担网络信息内容生产者责任，履行网络信息安全义务，并对生成内容进行标识，保障用户合法权益。')].length <= 25);
  const ex = doc([I(long)]);
  const res = extractStatements(ex, { language: 'en' });
  assert.ok(res.statements.every((s) => s.name.split(/\s+/).length <= 12));
});

test('lines broken by the PDF continue their block: one role, one statement', () => {
  const ex = doc(
    [
      P('3.1 模型算法安全风险', { page: 5 }),
      P('（a）可解释性差的风险。以深度学习为代表的人工智能算法内部运行逻', { page: 5 }),
      P('辑复杂，推理过程属黑灰盒模式，可能导致输出结果难以预测和确切归因。', { page: 5 }),
      P('（b）偏见、歧视风险。算法设计及训练过程中，个人偏见被有意、无意引入，', { page: 5 }),
      P('导致算法输出结果存在偏见或歧视。', { page: 5 }),
    ],
    9,
  );
  const res = extractStatements(ex, { language: 'zh' });
  const risks = res.statements.filter((s) => s.kind === 'risk');
  assert.equal(risks.length, 2);
  assert.equal(risks[0]!.blocks.length, 2);
  assert.equal(risks[1]!.blocks.length, 2);
  assert.match(res.outline[2]!.decision.reason, /continues/);
});

test('defaultRoleModel needs no store; a model trained on kinds separates them', () => {
  const m0 = defaultRoleModel();
  const u = m0.kindScores('anything');
  assert.ok(Math.abs(u.mitigation - u.risk) < 1e-9 && Math.abs(u.risk - u.principle) < 1e-9);
  const rows = [
    ...['Adversaries can poison training data to implant backdoors.', 'Models may leak personal data memorised during training.', 'Deepfakes can deceive voters and erode trust.'].map((text) => ({ kind: 'risk' as const, text })),
    ...['Implement access controls on model weights.', 'Red-team models before deployment and fix the findings.', 'Log prompts and responses and review the logs.'].map((text) => ({ kind: 'mitigation' as const, text })),
    ...['AI should be fair and respect human dignity.', 'Systems should be transparent and explainable.', 'Respect for human rights and democratic values.'].map((text) => ({ kind: 'principle' as const, text })),
  ];
  const m = trainRoleModel(rows);
  const s1 = m.kindScores('attackers poison data and leak memorised secrets');
  assert.ok(s1.risk > s1.mitigation && s1.risk > s1.principle, JSON.stringify(s1));
  const s2 = m.kindScores('review access logs and red-team the model');
  assert.ok(s2.mitigation > s2.risk, JSON.stringify(s2));
});

test('roleModelFromStore trains on imported statements (not ingested ones) and is cached by its rows', async () => {
  const store = await openTestStore();
  try {
    const provenance = { dataset: 'test-kinds', datasetVersion: '1', licence: 'CC-BY-4.0', attribution: 'test' };
    const { id } = await upsertDocument(store.db, { sourceKey: 'k1', title: 'Kinds', provenance });
    await upsertStatements(store.db, id, [
      { sourceKey: 'r1', kind: 'risk', ord: 0, name: 'Data poisoning', text: 'Adversaries poison training data to corrupt the model.' },
      { sourceKey: 'r2', kind: 'risk', ord: 1, name: 'Privacy leakage', text: 'The model leaks memorised personal data to attackers.' },
      { sourceKey: 'm1', kind: 'mitigation', ord: 2, name: 'Data provenance', text: 'Verify the provenance of training data and filter it.' },
      { sourceKey: 'm2', kind: 'mitigation', ord: 3, name: 'Output filtering', text: 'Filter model outputs for personal data before release.' },
    ]);
    const m = await roleModelFromStore(store.db);
    assert.notEqual(m.id, 'lexicon');
    const again = await roleModelFromStore(store.db);
    assert.equal(again, m, 'same rows, same cached model');
    const s = m.kindScores('attackers poison the data');
    assert.ok(s.risk > s.mitigation, JSON.stringify(s));
    // Used by extraction: a model decides between kinds only once the wording says it is a statement.
    const ex = doc([H(1, 'Notes'), P('This note describes the project.')]);
    const res = extractStatements(ex, { language: 'en', model: m });
    assert.equal(res.statements.length, 0);
  } finally {
    await store.close();
  }
});

test('classifyAll gives every block a decision with a reason and a confidence in 0..1', () => {
  const { decisions, headingPaths } = classifyAll(GUIDE.blocks, { language: 'en' });
  assert.equal(decisions.length, GUIDE.blocks.length);
  for (const d of decisions) {
    assert.ok(d.reason.length > 3);
    assert.ok(d.confidence >= 0 && d.confidence <= 1);
    assert.equal(d.source, 'embedded');
  }
  assert.deepEqual(headingPaths[2], ['Prompt injection', 'Description']);
});

// Round 5 rules (docs/evaluation.md, "Extraction"): list numbering decides which block a point
// hangs from when the reader's indentation is wrong; a label naming an area passes its list's
// duty on; points that only finish a describing or promotional lead-in are no measures; Chinese
// "风险应对" sections are measure sections. Checked with the rules alone (no learned layer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildText } from '../../src/ingest/build.ts';
import type { Extracted, RawBlock } from '../../src/ingest/types.ts';
import { extractStatements, languageScores, sectionClass } from '../../src/extract/index.ts';
import { leadInOf } from '../../src/extract/roles.ts';
import { ordinalsOf } from '../../src/extract/markers.ts';

function doc(blocks: RawBlock[]): Extracted {
  const { text, blocks: placed } = buildText(blocks);
  return { format: 'pdf', text, blocks: placed, meta: {}, notes: [] };
}
const H = (level: number, text: string): RawBlock => ({ kind: 'heading', level, text });
const P = (text: string): RawBlock => ({ kind: 'paragraph', text }) as RawBlock;
// A numbered item as a PDF reader gives it: its marker kept apart, its depth guessed from the indentation.
const N = (marker: string, text: string, depth = 0): RawBlock => ({ kind: 'item', text, depth, marker, ordered: true });
const B = (text: string, depth = 0): RawBlock => ({ kind: 'item', text, depth, marker: '•', ordered: false });

function outline(ex: Extracted) {
  return extractStatements(ex, { language: 'en', roleWeights: null }).outline;
}
function roleOf(ex: Extracted, start: string): string {
  const o = outline(ex).find((x) => x.block.text.startsWith(start));
  assert.ok(o, `no block starting with "${start}"`);
  return o.decision.role;
}

test('ordinals: one printed number, every reading of it', () => {
  assert.deepEqual(ordinalsOf('(c)'), [{ cls: 'letter-lowerp', n: 3 }]);
  assert.deepEqual(ordinalsOf('(IV)'), [{ cls: 'roman-upperp', n: 4 }]);
  // "(i)" is the first roman numeral or the ninth letter; the list around it decides.
  assert.deepEqual(ordinalsOf('(i)').map((o) => o.n).sort(), [1, 9]);
  assert.deepEqual(ordinalsOf('3.'), [{ cls: 'num', n: 3 }]);
  assert.deepEqual(ordinalsOf('（二）'), [{ cls: 'cjkp', n: 2 }]);
  assert.deepEqual(ordinalsOf('•'), []);
});

// A scanned statute: the reader set "(c)" at depth 0 although it is the sibling of "(a)" and "(b)" at depth 1.
const statute = () =>
  doc([
    H(1, 'Developer duties'),
    N('(2)', 'A DEVELOPER OF A HIGH-RISK ARTIFICIAL INTELLIGENCE SYSTEM SHALL MAKE AVAILABLE TO THE DEPLOYER:'),
    N('(a)', 'A GENERAL STATEMENT DESCRIBING THE REASONABLY FORESEEABLE USES OF THE SYSTEM;', 1),
    N('(b)', 'DOCUMENTATION DISCLOSING:', 1),
    P('(I) HIGH-LEVEL SUMMARIES OF THE TYPE OF DATA USED TO TRAIN THE SYSTEM;'),
    P('(II) THE PURPOSE OF THE HIGH-RISK ARTIFICIAL INTELLIGENCE SYSTEM;'),
    N('(c)', 'DOCUMENTATION DESCRIBING:', 0),
    P('(I) HOW THE SYSTEM WAS EVALUATED FOR PERFORMANCE AND MITIGATION OF ALGORITHMIC DISCRIMINATION;'),
    P('(II) THE INTENDED OUTPUTS OF THE HIGH-RISK ARTIFICIAL INTELLIGENCE SYSTEM.'),
    N('(3)', 'SUBSECTIONS (2) AND (3) OF THIS SECTION DO NOT APPLY TO A DEPLOYER IF:', 1),
    N('(a)', 'THE DEPLOYER:', 0),
    P('(I) EMPLOYS FEWER THAN FIFTY FULL-TIME EQUIVALENT EMPLOYEES; AND'),
    P('(II) DOES NOT USE THE DEPLOYER\'S OWN DATA TO TRAIN THE SYSTEM;'),
    N('(b)', 'THE DEPLOYER MAKES AVAILABLE TO CONSUMERS ANY IMPACT ASSESSMENT THAT:', 2),
    P('(I) THE DEVELOPER OF THE SYSTEM HAS COMPLETED AND PROVIDED TO THE DEPLOYER.'),
  ]);

test('a point hangs from the lead-in its numbers show, not from the indentation the reader guessed', () => {
  const ex = statute();
  const at = (start: string) => ex.blocks.findIndex((b) => b.text.startsWith(start));
  // "(c)" follows "(b)" and "(a)": all three complete "(2)".
  assert.equal(leadInOf(ex.blocks, at('DOCUMENTATION DESCRIBING:')), at('A DEVELOPER OF A HIGH-RISK'));
  // "(I)" opens a list: it hangs from the block right before it.
  assert.equal(leadInOf(ex.blocks, at('(I) HOW THE SYSTEM')), at('DOCUMENTATION DESCRIBING:'));
  // "(II)" follows "(I)".
  assert.equal(leadInOf(ex.blocks, at('(II) THE INTENDED OUTPUTS')), at('DOCUMENTATION DESCRIBING:'));
  // "(b)" of the exemption follows its "(a)", whatever depth the reader gave it.
  assert.equal(leadInOf(ex.blocks, at('THE DEPLOYER MAKES AVAILABLE')), at('SUBSECTIONS (2) AND (3)'));
});

test('the points of a duty are measures and the points of an exemption are context, with wrong list depths', () => {
  const ex = statute();
  for (const s of ['DOCUMENTATION DESCRIBING:', '(I) HOW THE SYSTEM', '(II) THE INTENDED OUTPUTS']) assert.equal(roleOf(ex, s), 'mitigation', s);
  for (const s of ['SUBSECTIONS (2) AND (3)', 'THE DEPLOYER:', '(I) EMPLOYS FEWER', '(II) DOES NOT USE', 'THE DEPLOYER MAKES AVAILABLE', '(I) THE DEVELOPER OF THE SYSTEM'])
    assert.equal(roleOf(ex, s), 'context', s);
});

test('a label naming an area is context; its points complete the measure above it', () => {
  const ex = doc([
    H(1, 'Accountability'),
    B('Provide and explain information on how the guiding principles are met to stakeholders. This information summarizes, for example, the following items:', 0),
    B('General', 1),
    B('Implementation progress of the common guiding principles', 2),
    B('Safety', 1),
    B('Known risks relating to AI systems and services, countermeasures against them, and how to ensure safety against them', 2),
  ]);
  assert.equal(roleOf(ex, 'Provide and explain'), 'mitigation');
  assert.equal(roleOf(ex, 'General'), 'context');
  assert.equal(roleOf(ex, 'Safety'), 'context');
  assert.equal(roleOf(ex, 'Implementation progress'), 'mitigation');
  assert.equal(roleOf(ex, 'Known risks relating'), 'mitigation');
});

test('points that only finish a describing lead-in ("These actors can:", "strives to:") are context', () => {
  const ex = doc([
    H(1, 'Audience'),
    P('Civil society organizations, end users and impacted communities bring other views. These actors can:'),
    B('designate boundaries for AI operation (technical, societal, legal, and ethical); and'),
    B('promote discussion of the tradeoffs needed to balance societal values.'),
    P('The framework strives to:'),
    N('1.', 'Use clear and plain language that is understandable by a broad audience.'),
    N('2.', 'Take advantage of existing standards, guidelines and tools for managing AI risks.'),
    P('Developers should:'),
    B('test models for harmful bias before release;'),
  ]);
  assert.equal(roleOf(ex, 'designate boundaries'), 'context');
  assert.equal(roleOf(ex, 'promote discussion'), 'context');
  assert.equal(roleOf(ex, 'Use clear and plain'), 'context');
  assert.equal(roleOf(ex, 'Take advantage of'), 'context');
  // A lead-in that obliges still gives measures.
  assert.equal(roleOf(ex, 'test models for harmful bias'), 'mitigation');
});

test('a list of actions under a lead-in about innovation, with no safety concern, is context', () => {
  const ex = doc([
    H(1, 'Matters for developers'),
    P('It is expected to implement the following items and contribute to the creation of innovation opportunities:'),
    B('Research and develop development methodologies for AI.'),
    B('Provide all of society with information about AI.'),
    P('It is expected to implement the following items to keep people safe:'),
    B('Test the system for security vulnerabilities before release.'),
  ]);
  assert.equal(roleOf(ex, 'Research and develop'), 'context');
  assert.equal(roleOf(ex, 'Provide all of society'), 'context');
  assert.equal(roleOf(ex, 'Test the system'), 'mitigation');
});

test('Chinese: "…风险应对" titles a measures section; a point opening with 对/通过 … then its verb states a measure', () => {
  assert.equal(sectionClass('系统安全风险应对')?.cls, 'mitigation');
  assert.equal(sectionClass('4.1.1 模型算法安全风险')?.cls, 'risk');
  assert.ok(languageScores('（a）对人工智能技术和产品的原理、能力、适用场景、安全风险适当公开，对输出内容进行明晰标识。').mitigation >= 1.3);
  // A sentence whose main clause is "制定本框架" states the document's purpose.
  const ex = doc([P('落实全球人工智能治理倡议，推动各方就人工智能安全治理达成共识，有效防范化解人工智能安全风险，制定本框架。')]);
  assert.equal(extractStatements(ex, { language: 'zh', roleWeights: null }).outline[0]!.decision.role, 'context');
});

test('who is competent (case 25): authorities acting "according to their respective duties" are context', () => {
  const ex = doc([
    P('第十六条 网信、教育、科技、公安等部门，依据各自职责依法加强对生成式人工智能服务的管理。'),
    P('Article 16: The cyberspace, education and public security authorities shall strengthen the management of these services according to their respective responsibilities.'),
    P('Article 17: Providers shall label generated images and videos.'),
  ]);
  assert.equal(roleOf(ex, '第十六条'), 'context');
  assert.equal(roleOf(ex, 'Article 16'), 'context');
  assert.equal(roleOf(ex, 'Article 17'), 'mitigation');
});

// Rules for the kinds of document the first rules missed (docs/annotation.md cases 9, 24, 25):
// statutes set in capitals, HTML footnotes, plans whose sections mix keeping people safe with
// promoting AI, bulleted lines a PDF reader set as headings, exemptions and enforcement clauses,
// lists of named principles. Each test is checked with the rules alone (no learned layer), so a
// failure names the rule that broke.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildText } from '../../src/ingest/build.ts';
import type { Extracted, RawBlock } from '../../src/ingest/types.ts';
import { extractStatements, sectionTopic } from '../../src/extract/index.ts';

function doc(blocks: RawBlock[]): Extracted {
  const { text, blocks: placed } = buildText(blocks);
  return { format: 'markdown', text, blocks: placed, meta: {}, notes: [] };
}
const H = (level: number, text: string): RawBlock => ({ kind: 'heading', level, text });
const P = (text: string): RawBlock => ({ kind: 'paragraph', text }) as RawBlock;
const I = (text: string, depth = 0): RawBlock => ({ kind: 'item', text, depth, marker: '•', ordered: false });

function roles(ex: Extracted): Map<string, string> {
  const res = extractStatements(ex, { language: 'en', roleWeights: null });
  return new Map(res.outline.map((o) => [o.block.text.slice(0, 30), o.decision.role]));
}
const roleOf = (m: Map<string, string>, start: string) => {
  const k = [...m.keys()].find((x) => start.startsWith(x) || x.startsWith(start.slice(0, 30)));
  assert.ok(k, `no block starting with "${start}"`);
  return m.get(k);
};

test('statute points in capitals are points: they neither run on into each other nor lose their lead-in', () => {
  const r = roles(
    doc([
      H(1, 'Developer duties'),
      I('A DEVELOPER OF A HIGH-RISK ARTIFICIAL INTELLIGENCE SYSTEM SHALL MAKE AVAILABLE TO THE DEPLOYER:'),
      I('DOCUMENTATION DISCLOSING:', 1),
      P('(I) HIGH-LEVEL SUMMARIES OF THE TYPE OF DATA USED TO TRAIN THE HIGH-RISK ARTIFICIAL INTELLIGENCE SYSTEM;'),
      P('(II) KNOWN OR REASONABLY FORESEEABLE LIMITATIONS OF THE HIGH-RISK ARTIFICIAL INTELLIGENCE SYSTEM, INCLUDING KNOWN RISKS OF USE; AND'),
      P('(III) THE PURPOSE OF THE HIGH-RISK ARTIFICIAL INTELLIGENCE SYSTEM.'),
    ]),
  );
  assert.equal(roleOf(r, 'DOCUMENTATION DISCLOSING:'), 'mitigation');
  assert.equal(roleOf(r, '(I) HIGH-LEVEL SUMMARIES'), 'mitigation');
  assert.equal(roleOf(r, '(II) KNOWN OR REASONABLY'), 'mitigation');
  assert.equal(roleOf(r, '(III) THE PURPOSE'), 'mitigation');
});

test('exemptions are context with their points; a violation made an unfair practice is a measure', () => {
  const r = roles(
    doc([
      H(1, 'Compliance'),
      P('Nothing in this part restricts a developer\'s or deployer\'s ability to:'),
      I('comply with federal, state, or municipal laws, ordinances, or regulations;'),
      I('take immediate steps to protect an interest that is essential for the life of a consumer;'),
      P('A violation of the requirements established in this part constitutes an unfair trade practice under the consumer protection act.'),
    ]),
  );
  assert.equal(roleOf(r, 'Nothing in this part restricts'), 'context');
  assert.equal(roleOf(r, 'comply with federal, state'), 'context');
  assert.equal(roleOf(r, 'take immediate steps to protect'), 'context');
  assert.equal(roleOf(r, 'A violation of the requirements'), 'mitigation');
});

test('HTML footnotes: a source is apparatus, an explanation is context', () => {
  const r = roles(
    doc([
      H(1, 'Background'),
      I('The use of AI in healthcare and medicine is booming, Insider Intelligence, 2023. ↩'),
      I('The AI sector is estimated to contribute £3.7bn to the economy. AI Sector Study 2022, DSIT, 2023. ↩'),
      I('These are not intended to be legal definitions for the purposes of the framework. ↩'),
    ]),
  );
  assert.equal(roleOf(r, 'The use of AI in healthcare'), 'apparatus');
  assert.equal(roleOf(r, 'The AI sector is estimated'), 'context');
  assert.equal(roleOf(r, 'These are not intended to be'), 'context');
});

test('a plan: the same kind of action is a mitigation under "keep people safe" and context under "attract investment"', () => {
  assert.equal(sectionTopic(['National plan', 'Action 7: Mitigate harms']), 'safety');
  assert.equal(sectionTopic(['National plan', 'Action 3: Attract investment']), 'promotion');
  assert.equal(sectionTopic(['Framework', 'Risk measurement']), undefined, 'risk-management machinery is no safety topic');
  const r = roles(
    doc([
      H(1, 'Capture the opportunities'),
      H(2, 'Action 1: Build smart infrastructure'),
      P('The government is expanding the national broadband network to deliver fast connectivity to regional towns.'),
      I('Develop new units of competency for digital skills across qualification levels.'),
      H(1, 'Keep people safe'),
      H(2, 'Action 7: Mitigate harms'),
      P('The AI Safety Institute will engage with unions, business and researchers to test advanced models before release.'),
      I('Updating privacy laws: the Attorney-General is leading work to modernise the Privacy Act.'),
    ]),
  );
  assert.equal(roleOf(r, 'Action 7: Mitigate harms'), 'mitigation', 'a numbered action titled by a safety aim');
  assert.equal(roleOf(r, 'Action 1: Build smart infrastructure'), 'context');
  assert.equal(roleOf(r, 'The government is expanding'), 'context');
  assert.equal(roleOf(r, 'Develop new units of competency'), 'context');
  assert.equal(roleOf(r, 'The AI Safety Institute will'), 'mitigation');
  assert.equal(roleOf(r, 'Updating privacy laws:'), 'mitigation');
});

test('a bulleted line set as a heading is judged by its words, opens no section, and its rest follows it', () => {
  const ex = doc([
    H(1, 'Action 7: Mitigate harms'),
    H(3, '• Reviewing copyright law in AI contexts: The Attorney-General’s'),
    P('department is engaging with stakeholders to consult on updates to copyright law for AI training data.'),
    P('Australia has strong consumer protections that already apply to AI-enabled goods.'),
  ]);
  const res = extractStatements(ex, { language: 'en', roleWeights: null });
  const bullet = res.outline[1]!;
  const rest = res.outline[2]!;
  assert.equal(bullet.decision.role, 'mitigation');
  assert.equal(rest.decision.role, 'mitigation');
  assert.deepEqual(res.outline[3]!.headingPath, ['Action 7: Mitigate harms'], 'the bulleted line is not a heading of what follows');
});

test('values listed after a lead-in about principles are principles', () => {
  const r = roles(
    doc([
      H(1, 'Our framework'),
      P('Our framework is underpinned by five principles to guide the responsible use of AI:'),
      I('Safety, security and robustness'),
      I('Fairness'),
      I('Accountability and governance'),
    ]),
  );
  assert.equal(roleOf(r, 'Safety, security and robustness'), 'principle');
  assert.equal(roleOf(r, 'Fairness'), 'principle');
  assert.equal(roleOf(r, 'Accountability and governance'), 'principle');
});

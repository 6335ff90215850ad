import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLexicon } from '../../src/topics/lexicon.ts';
import { compileLexicon, highlightHtml, scoreStatement, topicSpans } from '../../src/topics/match.ts';

const c = compileLexicon(loadLexicon());
const topics = (s: { name?: string; text?: string; headingPath?: string[]; kind?: string }) => scoreStatement(c, s).map((l) => l.topic).sort();
const link = (s: { name?: string; text?: string; headingPath?: string[] }, topic: string) => scoreStatement(c, s).find((l) => l.topic === topic);

test('English matching ignores inflection and case, and phrases match over stems', () => {
  for (const text of ['Poisoning of the training data.', 'The data were poisoned by an adversary.', 'Data Poisoning attacks.'])
    assert.ok(topics({ text }).includes('security'), text);
  const l = link({ text: 'Run adversarial attacks against the model and audit the adversarial examples.' }, 'security')!;
  assert.ok(l.terms.some((t) => t.term === 'adversarial-attack' && t.count === 2));
  assert.ok(link({ text: 'Companies should be held accountable; accountability requires audits.' }, 'accountability'));
  // A "*" pattern matches any continuation: cyber*.
  assert.ok(link({ text: 'Cyberattacks on hospitals.' }, 'security'));
});

test('exclusions and word boundaries prevent spurious links', () => {
  assert.ok(!topics({ text: 'The social security administration pays pensions.' }).includes('security'));
  assert.ok(!topics({ text: 'Model deployment environment and operating environment settings.' }).includes('sustainability'));
  // "environment" alone is usually the system's surroundings; the natural environment is named as such.
  assert.ok(!topics({ text: 'Utilize a purpose-built testing environment; assess safety to physical environments.' }).includes('sustainability'));
  assert.ok(topics({ text: 'AI systems should benefit individuals, society and the environment.' }).includes('sustainability'));
  assert.ok(!topics({ text: '在隔离的测试环境中运行模型。' }).includes('sustainability'));
  assert.ok(topics({ text: '减少对生态环境的影响。' }).includes('sustainability'));
  // "take into account" is not accountability; "openness. Data" is not "open data".
  assert.ok(!topics({ text: 'Take into account the context.' }).includes('accountability'));
  assert.ok(!link({ text: 'We value openness. Data stays here.' }, 'innovation')?.terms.some((t) => t.term === 'open-source' && t.forms.includes('openness. data')));
  // Words the stemmer would merge, or that mean something else in another phrase.
  assert.ok(!topics({ text: 'An AI arms race between labs erodes caution; gender norms matter.' }).includes('fairness'));
  assert.ok(!topics({ text: 'Chatbots can be used for cyberbullying and cyber-stalking.' }).includes('security'));
  assert.ok(topics({ text: 'State actors use AI for cyber operations.' }).includes('security'));
  assert.ok(!topics({ text: 'Non-consensual imagery spreads quickly.' }).includes('international-cooperation'));
  assert.ok(!topics({ text: 'The agency responses for each case.' }).includes('accountability'));
  // A single broad word in running text is not enough; the same word in the name is.
  assert.equal(link({ text: 'This may cause harm.' }, 'safety'), undefined);
  assert.ok(link({ name: 'Harm', text: 'See below.' }, 'safety'));
});

test('scores weigh specific terms and names above broad terms in text, and grow with repetition up to a cap', () => {
  const inText = link({ text: 'Protect privacy.' }, 'privacy')!.score;
  const inName = link({ name: 'Privacy', text: 'Protect it.' }, 'privacy')!.score;
  assert.ok(inName > inText);
  const once = link({ text: 'privacy' }, 'privacy')!.score;
  const twice = link({ text: 'privacy and privacy' }, 'privacy')!.score;
  const many = link({ text: Array(20).fill('privacy').join(' ') }, 'privacy')!.score;
  assert.ok(twice > once);
  assert.ok(many <= once + c.scoring.repeatBonus * c.scoring.maxRepeats * 3 + 1e-9);
  // A heading counts more than body text.
  assert.ok(link({ headingPath: ['4 Security'], text: 'Keep logs.' }, 'security')!.score > link({ text: 'security. Keep logs.' }, 'security')!.score);
});

test('Chinese: multi-character terms are found inside longer words, single characters only as whole words', () => {
  assert.ok(topics({ text: '防范对抗样本和数据投毒。' }).includes('security'));
  assert.ok(topics({ text: '保护个人信息和隐私权。' }).includes('privacy'));
  // 安全 is both safety and security: it goes to whichever has other evidence, or to both.
  assert.deepEqual(topics({ text: '确保数据的安全，防止网络攻击。' }).filter((t) => t === 'safety' || t === 'security'), ['security']);
  assert.deepEqual(topics({ text: '确保人工智能安全，防止意外行为造成事故。' }).filter((t) => t === 'safety' || t === 'security'), ['safety']);
  assert.deepEqual(topics({ name: '人工智能安全' }).filter((t) => t === 'safety' || t === 'security'), ['safety', 'security']);
});

test('a Chinese statement and its English counterpart land on the same topics', () => {
  const pairs: [string, string][] = [
    ['人工智能系统必须保护用户隐私，防止个人数据泄露。', 'AI systems must protect user privacy and prevent leaks of personal data.'],
    ['开发者应定期开展红队测试，修补安全漏洞。', 'Developers should run red teaming regularly and fix security vulnerabilities.'],
    ['算法不得对特定群体产生歧视或偏见。', 'Algorithms must not discriminate against or be biased towards particular groups.'],
    ['在关键决策中保留人类监督，必要时可以关闭系统。', 'Keep human oversight over critical decisions, and be able to shut the system down when needed.'],
  ];
  for (const [zh, en] of pairs) {
    assert.ok(topics({ text: zh }).length > 0, zh);
    assert.deepEqual(topics({ text: zh }), topics({ text: en }), `${zh} / ${en}`);
  }
});

test('highlighting marks the topic\'s terms and escapes everything else', () => {
  const text = 'Use <script>alert(1)</script> & Privacy-preserving methods to protect personal data.';
  const html = highlightHtml(text, topicSpans(c, text, 'privacy'));
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>Privacy-preserving</mark>'));
  assert.ok(html.includes('protect <mark>personal data</mark>.'));
  assert.ok(!html.includes('<script>'));
  const zh = '保护<b>个人信息</b>';
  assert.equal(highlightHtml(zh, topicSpans(c, zh, 'privacy')), '保护&lt;b&gt;<mark>个人信息</mark>&lt;/b&gt;');
});

test('安全 paired with development (发展和安全) or with stability (安全、稳定) is the security sense, never safety (lexicon 1.4.1)', () => {
  const pairings = [
    { kind: 'principle', text: '国家坚持发展和安全并重、促进创新和依法治理相结合的原则。' },
    { kind: 'principle', text: '协调国际人工智能发展、安全与治理重大问题。' },
    { kind: 'mitigation', text: '提供者应当在其服务过程中，提供安全、稳定、持续的服务，保障用户正常使用。' },
  ];
  for (const s of pairings) assert.ok(!topics(s).includes('safety'), s.text);
  // The security reading of the pairing stays; 安全 on its own still reads as safety in a principle.
  assert.ok(topics(pairings[0]!).includes('security'));
  assert.ok(topics({ kind: 'principle', text: '促进公平、公正、和谐、安全，避免偏见、歧视。' }).includes('safety'));
});

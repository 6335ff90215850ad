import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bibtexEscape, cslNames, dateParts, documentCitation, statementCitation, stableUrl } from '../../src/cite/index.ts';

const doc = {
  id: 'D0007',
  title: 'Large Language Model Safety: A Holistic Survey',
  authors: 'Shi, Dan; Shen, Tianhao; Xiong, Deyi',
  organisation: null,
  year: 2024,
  date: '2024-12',
  url: 'https://arxiv.org/abs/2412.17686',
  doi: '10.48550/arXiv.2412.17686',
  doc_type: 'paper',
  language: 'en',
};

test('stable URLs use the base URL when there is one and are site-relative otherwise', () => {
  assert.equal(stableUrl('M000012'), '/m/M000012');
  assert.equal(stableUrl('D0007', 'https://govnav.example.org/'), 'https://govnav.example.org/d/D0007');
  assert.equal(stableUrl('R000001', 'https://x.org'), 'https://x.org/m/R000001');
});

test('authors as published become CSL names; an organisation becomes a literal author', () => {
  assert.deepEqual(cslNames('Shi, Dan; Shen, Tianhao'), [
    { family: 'Shi', given: 'Dan' },
    { family: 'Shen', given: 'Tianhao' },
  ]);
  assert.deepEqual(cslNames('Ada Lovelace and Alan Turing'), [
    { family: 'Lovelace', given: 'Ada' },
    { family: 'Turing', given: 'Alan' },
  ]);
  assert.deepEqual(cslNames(undefined, 'Cyberspace Administration of China'), [{ literal: 'Cyberspace Administration of China' }]);
  assert.deepEqual(cslNames('', ''), []);
});

test('dates become CSL date parts', () => {
  assert.deepEqual(dateParts('2023-10-18'), [2023, 10, 18]);
  assert.deepEqual(dateParts('2024-07'), [2024, 7]);
  assert.deepEqual(dateParts(undefined, 2019), [2019]);
  assert.equal(dateParts('n.d.'), undefined);
});

test('BibTeX special characters are escaped', () => {
  assert.equal(bibtexEscape('R&D 50% {x} a_b #1 $5 ~ ^ \\'), 'R\\&D 50\\% \\{x\\} a\\_b \\#1 \\$5 \\textasciitilde{} \\textasciicircum{} \\textbackslash{}');
});

test('a document citation carries title, authors, year, DOI and the govnav record', () => {
  const c = documentCitation(doc, { baseUrl: 'https://govnav.example.org' });
  assert.equal(c.url, 'https://govnav.example.org/d/D0007');
  assert.equal(c.key, 'govnav-D0007');
  assert.match(c.bibtex, /^@misc\{govnav-D0007,/);
  assert.match(c.bibtex, /author = \{Shi, Dan and Shen, Tianhao and Xiong, Deyi\}/);
  assert.match(c.bibtex, /year = \{2024\}/);
  assert.match(c.bibtex, /doi = \{10.48550\/arXiv.2412.17686\}/);
  assert.equal(c.csl.type, 'article');
  assert.deepEqual(c.csl.issued, { 'date-parts': [[2024, 12]] });
  assert.equal(c.csl.DOI, doc.doi);
  assert.equal(c.csl.URL, doc.url);
  assert.match(c.text, /Shi, Dan; Shen, Tianhao; Xiong, Deyi \(2024\) Large Language Model Safety/);
});

test('a statement citation is an entry in its document, with pages and heading path', () => {
  const st = {
    id: 'M000042',
    kind: 'mitigation',
    name: 'Data curation & filtering',
    heading_path: ['Value Misalignment', 'Privacy protection'],
    page: 12,
    page_end: 13,
    language: 'en',
  };
  const c = statementCitation(st, doc, { baseUrl: 'https://govnav.example.org', accessed: '2026-11-22' });
  assert.equal(c.url, 'https://govnav.example.org/m/M000042');
  assert.match(c.bibtex, /title = \{\{Data curation \\& filtering\}\}/);
  assert.match(c.bibtex, /booktitle = \{\{Large Language Model Safety: A Holistic Survey\}\}/);
  assert.match(c.bibtex, /pages = \{12--13\}/);
  assert.match(c.bibtex, /urldate = \{2026-11-22\}/);
  assert.equal(c.csl.type, 'entry');
  assert.equal(c.csl['container-title'], doc.title);
  assert.equal(c.csl.page, '12–13');
  assert.deepEqual(c.csl.accessed, { 'date-parts': [[2026, 11, 22]] });
  assert.match(c.csl.note!, /Value Misalignment › Privacy protection/);
  // Balanced braces: the entry parses as one BibTeX record.
  let depth = 0;
  for (const ch of c.bibtex.replace(/\\[{}]/g, '')) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
  assert.equal(depth, 0);
});

test('a statement without a name is cited by the start of its text', () => {
  const c = statementCitation({ id: 'P000001', kind: 'principle', name: '', text: 'AI safety is a global public good.' }, { id: 'D0001', title: 'IDAIS Venice', organisation: 'IDAIS', year: 2024 });
  assert.equal(c.csl.title, 'AI safety is a global public good.');
  assert.deepEqual(c.csl.author, [{ literal: 'IDAIS' }]);
  assert.match(c.bibtex, /author = \{\{IDAIS\}\}/);
  assert.equal(c.url, '/m/P000001');
});

test('only http(s) source links are cited', () => {
  const c = documentCitation({ id: 'D0002', title: 'T', url: 'javascript:alert(1)', organisation: 'O' });
  assert.equal(c.csl.URL, '/d/D0002');
  assert.doesNotMatch(c.bibtex + c.text, /javascript/);
});

test('an organisation given as the author stays one literal name', () => {
  assert.deepEqual(cslNames('Future of Life Institute'), [{ literal: 'Future of Life Institute' }]);
  assert.deepEqual(cslNames('National Technical Committee 260 on Cybersecurity of SAC'), [{ literal: 'National Technical Committee 260 on Cybersecurity of SAC' }]);
  assert.deepEqual(cslNames('Yoshua Bengio'), [{ family: 'Bengio', given: 'Yoshua' }]);
});

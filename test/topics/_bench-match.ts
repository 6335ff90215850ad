// Micro-bench of the topic matcher alone (not a test): CPU time of scoreStatement over the 50,000
// texts of the scale import (bench/_scale-import.ts) and, where ../shared has them, real mitigation
// texts; then the word finding alone, by the character scanner and by the word regular expression
// (the path texts the scanner cannot take use). Run: npx tsx test/topics/_bench-match.ts [rounds]
import { cpuUsage } from 'node:process';
import { syntheticCorpus } from '../../bench/import.ts';
import { loadLexicon } from '../../src/topics/lexicon.ts';
import * as now from '../../src/topics/match.ts';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sharedFile } from '../helpers/shared.ts';
import { MITIGATIONS_CSV } from './_corpus.ts';

type S = { name: string; text: string; headingPath: string[]; kind: string };
const corpus = syntheticCorpus(100, 500) as { documents: { statements: S[] }[] };
const synthetic = corpus.documents.flatMap((d) => d.statements);
// Real texts that do match (the MIT mitigations, each 10 times), when ../shared has them.
const csv = sharedFile(MITIGATIONS_CSV);
const real: S[] = csv
  ? (parse(readFileSync(csv), { columns: true }) as Record<string, string>[]).flatMap((r) => Array.from({ length: 10 }, () => Object.values(r).sort((a, b) => b.length - a.length)[0]!)).map((text, i) => ({ name: `Mitigation ${i}`, text, headingPath: ['Mitigations'], kind: 'mitigation' }))
  : [];
let rows = synthetic;
const lex = loadLexicon();
const rounds = Number(process.argv[2] ?? 3);

function cpu(): number {
  const u = cpuUsage();
  return (u.user + u.system) / 1e6;
}

function time(label: string, score: (s: S) => unknown): number {
  const t0 = cpu();
  let n = 0;
  for (const s of rows) n += (score({ ...s, headingPath: [...s.headingPath] }) as unknown[]).length;
  const t = cpu() - t0;
  console.log(`${label}: ${t.toFixed(3)} s CPU for ${rows.length} statements (${n} found: links or words)`);
  return t;
}

for (const [which, set] of [['scale-import texts', synthetic], ['real mitigation texts', real]] as const) {
  if (!set.length) continue;
  rows = set;
  console.log(which);
for (let r = 0; r < rounds; r++) {
  // A fresh compile each round, as an import does (its word cache starts empty).
  const c = now.compileLexicon(lex);
  time('matcher       ', (s) => now.scoreStatement(c, s));
  time('words, scanner', (s) => now.matcherWords(c, s.text, true).starts);
  time('words, regex  ', (s) => now.matcherWords(c, s.text, false).starts);
}
}

// Builds crosswalks/ibm-risk-atlas_to_risk-domain.sssom.tsv from the SSSOM mapping that IBM AI
// Atlas Nexus publishes (IBM AI Risk Atlas → MIT AI Risk Repository, curated by the MIT AI Risk
// Initiative), keeping the rows that map a risk to a risk subdomain and rewriting their objects as
// govnav risk-domain codes. The mapping is the curators' (author kept per row); the file carries
// its licence and attribution.
//   node --import tsx scripts/crosswalks/build-ibm-risk-atlas.ts [../shared/data/ibm-ai-atlas-nexus/mit-ai-risk-repository_ibm-risk-atlas.tsv]
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { taxonomies } from '../../src/taxonomy/index.ts';

const src = process.argv[2] ?? '../shared/data/ibm-ai-atlas-nexus/mit-ai-risk-repository_ibm-risk-atlas.tsv';
const out = new URL('../../crosswalks/ibm-risk-atlas_to_risk-domain.sssom.tsv', import.meta.url);
const text = readFileSync(src, 'utf8');
const body = text
  .split('\n')
  .filter((l) => !l.startsWith('#'))
  .join('\n');
const rows = parse(body, { delimiter: '\t', columns: true, relax_quotes: true, skip_empty_lines: true }) as Record<string, string>[];
const domain = taxonomies().get('risk-domain');
const kept: string[] = [];
for (const [i, r] of rows.entries()) {
  const m = /mit-ai-risk-subdomain-(\d+\.\d+)$/.exec(r.object_id ?? '');
  if (!m) continue;
  const code = m[1]!;
  if (!domain.has(code)) throw new Error(`${src}: row ${i + 2}: subdomain ${code} is not in the risk-domain taxonomy`);
  const clean = (s: string | undefined) => (s ?? '').replace(/[\t\r\n]+/g, ' ').trim();
  kept.push(
    [clean(r.subject_id), clean(r.subject_label), clean(r.predicate_id), `risk-domain:${code}`, domain.node(code).name.en, clean(r.mapping_justification), clean(r.author_id), clean(r.mapping_date), clean(r.comment)].join('\t'),
  );
}
const header = `# curie_map:
#   ibm-risk-atlas: https://www.ibm.com/docs/en/watsonx/saas?topic=
#   risk-domain: 'urn:govnav:taxonomy:risk-domain:'
#   semapv: https://w3id.org/semapv/vocab/
#   skos: http://www.w3.org/2004/02/skos/core#
# mapping_set_id: govnav:crosswalks/ibm-risk-atlas_to_risk-domain
# mapping_set_version: '1.0'
# mapping_set_description: IBM AI Risk Atlas risks and the MIT AI Risk Repository subdomain each was mapped to by the MIT AI Risk Initiative (rows of the AI Atlas Nexus mapping that name a subdomain; entity, intent and timing rows left out). Built by scripts/crosswalks/build-ibm-risk-atlas.ts.
# license: https://www.apache.org/licenses/LICENSE-2.0.html
# attribution: AI Atlas Nexus, Copyright IBM, Apache License 2.0 (mappings/mit-ai-risk-repository_ibm-risk-atlas.tsv); MIT AI Risk Repository taxonomy, CC BY 4.0.
# creator_id:
#   - MIT AI Risk Initiative (curation)
#   - govnav project (conversion to govnav codes)
# mapping_date: '2025-07-07'
`;
const cols = 'subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\tauthor_id\tmapping_date\tcomment';
writeFileSync(out, header + cols + '\n' + kept.join('\n') + '\n');
console.log(`${out.pathname}: ${kept.length} rows from ${rows.length}`);

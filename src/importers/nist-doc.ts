// The NIST AI 600-1 document record, shared by the NIST actions importer and the MIT mitigation
// database (203 of whose mitigations come from it).
import type { DocumentInput } from '../model/index.ts';

export const NIST_600_1_KEY = 'NIST.AI.600-1';

export function nist600Document(provenance: DocumentInput['provenance'], meta: Record<string, unknown> = {}): DocumentInput {
  return {
    sourceKey: NIST_600_1_KEY,
    title: 'Artificial Intelligence Risk Management Framework: Generative Artificial Intelligence Profile (NIST AI 600-1)',
    organisation: 'National Institute of Standards and Technology (NIST)',
    date: '2024-07-26',
    year: 2024,
    docType: 'framework',
    jurisdiction: 'US',
    language: 'en',
    url: 'https://nvlpubs.nist.gov/nistpubs/ai/NIST.AI.600-1.pdf',
    doi: '10.6028/NIST.AI.600-1',
    provenance,
    meta: { sourceId: NIST_600_1_KEY, ...meta },
  };
}

/** "GV-1.1-001" → { fn: "GV", subcategory: "GOVERN 1.1" } */
export function nistActionParts(id: string): { prefix: string; fnName: string; subcategory: string } | undefined {
  const m = /^(GV|MP|MS|MG)-(\d+\.\d+)-\d+$/.exec(id);
  if (!m) return undefined;
  const fnName = { GV: 'GOVERN', MP: 'MAP', MS: 'MEASURE', MG: 'MANAGE' }[m[1] as 'GV' | 'MP' | 'MS' | 'MG'];
  return { prefix: m[1]!, fnName, subcategory: `${fnName} ${m[2]}` };
}

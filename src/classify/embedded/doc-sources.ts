// The document context production gives the statement of an annotated item (round 8, issue 12): the
// document type and organisation that govnav's importers and the snapshot set on the document the
// item's text comes from. Evaluation and training read an annotated item's document through this
// table, so that a held-out item gets exactly what `govnav classify` would give the same statement.
// test/classify/doc-context.test.ts checks every row against the importers and the snapshot's list.
// A document not here (e.g. corpus files the snapshot leaves out, which only `ingest --type` would
// type) has no context: no cue.
import type { DocumentType } from '../../model/index.ts';
import type { DocContext } from './doc-context.ts';

interface Typed {
  docType: DocumentType;
  organisation?: string;
}

const NIST = 'National Institute of Standards and Technology (NIST)';

/** Corpus files in the snapshot (scripts/snapshot/corpus.ts, CORPUS): their type and organisation. */
export const CORPUS_FILES: Readonly<Record<string, Typed>> = {
  'nist-ai-100-1_ai-rmf-1.0_2023_en.pdf': { docType: 'framework', organisation: NIST },
  'eu-ai-act_reg-2024-1689_eurlex_en.html': { docType: 'regulation', organisation: 'European Parliament and Council of the European Union' },
  'cac_genai-interim-measures_2023_zh.htm': { docType: 'regulation', organisation: '国家互联网信息办公室 (Cyberspace Administration of China) and six other authorities' },
  'casi_genai-interim-measures_2023_en-translation.md': { docType: 'regulation', organisation: 'China Aerospace Studies Institute (CASI), Air University' },
  'au_national-ai-plan_2025_en.pdf': { docType: 'policy', organisation: 'Australian Government, Department of Industry, Science and Resources' },
  'uk_ai-regulation-pro-innovation-white-paper_2023_en.html': { docType: 'policy', organisation: 'UK Department for Science, Innovation and Technology' },
  'jp_ai-guidelines-for-business-v1.0_2024_en.pdf': {
    docType: 'guidance',
    organisation: 'Ministry of Internal Affairs and Communications and Ministry of Economy, Trade and Industry, Japan',
  },
  'us-co_sb24-205_ai-act_signed-scan_2024_en.pdf': { docType: 'law', organisation: 'Colorado General Assembly' },
};

/** Datasets whose statements all sit in one document (the importers' document records). */
export const DATASET_DOCS: Readonly<Record<string, Typed>> = {
  'nist-ai-600-1': { docType: 'framework', organisation: NIST },
  'finos-aigf': { docType: 'framework', organisation: 'FINOS (Fintech Open Source Foundation)' },
  'mitre-atlas': { docType: 'framework', organisation: 'MITRE' },
};

/** MIT AI Risk Mitigation Database: the cited documents by title, with the type its importer gives them (DOC_TYPES; no organisation). */
export const MIT_DOCS: Readonly<Record<string, DocumentType>> = {
  'California State Senate Bill 1047': 'law',
  'EU AI Act: General Purpose AI Code of Practice (Draft 3)': 'guidance',
  'Emerging Processes for Frontier AI Safety': 'guidance',
  'FLI AI Safety Index 2024': 'report',
  'International AI Safety Report': 'report',
  'AI Risk Management Standards Profile for GPAIS': 'framework',
  'The Unified Control Framework: Establishing a Common Foundation for Enterprise AI Governance, Risk Management and Regulatory Compliance': 'framework',
  'A Frontier AI Risk Management Framework: Bridging the Gap Between Current AI Practices and Established Risk Management': 'paper',
  'Towards Best Practices in AGI Safety and Governance: A Survey of Expert Opinion': 'paper',
  'Effective Mitigations for Systemic Risks from General-Purpose AI': 'paper',
  'Pitfalls of Evidence-Based AI Policy': 'paper',
  'Risk sources and risk management measures in support of standards for general-purpose AI systems': 'paper',
  'NIST AI 600-1 (Generative AI Profile)': 'framework',
};

/** Where an annotated item's text comes from (annotations/items.jsonl, "source"; a statement's meta has the same fields). */
export interface ItemSource {
  dataset: string;
  document: string;
  file?: string;
}

/** The document context production gives an annotated item's statement (undefined: none known). */
export function sourceDocContext(src: ItemSource): DocContext | undefined {
  if (src.dataset === 'corpus') return src.file ? CORPUS_FILES[src.file] : undefined;
  if (src.dataset === 'mit-airi-mitigations') {
    const t = MIT_DOCS[src.document];
    return t ? { docType: t, ...(t === 'framework' && src.document.startsWith('NIST AI 600-1') ? { organisation: NIST } : {}) } : undefined;
  }
  return DATASET_DOCS[src.dataset];
}

/**
 * A stored statement's document context: an annotated item imported as the govnav-annotations dataset
 * keeps its source in the statement's meta (sourceDataset, sourceDocument, sourceFile) and gets its
 * original document's; any other statement its own document's type and organisation.
 */
export function storedDocContext(r: { doc_type: string; organisation: string | null; meta: Record<string, unknown> | null }): DocContext | undefined {
  const m = r.meta ?? {};
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const dataset = str(m.sourceDataset);
  const document = str(m.sourceDocument);
  if (dataset && document) return sourceDocContext({ dataset, document, file: str(m.sourceFile) });
  return { docType: r.doc_type, organisation: r.organisation ?? undefined };
}

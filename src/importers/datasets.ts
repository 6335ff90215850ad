// The public datasets govnav knows: where each is published, which version we import, its
// licence and the attribution that must travel with it, and the files to download. Checksums
// are the sha256 of the files as published at the pinned commit (verified against the copies the
// project was built with); a file with no checksum here has none we could verify.
import type { DatasetInfo } from './types.ts';

export interface DatasetFile {
  /** File name as stored locally (and as served by a mirror, below the dataset's mirror folder). */
  name: string;
  url: string;
  size?: number;
  sha256?: string;
}

export interface DatasetEntry {
  name: string;
  title: string;
  /** Where people find the dataset. */
  home: string;
  version: string;
  published?: string;
  licence: string;
  attribution: string;
  /** Importer format of the downloaded files. */
  format: string;
  files: DatasetFile[];
  /** Folder name of this dataset in a mirror (the layout of ../shared/data). */
  mirrorDir: string;
  /** Set when the dataset cannot be downloaded as published; explains what to do instead. */
  manual?: string;
  /**
   * Where `files` come from: the publisher's own location, or a copy kept by someone else (then
   * `copyReason` says why not the publisher's, and how to get the publisher's own file).
   */
  source: 'publisher' | 'copy';
  copyReason?: string;
  notes?: string;
}

const ATLAS_NEXUS = 'https://raw.githubusercontent.com/IBM/ai-atlas-nexus/a8af9d79b72fe12c165bd51f855bc888d9acaeb4/src/ai_atlas_nexus/data';

export const DATASETS: DatasetEntry[] = [
  {
    name: 'mit-airi-risk-db',
    title: 'MIT AI Risk Repository: AI Risk Database v4',
    home: 'https://airisk.mit.edu/',
    version: 'v4',
    published: '2025-12-03',
    licence: 'CC-BY-4.0',
    attribution:
      'MIT AI Risk Repository (AI Risk Database), MIT AI Risk Initiative / MIT FutureTech, ' +
      'https://airisk.mit.edu/, licensed CC BY 4.0. Cite: Slattery, P., Saeri, A. K., Grundy, E. A. C., Graham, J., Noetel, M., ' +
      'Uuk, R., Dao, J., Pour, S., Casper, S., & Thompson, N. (2025). The AI Risk Repository: A Comprehensive Meta-Review, ' +
      'Database, and Taxonomy of Risks From Artificial Intelligence. Changes: rows converted into govnav documents, risk statements and labels.',
    format: 'mit-airi-xlsx',
    mirrorDir: 'mit-airi-risk-db-v4',
    source: 'copy',
    copyReason:
      'MIT publishes the workbook only as a Google Sheet linked from https://airisk.mit.edu/ (no stable file URL to download); ' +
      'govnav downloads a byte-identical copy of the v4 export kept in a public GitHub repository and checks its sha256. ' +
      "For MIT's own copy: open the sheet from airisk.mit.edu, File → Download → Microsoft Excel (.xlsx), then `govnav import <file>`.",
    files: [
      {
        name: 'The_AI_Risk_Repository_V4_03_12_2025.xlsx',
        url: 'https://raw.githubusercontent.com/Blitz012/MIT-risk-mapper/10267cbb65f2dc8e4449b12838a4118d1f0752c2/Copy%20of%20The%20AI%20Risk%20Repository%20V4_03_12_2025.xlsx',
        size: 711278,
        sha256: '4cf65a4f078ecc520839eadb7c9d86f54e6295ff21c57d4924f7b44a51a15052',
      },
    ],
    notes:
      'MIT publishes the workbook as a Google Sheet (File → Download → Microsoft Excel); the download URL is a byte-identical ' +
      'copy of the v4 export kept in a public GitHub repository.',
  },
  {
    name: 'mit-airi-mitigations',
    title: 'MIT AI Risk Mitigation Database (831 mitigations) with the draft mitigation taxonomy v1',
    home: 'https://airisk.mit.edu/blog/mapping-ai-risk-mitigations',
    version: 'v1 (AI Atlas Nexus a8af9d7)',
    published: '2025-07-28',
    licence: 'CC-BY-4.0 AND Apache-2.0',
    attribution:
      'MIT AI Risk Mitigation Database and Draft Mitigation Taxonomy v1: Saeri, A. K., Lloyd George, S., Graham, J., LaCarriere, C., ' +
      'Slattery, P., & Thompson, N. (2025), "Mapping AI Risk Mitigations: Evidence Scan & Draft Mitigation Taxonomy", MIT AI Risk ' +
      'Initiative, CC BY 4.0. Machine-readable copy: AI Atlas Nexus, Copyright IBM, Apache License 2.0. Mitigations taken from ' +
      'NIST AI 600-1 are US government work. Changes: converted into govnav documents, mitigation statements and labels.',
    format: 'mit-mitigations',
    mirrorDir: 'mit-airi-mitigations-v1',
    source: 'copy',
    copyReason:
      'MIT publishes the mitigation database as a spreadsheet on airisk.mit.edu; the machine-readable files with the v1 taxonomy ' +
      "mapping are IBM's AI Atlas Nexus packaging of it (Apache-2.0), pinned to a commit and checked by sha256.",
    files: [
      {
        name: 'mit_ai_risk_mitigation_data.yaml',
        url: `${ATLAS_NEXUS}/knowledge_graph/mit_ai_risk_mitigation_data.yaml`,
        size: 35913,
        sha256: '92bdb6e55bedb398861f3135c61be9aaf8efae9ed4960c9228095d7e02b75179',
      },
      {
        name: 'mit_ai_risk_repository_data_controls.yaml',
        url: `${ATLAS_NEXUS}/knowledge_graph/mit_ai_risk_repository_data_controls.yaml`,
        size: 379848,
        sha256: 'ff4d6cbf4daa49d65226a4fb2668f63dd1a6312018c6e8344c70b822ed050621',
      },
      {
        name: 'mit_ai_risk_mitigation_mappings.tsv',
        url: `${ATLAS_NEXUS}/mappings/mit_ai_risk_mitigation_mappings.tsv`,
        size: 188491,
        sha256: '5765470eb5f8e891f5953b2f85592b35a8c1a8f297d6e54cddd695af32e8248b',
      },
    ],
  },
  {
    name: 'nist-ai-600-1',
    title: 'NIST AI 600-1 (Generative AI Profile): suggested actions',
    home: 'https://doi.org/10.6028/NIST.AI.600-1',
    version: 'July 2024 (AI Atlas Nexus a8af9d7)',
    published: '2024-07-26',
    licence: 'LicenseRef-US-Government-Work AND Apache-2.0',
    attribution:
      'NIST AI 600-1, Artificial Intelligence Risk Management Framework: Generative Artificial Intelligence Profile ' +
      '(National Institute of Standards and Technology, July 2024), https://doi.org/10.6028/NIST.AI.600-1, a US government work. ' +
      'Suggested actions as packaged by AI Atlas Nexus, Copyright IBM, Apache License 2.0.',
    format: 'nist-600-1',
    mirrorDir: 'ibm-ai-atlas-nexus',
    source: 'copy',
    copyReason:
      'NIST publishes AI 600-1 as a PDF (https://doi.org/10.6028/NIST.AI.600-1), not as data; the suggested actions as data are ' +
      "IBM's AI Atlas Nexus packaging, pinned to a commit and checked by sha256 (the PDF itself can be added with `govnav ingest`).",
    files: [
      {
        name: 'nist_ai_rmf_actions_data.yaml',
        url: `${ATLAS_NEXUS}/knowledge_graph/nist_ai_rmf_actions_data.yaml`,
        size: 120942,
        sha256: 'eddbd1f02dc45ee74deb979d530e282cfcbec548fda07a089785279132c26423',
      },
      {
        name: 'nist_ai_rmf_data.yaml',
        url: `${ATLAS_NEXUS}/knowledge_graph/nist_ai_rmf_data.yaml`,
        size: 13331,
        sha256: '4ed40465775b21765de8e6f9ced4cab60b9d24d5499f99677c24c5ceff084990',
      },
    ],
  },
  {
    name: 'finos-aigf',
    title: 'FINOS AI Governance Framework: risks and mitigations',
    home: 'https://air-governance-framework.finos.org/',
    version: '78e0aed',
    licence: 'CC-BY-4.0',
    attribution:
      'AI Governance Framework, © 2025 FINOS (Fintech Open Source Foundation), https://air-governance-framework.finos.org/, ' +
      'licensed CC BY 4.0. Changes: the Markdown pages were converted into govnav risk and mitigation statements.',
    format: 'finos-aigf',
    mirrorDir: 'finos-aigf',
    source: 'publisher',
    files: [],
    manual:
      'FINOS publishes the framework as Markdown pages in the GitHub repository finos/ai-governance-framework ' +
      '(docs/_risks, docs/_mitigations). Download the repository (Code → Download ZIP), unpack it and run ' +
      '`govnav import <unpacked folder>`; a JSON conversion (finos_aigf_risks_mitigations.json) imports too.',
  },
  {
    name: 'mitre-atlas',
    title: 'MITRE ATLAS: adversarial techniques and mitigations for AI systems',
    home: 'https://atlas.mitre.org/',
    version: '5.6.0',
    licence: 'Apache-2.0',
    attribution:
      'MITRE ATLAS (Adversarial Threat Landscape for AI Systems), https://atlas.mitre.org/, Copyright 2021-2025 MITRE, ' +
      'Apache License 2.0.',
    format: 'mitre-atlas',
    mirrorDir: 'mitre-atlas',
    source: 'publisher',
    files: [
      {
        name: 'ATLAS.yaml',
        url: 'https://raw.githubusercontent.com/mitre-atlas/atlas-data/8ee2c689a7d3c65ddf2bfe4950a4f3ecffa6f48b/dist/ATLAS.yaml',
        size: 452932,
        sha256: '8a5693df51135721796607b8f29cba8ed33d745d5592ed80efbaaab0fba978f2',
      },
    ],
  },
];

export function datasetEntry(name: string): DatasetEntry {
  const d = DATASETS.find((x) => x.name === name);
  if (!d) throw new Error(`Unknown dataset "${name}". Known: ${DATASETS.map((x) => x.name).join(', ')}`);
  return d;
}

/** The provenance an importer stamps on documents, optionally with another version read from the file. */
export function datasetInfo(name: string, over: Partial<DatasetInfo> = {}): DatasetInfo {
  const d = datasetEntry(name);
  return {
    id: d.name,
    version: d.version,
    licence: d.licence,
    attribution: d.attribution,
    sourceUrl: d.home,
    ...over,
  };
}

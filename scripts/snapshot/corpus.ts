// The documents of ../shared/corpus that go into the snapshot's "governance documents" dataset, with
// the metadata and licence each carries (from ../shared/corpus/SOURCE.md), and the ones left out with
// the reason. Only documents whose licence allows redistribution are included.

export const CORPUS_DATASET = 'govnav-governance-documents';

export interface CorpusDoc {
  file: string;
  title: string;
  organisation: string;
  date: string;
  type: 'law' | 'regulation' | 'framework' | 'guidance' | 'policy';
  jurisdiction: string;
  language: 'en' | 'zh';
  licence: string;
  attribution: string;
  /** The publisher's page for the work. */
  url?: string;
  /** The work's DOI, when it has one (lets other sources of the same work join it). */
  doi?: string;
  /** Why redistribution is allowed. */
  basis: string;
}

export const CORPUS: CorpusDoc[] = [
  {
    file: 'nist-ai-100-1_ai-rmf-1.0_2023_en.pdf',
    title: 'Artificial Intelligence Risk Management Framework (AI RMF 1.0)',
    organisation: 'National Institute of Standards and Technology (NIST)',
    date: '2023-01',
    type: 'framework',
    jurisdiction: 'US',
    language: 'en',
    licence: 'LicenseRef-US-Government-Work',
    attribution: 'NIST AI 100-1, Artificial Intelligence Risk Management Framework (AI RMF 1.0), National Institute of Standards and Technology, 2023. doi:10.6028/NIST.AI.100-1',
    url: 'https://doi.org/10.6028/NIST.AI.100-1',
    doi: '10.6028/NIST.AI.100-1',
    basis: 'work of the US federal government, public domain in the US (17 U.S.C. §105)',
  },
  {
    file: 'eu-ai-act_reg-2024-1689_eurlex_en.html',
    title: 'Regulation (EU) 2024/1689 laying down harmonised rules on artificial intelligence (Artificial Intelligence Act)',
    organisation: 'European Parliament and Council of the European Union',
    date: '2024-06-13',
    type: 'regulation',
    jurisdiction: 'EU',
    language: 'en',
    licence: 'LicenseRef-EU-Reuse-Decision-2011-833',
    attribution: 'Regulation (EU) 2024/1689 (Artificial Intelligence Act), OJ L, 2024/1689, 12.7.2024. Source: EUR-Lex, © European Union, https://eur-lex.europa.eu/. Only the Official Journal e-edition is authentic.',
    url: 'https://eur-lex.europa.eu/eli/reg/2024/1689/oj',
    basis: 'reuse of EU legal texts is allowed with acknowledgement of the source (Commission Decision 2011/833/EU; EUR-Lex legal notice)',
  },
  {
    file: 'cac_genai-interim-measures_2023_zh.htm',
    title: '生成式人工智能服务管理暂行办法',
    organisation: '国家互联网信息办公室 (Cyberspace Administration of China) and six other authorities',
    date: '2023-07-10',
    type: 'regulation',
    jurisdiction: 'CN',
    language: 'zh',
    licence: 'LicenseRef-PRC-Copyright-Law-Art5',
    attribution: '生成式人工智能服务管理暂行办法（国家互联网信息办公室等七部门令 第15号）, 2023. Source: www.cac.gov.cn',
    url: 'https://www.cac.gov.cn/2023-07/13/c_1690898327029107.htm',
    basis: 'a departmental rule of state organs, not protected by copyright (PRC Copyright Law, Art. 5)',
  },
  {
    file: 'casi_genai-interim-measures_2023_en-translation.md',
    title: 'Interim Measures for the Management of Generative Artificial Intelligence Services (English translation)',
    organisation: 'China Aerospace Studies Institute (CASI), Air University',
    date: '2023-08-07',
    type: 'regulation',
    jurisdiction: 'CN',
    language: 'en',
    licence: 'LicenseRef-US-Government-Work',
    attribution: '"In Their Own Words": Interim Measures for the Management of Generative Artificial Intelligence Services, translated by Josh Baughman, China Aerospace Studies Institute, 2023',
    basis: 'a translation published by a US Air Force institute: a US federal work, public domain in the US',
  },
  {
    file: 'au_national-ai-plan_2025_en.pdf',
    title: 'National AI Plan',
    organisation: 'Australian Government, Department of Industry, Science and Resources',
    date: '2025-11',
    type: 'policy',
    jurisdiction: 'AU',
    language: 'en',
    licence: 'CC-BY-4.0',
    attribution: 'National AI Plan, © Commonwealth of Australia 2025 (Department of Industry, Science and Resources), licensed under CC BY 4.0; logos and the Coat of Arms are excluded.',
    url: 'https://www.industry.gov.au/NationalAIPlan',
    basis: 'Creative Commons Attribution 4.0, stated in the document',
  },
  {
    file: 'uk_ai-regulation-pro-innovation-white-paper_2023_en.html',
    title: 'A pro-innovation approach to AI regulation',
    organisation: 'UK Department for Science, Innovation and Technology',
    date: '2023-03-29',
    type: 'policy',
    jurisdiction: 'GB',
    language: 'en',
    licence: 'OGL-UK-3.0',
    attribution: 'A pro-innovation approach to AI regulation (CP 815), Department for Science, Innovation and Technology, 2023. Contains public sector information licensed under the Open Government Licence v3.0.',
    url: 'https://www.gov.uk/government/publications/ai-regulation-a-pro-innovation-approach/white-paper',
    basis: 'Open Government Licence v3.0, stated on the page',
  },
  {
    file: 'jp_ai-guidelines-for-business-v1.0_2024_en.pdf',
    title: 'AI Guidelines for Business Ver1.0 (provisional English translation)',
    organisation: 'Ministry of Internal Affairs and Communications and Ministry of Economy, Trade and Industry, Japan',
    date: '2024-04-19',
    type: 'guidance',
    jurisdiction: 'JP',
    language: 'en',
    licence: 'LicenseRef-Japan-Government-Standard-Terms-of-Use-2.0',
    attribution: 'AI Guidelines for Business Ver1.0 (provisional translation), MIC and METI, 2024. Used under the Government of Japan Standard Terms of Use (Ver. 2.0).',
    basis: 'Government of Japan Standard Terms of Use 2.0 (compatible with CC BY 4.0), from the METI and MIC site terms',
  },
  {
    file: 'us-co_sb24-205_ai-act_signed-scan_2024_en.pdf',
    title: 'Colorado SB 24-205: Concerning Consumer Protections in Interactions with Artificial Intelligence Systems',
    organisation: 'Colorado General Assembly',
    date: '2024-05-17',
    type: 'law',
    jurisdiction: 'US-CO',
    language: 'en',
    licence: 'LicenseRef-Government-Edict',
    attribution: 'Senate Bill 24-205, Colorado General Assembly, signed 17 May 2024.',
    url: 'https://leg.colorado.gov/bills/sb24-205',
    basis: 'enacted legislation, not copyrightable (government edicts doctrine, Georgia v. Public.Resource.Org, 2020)',
  },
];

/** Documents of ../shared/corpus that are not in the snapshot, and why. */
export const SKIPPED: { file: string; reason: string }[] = [
  {
    file: 'eu-ai-act_reg-2024-1689_oj-pdf_en.pdf',
    reason: 'the same work as the EUR-Lex HTML of the AI Act, which is included; one copy of a work only',
  },
  {
    file: 'ca_bill-c-27_aida_first-reading_2022_en-fr.pdf',
    reason: "reproduction is allowed by the Speaker's permission, which is not an open licence",
  },
  {
    file: 'tc260_ai-safety-governance-framework-v1.0_2024_zh.pdf',
    reason: 'licence basis uncertain (whether PRC Copyright Law Art. 5 covers a technical committee is not settled; SOURCE.md: review before any public redistribution)',
  },
  {
    file: 'tc260-003_genai-service-basic-security-requirements_2024_zh.pdf',
    reason: 'licence basis uncertain (as the TC260 framework)',
  },
  {
    file: 'us-fedramp_significant-change-policies_2018_en_NON-AI.docx',
    reason: 'not an AI governance document',
  },
];

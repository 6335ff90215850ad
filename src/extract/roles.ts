// The embedded role classifier: every block of a reader's output gets one of the five roles
// (mitigation | risk | principle | context | apparatus) with a confidence and a one-sentence
// reason. Offline, English and Chinese, no model file needed: it combines
//   - structure: the heading path (a block under "References" is apparatus, under "Definitions"
//     context, under "Mitigation strategies" a mitigation unless its words say otherwise), reader
//     hints (contents lines, running heads, captions, footnotes), position, numbering;
//   - surface form: dot leaders, citations, URLs/DOIs, dates with versions, lists of names, page numbers;
//   - language: modal and imperative verbs (shall/should/must/ensure; 应当/应/不得/须), risk
//     vocabulary (may lead to/vulnerability/attack; 风险/可能导致), principle vocabulary
//     (should be fair/transparent; 原则/尊重);
//   - optionally a text model (see model.ts) trained from the statement kinds in the store, which
//     only decides between the three statement kinds once the block is known to state something.
import type { Block, BlockHint } from '../ingest/types.ts';
import type { StatementKind } from '../model/index.ts';
import type { Role, RoleDecision } from './types.ts';
import { tableRowParts } from './table.ts';
import { blockOrdinals, ordinalLeadIns, type OrdinalLeadIns } from './markers.ts';
import { boundedMemo } from '../util/memo.ts';

/** Scores (probabilities summing to 1) over the three statement kinds for a text. */
export interface RoleModel {
  /** Identifies the model (a hash of its training rows, or "lexicon"). */
  id: string;
  kindScores(text: string): Record<StatementKind, number>;
}

// ------------------------------------------------------------------ section titles

type SectionClass = 'apparatus' | 'context' | 'mitigation' | 'risk' | 'principle';

interface SectionRule {
  cls: SectionClass;
  re: RegExp;
  label: string;
}

// Matched against a heading with its number stripped. Order matters: the first match wins.
const SECTION_RULES: SectionRule[] = [
  { cls: 'apparatus', label: 'contents', re: /^(table of contents|contents|目\s*次|目\s*录|目\s*錄)$/i },
  { cls: 'apparatus', label: 'references', re: /^(references?|bibliography|works cited|sources|endnotes|notes|footnotes|further reading|citations|links|useful links|external links|see also|(additional|further|related|useful|external) (resources|links|reading)|resources|tools and resources|参考文献|參考文獻|规范性引用文件|引用文件|参考资料)$/i },
  { cls: 'apparatus', label: 'acknowledgements', re: /^(acknowledge?ments?|acknowledgment|thanks|contributors?|authors?|editors?|drafting (team|group)|working group members?|about the authors?|致谢|编写组|起草单位|起草人)$/i },
  { cls: 'apparatus', label: 'revision history', re: /^(revision history|document (revision )?history|change (log|history)|version history|record of changes|document control|修订(记录|历史)|版本(记录|历史))$/i },
  { cls: 'apparatus', label: 'disclaimer', re: /^(disclaimer|legal notice|copyright( notice)?|licen[cs]e|citation|how to cite|publication details|how to contact us|contact( us| information)?|免责声明|版权声明)$/i },
  { cls: 'apparatus', label: 'index', re: /^(index|list of (figures|tables|abbreviations|acronyms)|figures|tables|abbreviations|acronyms|glossary of acronyms|缩略语)$/i },
  { cls: 'context', label: 'definitions', re: /^(definitions?|terms and definitions|terminology|glossary|key terms|interpretation|术语和定义|术语|定义|用语)(\b|$)/i },
  { cls: 'context', label: 'scope', re: /^(scope|scope of application|applicability|purpose|objectives?|范围|适用范围|目的)$/i },
  { cls: 'context', label: 'introduction', re: /^(introduction|background|executive summary|foreword|preface|context|about|motivation|ministerial foreword|前\s*言|引\s*言|背景)$/i },
  { cls: 'context', label: 'rationale', re: /^(importance( and benefits)?|benefits|key benefits|why (this|it) matters|rationale|challenges( and considerations)?|limitations|discussion|key takeaways|lessons learned|意义|作用)$/i },
  { cls: 'context', label: 'consultation', re: /^(stakeholder engagement|(?:summary of )?(?:consultation )?responses?(?: to the consultation)?|consultation(?: questions| responses?)?|government response|what (?:we|you) told us)$/i },
  { cls: 'context', label: 'example', re: /^(examples?|case stud(y|ies)|use cases?|scenarios?|illustrations?|示例|案例|例如)(\b|$)/i },
  { cls: 'risk', label: 'risks', re: /\b(risks?|threats?|hazards?|harms?|vulnerabilit(y|ies)|attack (scenarios?|vectors?)|attacks|failure modes?|dangers?|consequences|impacts?|adverse effects)\b|风险|威胁|危害|隐患/i },
  { cls: 'principle', label: 'principles', re: /\b(principles?|values|ethical (principles|guidelines)|tenets)\b|原则|价值观|理念/i },
  { cls: 'mitigation', label: 'measures', re: /\b(mitigations?|prevention|controls?|safeguards?|measures?|recommendations?|requirements?|obligations?|actions?|practices|countermeasures?|strategies|guidance|responsibilities|duties|what (you|organi[sz]ations?|providers?) (should|must|can) do)\b|措施|要求|义务|责任|策略|防范|缓解|应对|治理|规范|指引|义务/i },
];

/** Strip a printed number ("5.1", "Article 9", "Part 2", "第三章", "A.1", "II.") from a heading. */
export function stripNumber(title: string): string {
  return title
    .normalize('NFKC')
    .replace(/^\s*(?:(?:section|chapter|part|article|annex|appendix|title|clause)\s+)?\(?(?:[0-9]+(?:\.[0-9]+)*|[ivxlcdm]+|[a-z](?:\.[0-9]+)*)[.)]?\s+/i, '')
    .replace(/^\s*第[一二三四五六七八九十百零〇0-9]+[章节条部分篇]\s*/, '')
    .replace(/^\s*[一二三四五六七八九十]+[、.．]\s*/, '')
    .replace(/^[\s–—:：-]+/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[:：.。]$/, '');
}

export function sectionClass(title: string): SectionRule | undefined {
  // "Risk Measurement", "Framing Risk", "Managing AI risks" are about handling risk, not risks.
  const t = stripNumber(title).replace(/\bframing risks?\b|\brisk[- ](?:measurement|management|prioriti[sz]ation|tolerance|assessment|framing|treatment|governance)\b|\bmanag(?:e|ing) (?:ai )?risks?\b/gi, ' ').replace(/风险(?=应对|防范|防控|治理|管理|处置|控制|缓解)/g, '').replace(/\s+/g, ' ').trim();
  if (!t || t.length > 120) return undefined;
  const long = hasCjk(t) ? [...t].length > 14 : t.split(/\s+/).length > 6;
  for (const r of SECTION_RULES) {
    // A long title ("Interim Measures for the Management of …") names a document, not a section kind.
    if (long && (r.cls === 'mitigation' || r.cls === 'risk' || r.cls === 'principle')) continue;
    if (r.re.test(t)) return r;
  }
  return undefined;
}

// ------------------------------------------------------------------ surface forms

const DOT_LEADER = /(?:\.\s?){4,}\s*[0-9ivxlcdmIVXLCDM]+\s*$|(?:…\s?){2,}\s*\d+\s*$|(?:·\s?){4,}\s*\d+\s*$|\s[0-9]{1,3}$/;
const STRONG_LEADER = /(?:\.\s?){4,}|(?:…\s?){2,}|(?:·\s?){4,}|(?:_\s?){4,}/;
const URL = /\bhttps?:\/\/\S+|\bwww\.\S+|\bdoi:\s*\S+|\b10\.\d{4,}\/\S+/gi;
const CITATION = /\(\d{4}[a-z]?\)|\b(?:19|20)\d{2}[a-z]?\.\s|\bet al\.|\bvol\.\s*\d|\bpp?\.\s*\d|\bno\.\s*\d|\bretrieved from\b|\barxiv\b|\bproceedings\b|\bjournal\b|\bpress\b|\bISBN\b|\bISSN\b|《[^》]+》|GB\/T\s*\d/gi;
const DATE = /\b(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])(?:[-/.]\d{1,2})?\b|\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+(?:\d{1,2},?\s+)?(?:19|20)\d{2}\b|\d{4}\s*年\s*\d{1,2}\s*月/i;
const VERSION = /\b(?:v(?:ersion)?\.?\s*\d+(?:\.\d+)*|rev(?:ision)?\.?\s*\d+|\d+\.\d+(?:\.\d+)?)\b|版本|修订/i;
const COPYRIGHT = /©|^copyright\b|\bcopyright (?:©|\d{4}|notice|holder)|\ball rights reserved\b|\bcreative commons\b|\bCC BY\b|\blicensed under\b|\bthis (publication|document|report) (is|was) (available|published|prepared)\b|\bdisclaimer\b|\bdoes not (constitute|necessarily reflect|imply)\b|\bviews expressed\b|\bno warranty\b|\bISBN\b|\bprinted in\b|版权所有|免责/i;
const PAGE_NUMBER = /^\s*(?:page\s+)?[-–—]?\s*[0-9ivxlcdm]{1,4}\s*[-–—]?\s*(?:(?:of|\/)\s*\d+)?\s*$/i;
const CAPTION = /^\s*(?:figure|fig\.|table|chart|box|exhibit|diagram|图|表)\s*[0-9A-Z][0-9.\-\u2010-\u2015]*[:.：\s]/i;
// The back-link that closes a footnote rendered from HTML or Markdown.
const BULLET_HEAD = /^[•●▪■◦‣∙]\s*/;
const ACTION_TITLE = /^(?:action|recommendation|commitment|measure|priority)\s+\d+[a-z]?\s*[:.–—-]\s*/i;
const FOOTNOTE_BACKLINK = /(?:\s*[↩↑⤴](?:\uFE0E|\uFE0F)?)+\s*$/u;
const FOOTNOTE = /^\s*(?:\[\d+\]|\d{1,3}\s+(?=[A-Z"“]).{0,200}(?:https?:|doi|\(\d{4}\)|\bet al\b|\bp\.\s*\d)|[ivx]{1,5}\s*《|\*\s)/;

// ------------------------------------------------------------------ language

// A statement's normative force: modal and imperative verbs.
const MODAL_EN = /\b(shall(?: not)?|must(?: not)?|requires? that|is required|are required|should(?: not)?|is required to|are required to|required to|is obliged to|are obliged to|(?:is|are) (?:expected|encouraged) to|is prohibited|are prohibited|shall be prohibited|need to|needs to|ought to|have to|has to|will (?:ensure|establish|implement|develop|provide|require|take|work|support|consider))\b/i;
const IMPERATIVE_VERBS = 'ensure|establish|implement|develop|maintain|document|monitor|assess|evaluate|review|test|verify|validate|conduct|perform|provide|define|identify|adopt|apply|use|utili[sz]e|employ|leverage|limit|restrict|prevent|protect|require|mandate|train|educate|audit|report|track|disclose|inform|notify|enable|integrate|incorporate|include|consider|determine|designate|set|put|take|create|build|promote|encourage|support|strengthen|improve|enhance|foster|adhere|respect|avoid|do not|don\'t|never|prohibit|ban|forbid|label|mark|watermark|log|record|keep|retain|store|encrypt|authenticate|authori[sz]e|sanitize|sanitise|filter|constrain|segregate|isolate|separate|red[- ]team|benchmark|measure|manage|plan|prepare|respond|communicate|engage|consult|publish|share|update|revise|address|mitigate|reduce|minimi[sz]e|detect|deploy|operate|align|allocate|assign|clarify|specify|obtain|seek|invest|fund|launch|expand|deliver|work|collaborate|coordinate|partner|harness|accelerate|introduce|legislate|regulate|oversee|embed|uplift|attract|grow|back|help|treat|generate|design|understand|scrutini[sz]e|stay|remain|apply|check|inspect|examine|analy[sz]e|investigate|document|classify|categori[sz]e|prioriti[sz]e|block|deny|reject|refuse|disable|remove|delete|erase|purge|rotate|patch|harden|secure|lock|control|govern|supervise|escalate|halt|stop|suspend|terminate|pause|rollback|roll back|limit|cap|throttle|rate-limit|quarantine|contain|recover|restore|backup|back up|replicate|simulate|rehearse|exercise|drill|vet|screen|certify|accredit|approve|sign|contract|negotiate|insist|demand|request|ask|confirm|attest|explain|justify|communicate|train|upskill|hire|appoint|empower|equip|resource|budget|schedule|automate|instrument|alert|flag|annotate|tag|version|sandbox|containeri[sz]e|pin|sign|hash|fingerprint|redact|anonymi[sz]e|pseudonymi[sz]e|de-identify|tokeni[sz]e|mask|obfuscate|compare|correlate|aggregate|summari[sz]e|exclude|whitelist|allowlist|denylist|blacklist|disallow|allow|grant|revoke|expire|retire|decommission|sunset|archive|verify|abide|study|discuss|offer|collect|guarantee|conform|input|refrain|compile|present|call attention|call|research|cooperate|contribute|advance|comply|let|select|choose|inform|safeguard|shield|guard|defend|stop|recogni[sz]e|trace|quantify|estimate|predict|forecast|anticipate|foresee|teach|raise awareness|describe|fix|customi[sz]e|adapt|tailor|modify|amend|correct|rectify|remedy|repair|reverse|withdraw|recall|dispose|destroy|wipe|permit|bar|eliminate|lower|decrease|increase|extend|scale|finance|subsidi[sz]e|incentivi[sz]e|reward|sanction|penali[sz]e|lead|direct|guide|steer|involve|invite|gather|acquire|procure|purchase|install|initiate|start|begin|continue|behave|react|tackle|deal with|resolve|show|demonstrate|display|bring|hold|watch|trial|pilot|experiment|practi[cs]e|learn|explore|think about|reflect|reconsider|weigh|balance|focus|concentrate|emphasi[sz]e|stress|highlight|note|remember|accept|agree|honou?r|uphold|cultivate|nurture|engineer|architect|assemble|draft|write|compose|formulate|articulate|express|state|declare|announce|submit|register|file|obey|dedicate|commit|pledge|exchange|release|distribute|supply|execute|run|sustain|preserve|spot|find|discover|locate|calculate|compute|reinforce|bolster|arrange|organi[sz]e|equip|implement|handle|refer|pay|give|make|seek|raise|notify|warn|acknowledge|prepare|strive|endeavo(?:u)?r|aim|try|take care|be careful|be aware|pay attention|cross-check|double-check|reconcile|feed|tune|fine-tune|retrain|calibrate|adjust|configure|enforce|observe|follow|comply|act|undertake|carry out|put in place|set up|draw up|keep up|lay down|adopt';
const IMPERATIVE_EN = new RegExp(`^(?:\\(?[a-z0-9ivx]{1,4}[.)]\\s*)?(?:(?:only|also|always|properly|appropriately|sufficiently|adequately|duly|fully|carefully|necessarily|regularly|continuously|periodically|proactively|carefully|thoroughly|contractually|technically|explicitly|clearly|promptly|actively|routinely|systematically|independently|first|then|where (?:possible|feasible|appropriate),?|if (?:possible|feasible),?)\\s+)?(?:${IMPERATIVE_VERBS})\\b`, 'i');
const MODAL_ZH = /应当|应该|不得|禁止|必须|须|需要|(?<![响适相供反对效回呼顺])应(?![用对急])|要求|宜|负责|采取|建立|健全|完善|加强|确保|保障|落实|防范|防止|履行|遵守|不应|有权|予以|处罚|追究/;
// Promotion ("encourage innovation", "鼓励创新") is policy, not a risk measure, unless safety words come with it.
const IMPERATIVE_LATE = new RegExp(`^[^.;:]{8,160}?,\\s*(?:and\\s+)?(${IMPERATIVE_VERBS})\\s+(?:the|a|an|effective|appropriate|necessary|measures|all|any|its|their|such|relevant|reasonable)\\b`, 'i');
// Framework outcomes phrased as states to reach: "Processes … are established and documented".
const OUTCOME_EN = /\b(?:is|are|has been|have been)\s+(?:\w+ly\s+)?(?:established|documented|defined|in place|implemented|understood|identified|determined|assessed|managed|maintained|monitored|evaluated|prioriti[sz]ed|followed|specified|tracked|planned|applied|integrated|collected|reviewed|communicated|characteri[sz]ed|measured|mapped|examined|verified|validated|enhanced|instituted|cultivated|resourced|developed|inventoried|put in place)\b(?! by\b)/i;
// A heading that names a value ("Safe", "Accountable and Transparent", "Privacy-Enhanced", "公平公正").
const VALUE_TITLE = /^(?:(?:ensuring|ensure|promoting|protecting|protection of|respect for|respecting)\s+)?(?:fair(?:ness)?|fair competition|innovation|education(?:\/literacy)?|literacy|diversity(?: (?:&|and) inclusion)?|human dignity|transparen(?:t|cy)|accountab(?:le|ility)|explainab(?:le|ility)|interpretab(?:le|ility)|safe(?:ty)?|secure|security|resilien(?:t|ce)|robust(?:ness)?|reliab(?:le|ility)|valid(?:ity)?|privacy(?:[- ]enhanced| protection)?|human[- ]cent(?:red|ered|ric)|inclusiv(?:e|eness)|sustainab(?:le|ility)|well-?being|dignity|autonomy|contestability|non-discrimination|trustworth(?:y|iness)|beneficial|lawful(?:ness)?|ethical|equity|equitable|respect for human rights|human oversight)(?:\b|(?=\d))(?:\s*(?:,|and|&|–|-|—|\/)\s*(?:\w+[- ]?){1,3})*(?:\d{1,3})?(?:\s*[:：].{0,120})?$|^(?:公平|公正|透明|可解释|安全|可靠|可控|包容|隐私|问责|以人为本|智能向善|[、和与及\s])+$/i;
// "When profiling with AI, use …" / "Based on the context, respect …": a base-form verb after an opening clause.
const IMPERATIVE_AFTER_CLAUSE = new RegExp(`^(?:when|where|if|in|based on|for|to|during|before|after|as|in particular|in addition|at|on|with|whenever|unless|regardless|throughout|across|prior to|upon|once|while|given|depending on|considering|taking into account|bearing in mind|in order to|from)\\b[^.;:]{3,160}?,\\s*(?:and\\s+)?(?:please\\s+)?(${IMPERATIVE_VERBS})\\b`, 'i');
// What makes a footnote a citation: a link, a year in brackets, a publication, "see", a quoted title.
const CITES = /https?:|www\.|doi|\(\d{4}\)|\b(?:19|20)\d{2}\b.*\b(?:report|paper|journal|proceedings|press|publication|available at|retrieved)\b|\bet al\b|^\s*\d*\s*(?:see|cf\.|source|ibid)\b|["“][^"”]{8,}["”]|《[^》]+》|\bOJ L\b|\bp\.\s*\d/i;
const RISK_PROCESS = /\b(?:ai )?risk[- ](?:management|manager|tolerance|assessments?|prioriti[sz]ation|measurement|framework|profiles?|treatment|response|appetite|based|owners?)\b|\bmanag(?:e|es|ing) (?:ai |the |these |such )?risks?\b|\bmitigat(?:e|es|ing) (?:the )?risks?\b|风险管理|风险评估/gi;
const RISK_LEAD = /(?<!\b(?:prevent\w*|mitigat\w*|reduc\w*|manag\w*|address\w*|avoid\w*|minimi[sz]\w*|counter\w*)\s+(?:\w+\s+){0,2})\b(?<!-)(?:risks?|threats?|harms?|vulnerabilit(?:y|ies)|dangers|concerns|challenges|failure modes|hazards)\b(?![-‐]|\s+management)[^.:]*[:：]$|风险[^。：:]*[:：]$/i;
const IMPERATIVE_SO = new RegExp(`[,;]\\s*(?:so|then|therefore|and thus)\\s+(${IMPERATIVE_VERBS})\\s+(?:the|a|an|any|all|its|their|such|relevant|appropriate|necessary|measures|what|whether|how)\\b`, 'i');
// Sentences whose subject is the document itself, its parts or its readers ("The Framework should …", "Framework users may …").
const SELF_SUBJECT = /本(?:框架|文件|办法|标准|指南|指引)(?:针对|提出|规定|给出|旨在|从|基于|描述|说明)|\b(?:the|this|these) (?:framework|ai rmf|rmf|guidelines?|guidance|document|playbook|profiles?|report|white paper|(?:govern|map|measure|manage) function|core|functions)\b[^.;:]{0,40}\b(?:should|will|is expected|are expected|may|can|must|provides?|offers?|describes?|aims?)\b|\b(?:framework|guideline|rmf) users\b|\busers of the (?:framework|guidelines|ai rmf)\b|\bnist will\b/i;
// Duties described in the present tense: "3PAO: Conducts eligibility evaluation", "each AI business actor first conducts …".
const PRESENT_DUTY = new RegExp(`^(?:[^:.]{2,30}:\\s+|(?:each|the|all|every)\\s+(?:[\\w/-]+\\s+){0,4}?(?:actors?|providers?|developers?|deployers?|users?|organi[sz]ations?|operators?|csps?|3paos?|agenc(?:y|ies)|jab|ao|manufacturers?|importers?|distributors?)\\s+(?:first\\s+|then\\s+|also\\s+|continuously\\s+|regularly\\s+|repeatedly\\s+)?)(?:${IMPERATIVE_VERBS})(?:s|es)\\b`, 'i');
// A Chinese measure that opens with its verb ("不断提高…", "建立并实施…", "使用真实…的训练数据").
const ZH_IMPERATIVE = /^(?:[（(][a-z0-9一二三四五六七八九十]{1,3}[)）]\s*|\d+[)）]\s*)?(?:(?:对|针对|通过|根据|依据|按照|依照|结合|围绕)[^，。；,;：:]{1,40}?(?:适当|充分|有效|全面|明晰)?)?((?:不断|持续|积极|及时|进一步|切实|依法|严格|加快|主动|定期)?(?:提高|提升|建立|建设|实施|使用|加强|完善|健全|落实|开展|推进|强化|采取|设置|防止|防范|确保|保障|明确|制定|构建|形成|引导|加大|做好|部署|识别|评估|监测|检测|标识|记录|保存|限制|禁止|避免|减少|控制|审核|核验|公开|披露|告知|培训|组织|裁减|遵守|尊重|保护|关注|警惕|谨慎))/;
// A point that names a risk before describing it ("（c）鲁棒性弱风险。…", "Risk of model theft: …").
const NAMED_RISK = /^(?:[（(][a-z0-9一二三四五六七八九十]{1,3}[)）]\s*)?[^。：:]{2,30}风险[。：:]|^(?:\(?[a-z0-9]{1,3}[.)]\s*)?(?:risk of [^.:]{2,60}|[^.:]{2,60} risks?)\s*[:.]\s/i;
const MEASURE_TITLE = /^(?:[A-Z]{1,3}-\d+\)?\s*[ivx]+[.)]|[A-Z]{1,3}-\d+[.)]|\(?\d{1,2}\)|[ivx]{1,4}[.)]|[a-z][.)])\s+/;
const PROMO_EN = /^(?:\(?[a-z0-9ivx]{1,4}[.)]\s*)?(?:article\s+\d+[:.]?\s*)?(?:encourage|support|promote|foster|advance|accelerate|boost|grow|attract|invest|fund|harness|unlock|seize|expand)\b/i;
const PROMO_ZH = /鼓励|支持|推动|促进|推进|发展|创新|培育|扶持/;
const SAFETY_WORDS = /\b(safe(?:ty|ly)?|secur(?:e|ity)|risks?|harms?|protect(?:ion)?|privacy|rights|oversight|regulators?|guidance|monitor(?:ing)?|evaluation|compliance|enforce\w*|accountab\w+|transparen\w+|trustworth\w+|responsible|misuse|bias|discriminat\w+)\b|安全|风险|保护|权益|隐私|监管|违法/i;
const PRINCIPLE_STRONG = /\b(?:adher(?:e|es|ing) to|uphold(?:s|ing)?|guided by|grounded in|based on|in line with|follow(?:s|ing)?) (?:the |these |our )?(?:following )?(?:core |key |fundamental |guiding )?(?:principles?|values)\b|坚持.{0,60}原则|遵循.{0,30}原则|原则[:：]/i;
// One sentence whose main clause is "… 制定本框架。" ("…, this framework is formulated"): the document's purpose, whatever verbs precede it.
const PURPOSE_SENTENCE = /^[^。；;]{0,300}制定本(?:框架|办法|规定|标准|指南|指引|文件)[。．]?$/;
// Clauses about the text itself: scope, entry into force, precedence of other rules, definitions.
const SCOPE_CLAUSE = /制定本(?:框架|办法|规定|标准|指南|指引|文件)[。．]?$|^(?:为了|为)[^。]{2,120}制定本(?:办法|规定|法|条例|标准|文件|框架)|\b(?:these|this) (?:measures|provisions|rules|regulations?|act|law|framework|guidelines) (?:are|is|were|was|have been|has been) (?:established|adopted|formulated|drawn up|made) (?:to|in order to|for)\b|\bthe (?:purpose|aim|objective) of this (?:regulation|act|law|document|framework|standard|guidance) is\b|\b(?:th(?:is|ese) (?:measures|provisions|rules|regulations?|act|law|document|standard|framework|guidance|guidelines|policy|part|chapter)|it) (?:shall |does not |do not |will )?(?:apply|applies|come into|comes into|enter into|enters into|take effect|takes effect|be binding)\b|\b(?:shall|will) (?:come into|enter into) (?:force|effect)\b|\bshall (?:follow|prevail|take precedence)\b|\bother (?:regulations|provisions|laws)\b[^.]*\b(?:shall|apply)\b|\bshall (?:apply|be applicable) (?:mutatis mutandis|from|to|only)\b|施行|从其规定|适用本办法|不适用本办法|适用于本文件|本文件适用于|本办法适用于/i;
// Statutes: exemptions and savings clauses ("nothing in this part restricts …", "is not required to", "does not apply").
const EXEMPTION = /\bnothing in (?:this|these|subsections?|sections?|part)\b[^.]{0,120}\b(?:restricts?|requires?|prevents?|limits?|shall be construed|affects?)\b|\b(?:is|are) not required to\b|\bdo(?:es)? not (?:apply|restrict|prevent|limit)\b|\bshall not be construed\b|\bis exempt\b|\bare exempt\b|\bshall not be subject to the provisions of (?:these|this)\b/i;
// Who is competent (case 25): authorities that act "according to their respective duties".
const COMPETENCE = /\b(?:according to|in accordance with|within) their respective (?:duties|responsibilities|functions|powers)\b|(?:依据|按照|根据)各自(?:职责|职能)/i;
// Enforcement: a violation made an offence, an unfair practice or subject to penalties.
const ENFORCEMENT = /\bviolat(?:ion|es?|ing)\b[^.]{0,200}\b(?:constitutes?|is|shall be|deemed)\b[^.]{0,60}\b(?:unfair|deceptive|offen[cs]e|punishable|unlawful|subject to)\b|\b(?:civil|administrative) (?:penalt(?:y|ies)|fines?)\b/i;
const DEFINITION = /\b(?:means|refers to|is referred to as|is defined as|(?:is|are) defined (?:in|by)|shall mean|are defined as|the meanings? of|for the purposes? of this)\b|是指|指的是|含义|术语和定义|以下简称/i;
const MEASURE_WORDS_EN = /\b(measures?|controls?|safeguards?|procedures?|policies|policy|processes|mechanisms?|oversight|monitoring|audit(?:s|ing)?|testing|evaluation|assessment|documentation|transparency|logging|training|review|governance|guardrails?|filters?|access control|incident)\b/i;

const RISK_EN = /\b(may (?:lead|result|cause|give rise|be (?:used|exploited|misused|manipulated))|could (?:lead|result|cause|be (?:used|exploited|misused))|can (?:lead|result|cause) (?:to|in)|lead(?:s|ing)? to|result(?:s|ing)? in|risks? (?:of|that|to|include|arising)|vulnerab(?:le|ility|ilities)|attack(?:s|ers?)?|threats?|harm(?:s|ful)?|adversar(?:y|ies|ial)|malicious|exploit(?:s|ed|ation)?|misuse|abuse|leak(?:s|age)?|exfiltrat\w*|poison(?:ing|ed)?|manipulat\w*|compromis\w*|breach(?:es)?|unauthori[sz]ed|disclos(?:e|ure) of (?:sensitive|personal|confidential)|hallucinat\w*|bias(?:ed)?|discriminat\w*|failures?|unsafe|disclos\w*|memori[sz]\w*|expos(?:e|ed|ure)|theft|steal\w*|tamper\w*|corrupt\w*|degrad\w*|inadvertent\w*|unintended|lawsuits?|fines|penalt(?:y|ies)|danger\w*|incidents?|damage|injur\w*|loss of|erosion|deception|deceptive|fraud\w*|disinformation|misinformation|deepfakes?|surveillance|weaponi[sz]\w*|catastroph\w*|jailbreak\w*|injection|evasion|inversion|extraction|backdoor\w*|denial of service|DoS)\b/i;
const RISK_ZH = /可能带来|易受|面临[^。，]{0,12}风险|带来[^。，]{0,12}风险|违反|违法违规|无法满足|风险|可能导致|可能造成|可能引发|可能被|隐患|威胁|攻击|漏洞|泄露|危害|滥用|歧视|偏见|失控|窃取|篡改|伪造|欺骗|虚假|侵犯|损害|安全事件/;
const RISK_DESC_EN = /^(?:the )?(?:risk|threat|potential|possibility|danger|likelihood)\b|\b(?:is|are) (?:vulnerable|susceptible|exposed|at risk)\b|\b(?:attackers?|adversaries|malicious actors?|bad actors?) (?:can|could|may|might)\b|\b(?:can|could|may|might) (?:be (?:exploited|manipulated|misused|abused|tricked|compromised|poisoned|leaked|bypassed|circumvented)|(?:inadvertently|unintentionally) )|\b(?:can|could|may|might) (?:(?:inadvertently|unintentionally|also|still|easily|potentially) )?(?:generate|produce|leak|reveal|expose|amplify|perpetuate|exacerbate|undermine|erode|enable|facilitate|lead|result|cause|memori[sz]e|disclose|face|suffer|lose|incur|experience|fail|mislead|deceive|manipulate|harm|damage|compromise|bypass|evade|poison|corrupt|degrade|infer|extract|steal|reproduce)\b|\b(?:creates?|introduces?|poses?|raises?|increases?) (?:a |an |the )?(?:\w+ ){0,3}(?:risks?|threats?|vulnerabilit(?:y|ies)|attack surface|exposure)\b|\b(?:occurs?|happens?|arises?) when\b|\bwithout (?:clear|proper|adequate|sufficient|appropriate)\b|\b(?:insufficient|inadequate|lack of|absence of)\b/i;

const PRINCIPLE_EN = /\b(?:should|must|shall|will) (?:be|remain) (?:fair|transparent|accountable|explainable|interpretable|safe|secure|robust|reliable|trustworthy|inclusive|human[- ]centr?ic|privacy[- ]preserving|lawful|ethical|responsible|sustainable|beneficial|contestable|non-discriminatory)\b|\b(?:respect(?:s|ing)? (?:for )?(?:human rights|human dignity|the rule of law|privacy|autonomy|democratic values|diversity)|human[- ]centr?ed values|fairness|accountability|transparency and explainability|human agency|well-?being|dignity|solidarity|the principle of|principles? of)\b/i;
const PRINCIPLE_ZH = /原则|秉持|坚持|理念|并重|底线|向善|以人为本|智能向善|尊重|公平|公正|透明|可解释|可问责|包容|普惠|伦理|价值观|人类福祉|人权|尊严|可持续|和谐友好|共享|开放合作/;

// Numbering of articles, clauses and points.
export const ARTICLE_START = /^(?:(?:article|art\.)\s+\d+[a-z]?\b|第[一二三四五六七八九十百零〇0-9]+条)/i;
const ARTICLE_EN = /^(?:article|art\.|section|§|clause|rule|regulation|requirement|principle|action|recommendation|measure|control)\s+\d+[a-z]?\b/i;
const ARTICLE_ZH = /^第[一二三四五六七八九十百零〇0-9]+条/;
const LEAD_IN = /^[^:：.。!?]{2,80}?[:：]\s+(?=\S)/;
const ARTICLE_LEAD = /^(?:article|art\.)\s+\d+[a-z]?\s*[:.]?\s*|^第[一二三四五六七八九十百零〇0-9]+条\s*/i;
const CLAUSE_NUM = /^(?:\d+(?:\.\d+)+|[a-z][)）]|\([a-z0-9ivx]{1,4}\)|[a-z0-9]{1,3}[.)）]|[一二三四五六七八九十]+[、．.]|（[一二三四五六七八九十]+）|\d+[)）])\s*/i;

const SENTENCE_END = /[.!?。！？;；:：]\s*$/;
const VERB_HINT_EN = /\b(?:is|are|was|were|be|been|being|has|have|had|do|does|did|can|could|may|might|will|would|shall|should|must|provides?|includes?|requires?|means?|refers?|applies|describes?|sets? out|aims?|helps?|allows?|enables?)\b/i;

function hasCjk(s: string): boolean {
  return /[\u3400-\u9fff]/.test(s);
}

// Asked about the same texts by several rules and both passes: kept per text.
const wordCount = boundedMemo(countWords, 50_000);

function countWords(s: string): number {
  if (hasCjk(s)) return Math.ceil((s.match(/[\u3400-\u9fff]/g)?.length ?? 0) / 2) + (s.match(/[A-Za-z]+/g)?.length ?? 0);
  return s.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length;
}

/** A line that looks like a list of person names ("Jane Doe, Acme Corp"; "Dr. A. Smith"). */
function looksLikeNames(text: string): boolean {
  if (text.length > 400 || /[.!?;:]\s+[a-z]/.test(text) || /^(?:the|a|an|this|these|our|its)\s/i.test(text)) return false;
  const parts = text.split(/\s*[,;|\n•·]\s*|\s+and\s+/).filter(Boolean);
  if (parts.length < 1) return false;
  let names = 0;
  for (const p of parts) {
    const words = p.trim().split(/\s+/);
    if (words.length >= 2 && words.length <= 5 && words.every((w) => /^(?:[A-Z][a-zà-ÿ'’\-]+|[A-Z]\.|Dr\.?|Prof\.?|Mr\.?|Ms\.?|Mrs\.?|von|van|de|der|la|le|da)$/.test(w))) names++;
  }
  return names >= Math.max(1, parts.length * 0.6) && !VERB_HINT_EN.test(text);
}

// ------------------------------------------------------------------ evidence

export interface BlockContext {
  block: Block;
  index: number;
  /** Titles of the enclosing headings, outermost first (the block itself excluded). */
  headingPath: string[];
  prev?: Block;
  next?: Block;
  /** Pages in the document (PDF), for first/last page position. */
  pages?: number;
  /** Language of the document ("en", "zh", …). */
  language: string;
  /** The statement kind a document's type implies (a principles document → principle). */
  defaultKind?: StatementKind;
  /** Before the body starts (cover, series notes, issuing bodies, signatories). */
  frontMatter?: boolean;
  /** A paragraph that works as a chapter or section heading ("第一章 总则"). */
  pseudoHeading?: boolean;
  /** The statement kind that dominates the enclosing section (from a first pass), if any. */
  sectionKind?: StatementKind;
  /** The first row of a table (or of a run of " | " rows): a header when its cells are labels. */
  firstRow?: boolean;
}

export interface LanguageScores {
  mitigation: number;
  risk: number;
  principle: number;
  /** The cue that weighed most, for the reason. */
  cue: { mitigation?: string; risk?: string; principle?: string };
}

const MODAL_ZH_G = new RegExp(MODAL_ZH.source, 'g');
const RISK_EN_G = new RegExp(RISK_EN.source, 'gi');
const RISK_ZH_G = new RegExp(RISK_ZH.source, 'g');
const PRINCIPLE_EN_G = new RegExp(PRINCIPLE_EN.source, 'gi');
const PRINCIPLE_ZH_G = new RegExp(PRINCIPLE_ZH.source, 'g');

/** Lexical evidence for each statement kind (0..~3 each). */
/**
 * The topic of a block's section, from its nearest heading that says one: 'safety' (keeping people
 * safe from AI: harms, risks, protections, responsible practice) or 'promotion' (opportunities,
 * investment, infrastructure, adoption, skills). Plans and white papers mix both; their guidelines
 * (docs/annotation.md, case 24) make the same commitment a mitigation under the first only.
 */
const topicCache = new Map<string, 'safety' | 'promotion' | undefined>();
export function sectionTopic(path: string[]): 'safety' | 'promotion' | undefined {
  if (!path.length) return undefined;
  const key = path.join('\u0001');
  if (topicCache.has(key)) return topicCache.get(key);
  if (topicCache.size > 4096) topicCache.clear();
  const t = topicOf(path);
  topicCache.set(key, t);
  return t;
}
function topicOf(path: string[]): 'safety' | 'promotion' | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    // "Risk measurement", "AI risk management": a framework's own machinery, not keeping anyone safe.
    const t = stripNumber(path[i]!).replace(RISK_PROCESS, ' ');
    if (SAFETY_SECTION.test(t)) return 'safety';
    if (PROMO_SECTION.test(t)) return 'promotion';
  }
  return undefined;
}
const SAFETY_SECTION = /\b(?:safe(?:ty|ly|guards?)?|harms?|risks?|protect\w*|responsible|trust(?:ed|worthy|worthiness)?|secur\w*|guardrails?|mitigat\w*|oversight|regulators?|guidance|monitoring|enforcement|supervision|misuse|threats?|accountab\w*|transparen\w*|privacy|assurance)\b|安全|风险|防范|保护/i;
const PROMO_SECTION = /\b(?:opportunit\w*|invest\w*|infrastructure|adoption|capabilit\w*|benefits|skills|growth|innovat\w*|econom\w*|public services|workforce|prosperity|jobs|industry|talent|compute|data centres?)\b|发展|创新|产业|人才/i;
// A government's or an institution's action under way or promised ("The AISI will engage …",
// "the government is establishing …", "Reviewing copyright law: …").
const COMMITMENT = /\b(?:[Ww]e|[Gg]overnment|(?:[Tt]he )?[A-Z]{2,6}|(?:[Tt]he )?(?:[A-Z][\w’'-]*\s+){0,6}(?:[Ii]nstitute|[Dd]epartment|[Oo]ffice|[Aa]gency|[Cc]entre|[Cc]enter|[Aa]uthority|[Rr]egulators?|[Mm]inistry|[Cc]ommission|[Mm]inister|[Ss]ecretary|[Cc]ouncil|[Tt]askforce|[Nn]etwork))\s+(?:will|is|are|has|have|continues? to|intends? to|plans? to)\s+(?:also\s+|continue to\s+|further\s+|actively\s+|now\s+|already\s+)?(?:\w+ing\b|establish|develop|work|engage|support|monitor|assess|review|publish|issue|consult|lead|set up|introduce|strengthen|coordinate|test|share|focus|operate|respond|help|provide|ensure|identify|explore|seek|take)\b|^(?:[A-Z][\w’'-]*ing)\b[^:.]{2,80}:\s|^[^:.]{2,80}:\s+[A-Z][\w’'-]*ing\b/;

// What regulators are required or expected to do, and a government's or a public function's
// committed oversight action ("regulators will need to …", "we expect regulators to …", "the
// government will monitor …"): measures whatever the section's topic (docs/annotation.md, case 24:
// monitoring, guidance and standards that keep people safe are mitigations).
const PUBLIC_DUTY = /\b[Rr]egulators? (?:will|would|may) (?:also )?(?:need to|be expected to|be required to)\b|\b(?:expect|require|anticipate that) regulators\b|\b(?:[Ww]e|[Gg]overnment|[Ff]unction|[Ii]nstitute|[Rr]egulators?) will (?:also )?(?:need to )?(?:monitor|launch|develop|identify|gather|publish|issue|establish|assess|review|test|evaluate)\b/;

type Cues = LanguageScores['cue'];

// languageScores is pure and asked about the same text several times per document (both passes of
// the rules, the lead-in rules, the learned layer's features): its answers are kept per text and
// topic, frozen so that no caller can change a shared answer.
const languageCache = new Map<string, LanguageScores>();

export function languageScores(text: string, topic?: 'safety' | 'promotion'): LanguageScores {
  const key = `${topic ?? ''}\u0001${text}`;
  const hit = languageCache.get(key);
  if (hit) return hit;
  const out = computeLanguageScores(text, topic);
  Object.freeze(out.cue);
  if (languageCache.size >= 50_000) languageCache.clear();
  languageCache.set(key, Object.freeze(out));
  return out;
}

function computeLanguageScores(text: string, topic?: 'safety' | 'promotion'): LanguageScores {
  const cue: Cues = {};
  const numbered = text.replace(ARTICLE_LEAD, '').replace(CLAUSE_NUM, '');
  // "Lead-in: body" — the lead-in names the item; the body's own words decide.
  const leadIn = LEAD_IN.exec(numbered);
  const body = (leadIn ? numbered.slice(leadIn[0].length) : numbered).replace(/^\[([^\]]{1,30})\]/, '$1');
  const m = mitigationEvidence(text, numbered, body, topic, cue);
  const r = riskEvidence(text, body, cue);
  const p = principleEvidence(text, cue);
  return { mitigation: m, risk: r, principle: p, cue };
}

/** Modal, imperative and Chinese duty wording: the evidence that a block states a measure. */
function actionEvidence(text: string, numbered: string, body: string, topic: 'safety' | 'promotion' | undefined, cue: Cues): number {
  let m = 0;
  const safety = SAFETY_WORDS.test(text);
  const modal = MODAL_EN.exec(text);
  if (modal) {
    // "need to", "will support …" are commitments or exhortations; they count as measures when
    // they concern safety, rights or risk (an adoption or investment plan is context).
    const weak = (/^(?:needs? to|have to|has to|will \w+)$/i.test(modal[1]!) && (topic === 'promotion' || (!safety && topic !== 'safety'))) || (topic === 'promotion' && !safety);
    m += weak ? 0.6 : 1.5;
    cue.mitigation = weak ? `weak modal '${modal[1]!.toLowerCase()}' without a safety concern` : `modal '${modal[1]!.toLowerCase()}'`;
  }
  const imp = IMPERATIVE_EN.exec(body) ?? IMPERATIVE_EN.exec(numbered);
  if (imp) {
    const verb = imp[0].replace(/^\W*(?:\(?[a-z0-9ivx]{1,4}[.)]\s*)?/i, '').trim().toLowerCase();
    // A promotional verb, or any action under a section on opportunities, investment or skills.
    const promo = PROMO_EN.test(body) || topic === 'promotion';
    // An imperative sentence is a measure even when it names the attacks it stops.
    m += promo && !safety ? 0.6 : 2.0;
    cue.mitigation ??= promo && !safety ? `promotional '${verb}'` : `imperative '${verb}'`;
  }
  const mz = text.match(MODAL_ZH_G);
  if (mz) {
    m += Math.min(2, 1 + 0.25 * mz.length);
    cue.mitigation ??= `'${mz[0]}'`;
  } else if (PROMO_ZH.test(text)) {
    m += safety ? 0.9 : 0.5;
    cue.mitigation ??= `promotional '${PROMO_ZH.exec(text)![0]}'`;
  }
  const after = imp ? null : IMPERATIVE_AFTER_CLAUSE.exec(body);
  if (after) {
    m += 1.6;
    cue.mitigation ??= `imperative '${after[1]!.toLowerCase()}' after an opening clause`;
  } else if (!imp && PRESENT_DUTY.test(numbered)) {
    m += 1.3;
    cue.mitigation ??= 'a duty described in the present tense';
  } else if (!imp && IMPERATIVE_SO.test(body)) {
    m += 1.2;
    cue.mitigation ??= `imperative '${IMPERATIVE_SO.exec(body)![1]!.toLowerCase()}' after 'so'`;
  } else if (!imp && IMPERATIVE_LATE.test(body)) {
    m += 1.0;
    cue.mitigation ??= `imperative '${IMPERATIVE_LATE.exec(body)![1]!.toLowerCase()}' after an introductory phrase`;
  }
  if (ZH_IMPERATIVE.test(numbered.trim())) {
    m += 1.3;
    cue.mitigation ??= `opens with the measure's verb '${ZH_IMPERATIVE.exec(numbered.trim())![1]}'`;
  }
  return m;
}

/** The evidence for a measure: action wording, then enforcement, commitments, duties of public bodies and outcomes. */
function mitigationEvidence(text: string, numbered: string, body: string, topic: 'safety' | 'promotion' | undefined, cue: Cues): number {
  let m = actionEvidence(text, numbered, body, topic, cue);
  if (MEASURE_WORDS_EN.test(text)) m += 0.3;
  if (ENFORCEMENT.test(text) && m < 1.5) {
    m = 1.5;
    cue.mitigation ??= 'an enforcement provision (violations, penalties)';
  }
  if (topic === 'safety' && m < 1.5 && (COMMITMENT.test(body) || COMMITMENT.test(numbered))) {
    m = Math.max(m, 1.5);
    cue.mitigation = `a commitment under a section on keeping people safe`;
  }
  const duty = PUBLIC_DUTY.exec(text);
  if (duty && m < 2.2) {
    m = 2.2;
    cue.mitigation = `a duty or commitment of a public body ('${clip(duty[0], 40).toLowerCase()}')`;
  }
  const outcome = OUTCOME_EN.exec(body);
  if (outcome) {
    m += 1.0;
    cue.mitigation ??= `an outcome to be in place ('${outcome[0].toLowerCase()}')`;
  }
  return m;
}

/** The evidence for a risk: named risks, risk words and risk phrasing. */
function riskEvidence(text: string, body: string, cue: Cues): number {
  let r = 0;
  if (NAMED_RISK.test(text)) {
    r += 1.5;
    cue.risk ??= 'a point that names a risk';
  }
  // "risk management", "risk tolerance" … are about handling risk, not a risk.
  const riskText = text.replace(RISK_PROCESS, ' ');
  const rk = riskText.match(RISK_EN_G);
  if (rk) {
    r += Math.min(1.2, 0.35 * rk.length);
    cue.risk = `risk word '${rk[0]!.toLowerCase()}'`;
  }
  const rd = RISK_DESC_EN.exec(body.replace(RISK_PROCESS, ' '));
  if (rd) {
    r += 1.2;
    cue.risk = `risk phrasing '${rd[0].trim().toLowerCase()}'`;
  }
  const rz = text.match(RISK_ZH_G);
  if (rz) {
    r += Math.min(1.6, 0.5 * rz.length);
    cue.risk ??= `risk word '${rz[0]}'`;
  }
  return r;
}

/** The evidence for a principle: principle phrasing and value words. */
function principleEvidence(text: string, cue: Cues): number {
  let p = 0;
  const ps = PRINCIPLE_STRONG.exec(text);
  if (ps) {
    p += 2.2;
    cue.principle = `principle phrasing '${clip(ps[0], 30).toLowerCase()}'`;
  }
  const pe = text.match(PRINCIPLE_EN_G);
  if (pe) {
    p += Math.min(2, 0.9 * pe.length);
    cue.principle ??= `principle phrasing '${pe[0]!.toLowerCase()}'`;
  }
  const pz = text.match(PRINCIPLE_ZH_G);
  if (pz) {
    p += Math.min(1.5, 0.4 * pz.length);
    cue.principle ??= `principle word '${pz[0]}'`;
  }
  return p;
}

interface Verdict {
  role: Role;
  confidence: number;
  reason: string;
}

const HINT_REASON: Record<BlockHint, string> = {
  toc: 'contents line (reader hint)',
  caption: 'figure or table caption (reader hint)',
  running: 'running header or footer (reader hint)',
  footnote: 'footnote (reader hint)',
  reference: 'reference-list entry (reader hint)',
  cover: 'cover page (reader hint)',
};

function clip(s: string, n = 60): string {
  // Reasons quote the same headings over and over: kept per text and length.
  const key = `${n}\u0001${s}`;
  let out = clips.get(key);
  if (out === undefined) {
    out = clipOnce(s, n);
    if (clips.size >= 20_000) clips.clear();
    clips.set(key, out);
  }
  return out;
}
const clips = new Map<string, string>();

function clipOnce(s: string, n: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
}

/** The nearest enclosing section with a known class, innermost first. */
function enclosingSection(path: string[]): { rule: SectionRule; title: string; depth: number } | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const rule = sectionClass(path[i]!);
    if (rule) return { rule, title: path[i]!, depth: path.length - 1 - i };
  }
  return undefined;
}

/** Apparatus by form alone (no heading needed). */
function apparatusByForm(ctx: BlockContext): Verdict | undefined {
  const b = ctx.block;
  const text = b.text.trim();
  if (b.hint === 'footnote' && !CITES.test(text) && wordCount(text) >= 8) return { role: 'context', confidence: 0.6, reason: 'a footnote that explains rather than cites' };
  if (!b.hint && FOOTNOTE_BACKLINK.test(text)) {
    // An HTML/Markdown footnote ("… ↩"): a source is apparatus, an explanation is context.
    const core = text.replace(FOOTNOTE_BACKLINK, '').trim();
    const sentences = core.split(/(?<=[.!?])\s+(?=[A-Z"“‘])/);
    const explains = sentences.length >= 2 && VERB_HINT_EN.test(sentences[0]!) && !/^see\b/i.test(core);
    const cites = CITES.test(core) || /,\s*(?:19|20)\d{2}[a-z]?\.?$/.test(core) || URL.test(core);
    URL.lastIndex = 0;
    if (!explains && (cites || wordCount(core) < 4)) return { role: 'apparatus', confidence: 0.85, reason: 'a footnote that cites a source' };
    return { role: 'context', confidence: 0.6, reason: 'a footnote that explains rather than cites' };
  }
  if (b.hint) return { role: 'apparatus', confidence: 0.92, reason: HINT_REASON[b.hint] };
  if (ctx.frontMatter && isTocEntry(b, ctx.prev, ctx.next)) return { role: 'apparatus', confidence: 0.85, reason: 'contents line (title and page number)' };
  if (PAGE_NUMBER.test(text)) return { role: 'apparatus', confidence: 0.95, reason: 'a bare page number' };
  if (STRONG_LEADER.test(text) && DOT_LEADER.test(text)) return { role: 'apparatus', confidence: 0.95, reason: 'contents line (dot leader)' };
  if (STRONG_LEADER.test(text) && text.length < 200) return { role: 'apparatus', confidence: 0.85, reason: 'contents or form line (leader dots)' };
  if (text.length < 700 && COPYRIGHT.test(text) && !MODAL_EN.test(text.replace(/\bshould not be\b/gi, ''))) return { role: 'apparatus', confidence: 0.85, reason: 'copyright, licence or disclaimer wording' };
  if (text.length < 250 && CAPTION.test(text) && !SENTENCE_END.test(text.slice(-1)) ) return { role: 'apparatus', confidence: 0.8, reason: 'figure or table caption' };
  const urls = text.length < 2000 ? (text.match(URL)?.length ?? 0) : 0;
  const cites = text.length < 1000 ? (text.match(CITATION)?.length ?? 0) : 0;
  const words = Math.max(1, wordCount(text));
  if (urls && (urls * 12 >= words || /^\s*(?:\[\d+\]|\d{1,3}[.\s]|[ivx]{1,5}\s)/.test(text))) return { role: 'apparatus', confidence: 0.85, reason: 'a reference or link line (URL/DOI)' };
  if (cites >= 2 && cites * 15 >= words && !MODAL_EN.test(text)) return { role: 'apparatus', confidence: 0.8, reason: 'citation pattern (authors, year, venue)' };
  if (text.length < 400 && FOOTNOTE.test(text)) return { role: 'apparatus', confidence: 0.75, reason: 'footnote or endnote' };
  const cells = b.kind === 'table-row' ? b.cells : text.includes(' | ') ? text.split(' | ') : undefined;
  if (cells && DATE.test(text) && VERSION.test(text) && text.length < 400) return { role: 'apparatus', confidence: 0.85, reason: 'revision history row (date and version)' };
  if (text.length < 90 && /<[^<>]{2,40}>/.test(text) && text.replace(/<[^<>]{2,40}>/g, '').replace(/\W+/g, ' ').trim().split(' ').length <= 6)
    return { role: 'apparatus', confidence: 0.8, reason: 'a template placeholder line' };
  if (text.length < 80 && /^(?:to|from|cc|date|subject|re|attn|attention)\s*:\s*\S/i.test(text)) return { role: 'apparatus', confidence: 0.7, reason: 'a letter header line (to/from/date/subject)' };
  if (cells && cells.length === 2 && /^[A-Z][A-Za-z0-9&\-/.]{1,11}$/.test(cells[0]!.trim()) && /[A-Z]/.test(cells[0]!.slice(1)) && isLabelLine(cells[1]!) && cells[1]!.length < 90)
    return { role: 'apparatus', confidence: 0.8, reason: 'an acronym list entry' };
  if (cells && /^<[^>]+>(?: \| <[^>]+>)+$/.test(text)) return { role: 'apparatus', confidence: 0.85, reason: 'a template placeholder row' };
  if (cells && ctx.firstRow && cells.every((c) => isLabelLine(c) || !c.trim())) return { role: 'apparatus', confidence: 0.75, reason: 'a table header row' };
  if (b.kind === 'table-row' && b.header && b.cells.join('|') === b.header.join('|')) return { role: 'apparatus', confidence: 0.9, reason: 'a repeated table header row' };
  if (ctx.pages && b.page === 1 && ctx.pages > 2 && text.length < 160 && !SENTENCE_END.test(text)) return { role: 'apparatus', confidence: 0.7, reason: 'short line on the cover page' };
  if (text.length < 200 && looksLikeNames(text)) return { role: 'apparatus', confidence: 0.6, reason: 'a list of names' };
  return undefined;
}

const TOC_ENTRY = /^(?:(?:\d+(?:\.\d+)*\.?|[A-Z]\.|(?:appendix|annex|chapter|part|section)\s+[A-Z0-9]+\b[^\n]{0,3})\s*\S.{1,100}?|[^\n]{2,100}?)\s+(?:\d{1,3}|[ivxlc]{1,5})$/i;
/** A contents entry: title and page number, next to other such lines. */
export function isTocEntry(b: Block, prev?: Block, next?: Block): boolean {
  const like = (x?: Block) => {
    if (!x || x.kind === 'heading') return false;
    const t = x.text.trim();
    return t.length <= 120 && TOC_ENTRY.test(t) && !/[.;。；]\s*\d/.test(t) && /\p{L}/u.test(t);
  };
  return like(b) && (like(prev) || like(next));
}

/** Does the text state anything (a sentence or a clause), rather than a label or a fragment? */
function isStatementLike(text: string): boolean {
  const t = text.replace(CLAUSE_NUM, '').trim();
  if (hasCjk(t)) return [...t].length >= 8;
  const w = wordCount(t);
  return w >= 4 || (w >= 2 && IMPERATIVE_EN.test(t));
}

/** A line that reads as a title or label: short, no sentence punctuation, mostly capitalised words, no verb. */
function isLabelLine(text: string): boolean {
  const t = text.trim();
  if (hasCjk(t)) return [...t].length <= 30 && !/[。；;！？]/.test(t) && !MODAL_ZH.test(t);
  const words = t.split(/\s+/).filter((w) => /\p{L}/u.test(w));
  if (!words.length || words.length > 14 || /[.!?;]$/.test(t)) return false;
  if (VERB_HINT_EN.test(t) || MODAL_EN.test(t)) return false;
  const caps = words.filter((w) => /^[\p{Lu}\d"“'(]/u.test(w)).length;
  return caps >= words.length * 0.5;
}

/** Prose about the publication itself (series notes, how it was prepared, who published it). */
const SELF_REFERENCE = /\b(?:this|the) (?:translation|publication|series|report|paper|edition|version|document was|document has been)\b|\bseries\b.*\b(?:dedicated|aims?)\b|\b(?:prepared|produced|published|translated|edited|compiled) by\b|本(?:文件|报告|出版物)(?:由|的)/i;
const CREDIT = /^(?:translation|translated|prepared|edited|compiled|written|produced|published|authored|designed|issued) by\b|^(?:authors?|editors?|contact|correspondence|translator)s?\s*[:：]/i;
const SIGNATORY = /^(?:(?:the )?(?:director|minister|chair(?:man|woman|person)?|president|secretary|commissioner|head|governor|administrator|deputy \w+)(?: general)? of\b.{3,120}|.{2,40}(?:主任|部长|局长|主席|总理|书记|署长|委员长)\s*\S{2,4})$/i;
const DATE_ONLY = /^\s*(?:(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+\w+\s+\d{4}|\d{4}[-/.年]\s*\d{1,2}[-/.月]\s*\d{1,2}日?(?:\s+\d{1,2}:\d{2})?.{0,30}|\d{4}年\d{1,2}月\d{1,2}日)\s*$/i;
// Consultation summaries (docs/annotation.md, case 24): what respondents said and the government's reply.
const REPORTED_VIEWS = /^(?:government response\s*:|(?:some |many |most |several |other )?(?:stakeholders|respondents|consultees|participants|commenters)\b|(?:the )?feedback (?:we received|from)\b|[A-Z][\w ]{0,40} told us\b)/i;
const REPORTED_VIEWS_INSIDE = /\b(?:some|many|most|several|other) (?:stakeholders|respondents|consultees)\b|\b(?:stakeholders|respondents|consultees) (?:felt|suggested|noted|said|argued|emphasi[sz]ed|stated|agreed|raised|asked|called|welcomed|were|broadly|generally|highlighted)\b/i;
const ORDER_NO = /^(?:order|decree|decision|notice|circular)\b.{0,30}\d+\s*$|^(?:no\.|number)\s*\d+\s*$|^第\s*\d+\s*号$|^令$/i;

/** Classify one block. `model`, when given, arbitrates between the three statement kinds. */
export function classifyBlock(ctx: BlockContext, model?: RoleModel): RoleDecision {
  return asDecision(decide(ctx, model));
}

function asDecision(v: Verdict): RoleDecision {
  return { role: v.role, confidence: Math.round(v.confidence * 1000) / 1000, reason: v.reason, source: 'embedded' };
}

/**
 * What decides a block before the section's dominant kind (ctx.sectionKind) can matter: a verdict
 * already, or the evidence the final step weighs. `reusable`: the same for any sectionKind, so the
 * rules' second pass (which only adds sectionKind) takes it from the first instead of working it out again.
 */
type Stage = { reusable: boolean } & ({ verdict: Verdict } | { text: string; sec: Section; lang: LanguageScores; extraThreshold: number; kindScores?: Record<StatementKind, number> });

function decide(ctx: BlockContext, model?: RoleModel): Verdict {
  return finish(ctx, stage(ctx, model), model);
}

function finish(ctx: BlockContext, st: Stage, model?: RoleModel): Verdict {
  return 'verdict' in st ? st.verdict : kindVerdict(ctx, st.text, st.sec, st.lang, st.extraThreshold, model, st.kindScores);
}

function stage(ctx: BlockContext, model?: RoleModel): Stage {
  const b = ctx.block;
  const text = b.text.trim();
  const sec = enclosingSection(ctx.headingPath);
  if (b.kind === 'heading' || ctx.pseudoHeading) {
    const v = headingVerdict(ctx, text, sec, model);
    // A bulleted line set as a heading is judged as a paragraph with this very context (sectionKind included).
    if (v) return { verdict: v, reusable: !(b.kind === 'heading' && BULLET_HEAD.test(text) && !b.hint) };
  }
  const early = furnitureVerdict(ctx, text, sec);
  if (early) return { verdict: early, reusable: true };
  const lang = languageScores(b.kind === 'table-row' ? tableRowParts(b).text : text, sectionTopic(ctx.headingPath));
  const secCls = sec?.rule.cls;
  let extraThreshold = 0;
  if (secCls === 'context') {
    // Definitions are context throughout; directly under an introduction, scope or example
    // heading a block is context unless it plainly obliges; deeper down it needs more evidence.
    const strong = lang.mitigation >= 2.5 || (lang.mitigation >= 1.5 && /^(?:article|第)/i.test(text));
    if (sec!.rule.label === 'definitions' || (sec!.depth === 0 && !strong)) return { verdict: { role: 'context', confidence: 0.8, reason: `under the heading '${clip(sec!.title, 40)}' (${sec!.rule.label})` }, reusable: true };
    extraThreshold = 0.5;
  }
  const explained = explanationVerdict(text, lang);
  if (explained) return { verdict: explained, reusable: true };
  return { text, sec, lang, extraThreshold, ...(model ? { kindScores: model.kindScores(text) } : {}), reusable: true };
}

type Section = ReturnType<typeof enclosingSection>;

/** A heading's role (or a bulleted line set as a heading, judged as the list item it is). */
function headingVerdict(ctx: BlockContext, text: string, sec: Section, model?: RoleModel): Verdict | undefined {
  const b = ctx.block;
  if (b.kind === 'heading' && BULLET_HEAD.test(text) && !b.hint) {
    // A bullet set in large type is a list item the reader took for a heading: judge its words.
    const v = decide({ ...ctx, block: { ...b, kind: 'paragraph', text: text.replace(BULLET_HEAD, '') } as Block, pseudoHeading: false }, model);
    return v.role === 'apparatus' ? { role: 'context', confidence: 0.6, reason: 'a bulleted line set as a heading' } : v;
  }
  if ((b.kind === 'heading' || ctx.pseudoHeading) && ACTION_TITLE.test(stripNumber(text)) && !b.hint && !ctx.frontMatter) {
    // "Action 7: Mitigate harms" names a measure; "Action 3: Attract investment" a policy (context).
    const title = stripNumber(text).replace(ACTION_TITLE, '');
    if (SAFETY_SECTION.test(title) || /\b(?:mitigat|prevent|protect|guard|safe)/i.test(title)) return { role: 'mitigation', confidence: 0.65, reason: `a numbered action whose title is about keeping people safe ('${clip(text, 40)}')` };
  }
  const own = sectionClass(text);
  if (b.hint) return { role: 'apparatus', confidence: 0.9, reason: HINT_REASON[b.hint] };
  if (own?.cls === 'apparatus') return { role: 'apparatus', confidence: 0.9, reason: `a heading that titles apparatus ('${clip(text, 40)}')` };
  if (STRONG_LEADER.test(text)) return { role: 'apparatus', confidence: 0.9, reason: 'contents line (dot leader)' };
  if (sec?.rule.cls === 'apparatus') return { role: 'apparatus', confidence: 0.8, reason: `a heading under '${clip(sec.title, 40)}'` };
  if (ctx.frontMatter) return { role: 'apparatus', confidence: 0.7, reason: 'a title in the front matter, before the body starts' };
  if (VALUE_TITLE.test(stripNumber(text)) && wordCount(stripNumber(text).replace(/[:：].*$/, '')) <= 6) return { role: 'principle', confidence: 0.7, reason: `a heading naming a value ('${clip(text, 40)}')` };
  if (ctx.pages && b.page === 1 && ctx.pages > 2) return { role: 'apparatus', confidence: 0.6, reason: 'a title on the cover page' };
  return { role: 'context', confidence: 0.8, reason: ctx.pseudoHeading ? 'a numbered chapter or section line' : 'a section heading' };
}

/** Apparatus by form or section, furniture lines, and blocks too short or of a kind that states nothing. */
function furnitureVerdict(ctx: BlockContext, text: string, sec: Section): Verdict | undefined {
  const form = apparatusByForm(ctx);
  if (form) return form;
  if (sec?.rule.cls === 'apparatus') return { role: 'apparatus', confidence: 0.88, reason: `under the heading '${clip(sec.title, 40)}'` };
  if (/起草单位|主要起草人|起草人[:：]/.test(text) && !MODAL_ZH.test(text.replace(/起草/g, ''))) return { role: 'apparatus', confidence: 0.8, reason: 'drafting organisations and people (contributors)' };
  if (CREDIT.test(text) && text.length < 200) return { role: 'apparatus', confidence: 0.8, reason: 'a credit line (translated/prepared by)' };
  if (SIGNATORY.test(text) && text.length < 140 && !MODAL_EN.test(text)) return { role: 'apparatus', confidence: 0.75, reason: 'a signatory line (office and name)' };
  if ((DATE_ONLY.test(text) || ORDER_NO.test(text)) && text.length < 60) return { role: 'apparatus', confidence: 0.75, reason: 'a date or order-number line' };
  if (ctx.frontMatter) {
    if (isLabelLine(text) || !isStatementLike(text)) return { role: 'apparatus', confidence: 0.7, reason: 'a short line in the front matter, before the body starts' };
    if (SELF_REFERENCE.test(text)) return { role: 'apparatus', confidence: 0.65, reason: 'front matter about the publication itself' };
  }
  if (!isStatementLike(text)) return { role: 'context', confidence: 0.7, reason: 'too short to state a measure, risk or principle' };
  if (/^(?:注\s*\d*\s*[:：]|notes?\s*\d*\s*[:：.–-]\s)/i.test(text)) return { role: 'context', confidence: 0.7, reason: 'a note explaining the text above' };
  if (/[?？]$/.test(text) && text.length < 300) return { role: 'context', confidence: 0.7, reason: 'a question' };
  if (REPORTED_VIEWS.test(text) || (REPORTED_VIEWS_INSIDE.test(text) && !PUBLIC_DUTY.test(text))) return { role: 'context', confidence: 0.65, reason: 'what consultees said, or the reply to them (a summary of responses)' };
  if (/^(?:yes|no)\b\s*[-–—:,]/i.test(text) || /\bgo to step\b/i.test(text)) return { role: 'context', confidence: 0.7, reason: 'a branch of a flow chart (yes/no, go to step)' };
  return undefined;
}

/** Explanations that carry statement wording: scope clauses, the document describing itself, exemptions, definitions. */
function explanationVerdict(text: string, lang: LanguageScores): Verdict | undefined {
  if (text.length < 600 && (lang.mitigation < 2.5 || PURPOSE_SENTENCE.test(text)) && SCOPE_CLAUSE.test(text)) return { role: 'context', confidence: 0.7, reason: 'a clause about the text itself (scope, entry into force, precedence)' };
  if (SELF_SUBJECT.test(text) && !IMPERATIVE_EN.test(text.replace(CLAUSE_NUM, '')) && lang.mitigation < 3 && !/^(?:article|第)/i.test(text))
    return { role: 'context', confidence: 0.65, reason: 'describes the document itself (its framework, functions or users)' };
  if (EXEMPTION.test(text) && text.length < 900) return { role: 'context', confidence: 0.7, reason: 'an exemption or savings clause' };
  if (COMPETENCE.test(text) && text.length < 600) return { role: 'context', confidence: 0.65, reason: 'a clause about who is competent (authorities acting within their duties)' };
  if (DEFINITION.test(text) && !MODAL_EN.test(text.replace(/\bshall mean\b/gi, '')) && !/应当|不得|必须/.test(text)) return { role: 'context', confidence: 0.75, reason: 'a definition' };
  return undefined;
}

/** The statement kind the evidence points to, or context when no statement wording is strong enough. */
function kindVerdict(ctx: BlockContext, text: string, sec: Section, lang: LanguageScores, extraThreshold: number, model?: RoleModel, kindScores?: Record<StatementKind, number>): Verdict {
  const b = ctx.block;
  const secCls = sec?.rule.cls;
  // Evidence per statement kind: language, section prior, document default, model.
  const score: Record<StatementKind, number> = { mitigation: lang.mitigation, risk: lang.risk, principle: lang.principle };
  const numbered = b.kind === 'item' || ARTICLE_EN.test(text) || ARTICLE_ZH.test(text) || CLAUSE_NUM.test(text) || b.kind === 'table-row';
  if (secCls === 'mitigation' || secCls === 'risk') score[secCls] += 1.2;
  if (secCls === 'principle') score.principle += 1.8;
  if (ctx.sectionKind && ctx.sectionKind !== secCls) score[ctx.sectionKind] += 0.8;
  if (model) {
    const ks = kindScores ?? model.kindScores(text);
    for (const k of ['mitigation', 'risk', 'principle'] as const) score[k] += 1.5 * ks[k];
  }
  if (ctx.defaultKind) score[ctx.defaultKind] += 0.2;
  // A long explanation that mentions a harm in passing is not a risk statement.
  let riskForce = lang.risk;
  if (wordCount(text) > 60 && lang.risk < 2 && secCls !== 'risk' && ctx.sectionKind !== 'risk') {
    riskForce = 0;
    score.risk = Math.min(score.risk, 0.5);
  }
  // An imperative is a measure even when it names the value it serves ("… use it with respect for dignity").
  if (/^(?:imperative|a duty or commitment of a public body)/.test(lang.cue.mitigation ?? '') && score.principle > score.mitigation && !PRINCIPLE_STRONG.test(text)) score.mitigation = score.principle + 0.1;
  // Prohibitions ("must not generate content that endangers …") are measures even though they name harms.
  if (lang.mitigation >= 1.5 && score.risk > score.mitigation && !RISK_DESC_EN.test(text)) score.mitigation = score.risk + 0.1;
  const ranked = (Object.entries(score) as [StatementKind, number][]).sort((a, b2) => b2[1] - a[1]);
  const [topKind, top] = ranked[0]!;
  const second = ranked[1]![1];
  // A statement needs its own wording (normative force, a risk description, a principle); a
  // section prior alone does not make an explanation a statement.
  const force = Math.max(lang.mitigation, riskForce, lang.principle);
  const threshold = (numbered ? 1.0 : 1.3) + extraThreshold;
  if (force < 1.0 || top < threshold + (model ? 0.5 : 0)) {
    return { role: 'context', confidence: 0.6, reason: lang.cue.mitigation?.startsWith('promotional') ? `promotion without a safety measure (${lang.cue.mitigation})` : secCls && secCls !== 'context' ? `no statement wording, though under '${clip(sec!.title, 40)}'` : 'explanatory text without statement wording' };
  }
  const conf = Math.min(0.97, 0.5 + 0.15 * (top - second) + 0.05 * top);
  const why: string[] = [];
  const cue = lang.cue[topKind];
  if (cue) why.push(cue);
  if (secCls === topKind) why.push(`under '${clip(sec!.title, 40)}'`);
  if (numbered && b.kind !== 'table-row') why.push(ARTICLE_ZH.test(text) || ARTICLE_EN.test(text) ? 'in a numbered article' : 'in a numbered or listed item');
  if (b.kind === 'table-row') why.push('in a table row');
  if (model && !cue) why.push('the text model');
  return { role: topKind, confidence: conf, reason: why.join(', ') || `${topKind} wording` };
}

/** A clause title: short, no sentence punctuation, no normative verb. */
function isShortTitle(t: string): boolean {
  if (/[。；;，,:：!?！？]/.test(t) || /\.$/.test(t)) return false;
  if (hasCjk(t)) return [...t].length <= 24 && !/应当|不得|必须/.test(t);
  return wordCount(t) <= 10 && !MODAL_EN.test(t) && !VERB_HINT_EN.test(t);
}

// pseudoHeadingLevel is asked about the same block many times (every look back for a lead-in): the
// answer is kept per block object, with the fields it was read from, so a changed block is asked again.
const pseudoLevels = new WeakMap<Block, { kind: Block['kind']; text: string; marker?: string; hint?: BlockHint; level: number | undefined }>();

/** A paragraph that is really a chapter or section line ("第一章 总则", "CHAPTER III", "Section 2 …"): its heading level. */
export function pseudoHeadingLevel(b: Block): number | undefined {
  const marker = b.kind === 'item' ? b.marker : undefined;
  const hit = pseudoLevels.get(b);
  if (hit && hit.kind === b.kind && hit.text === b.text && hit.marker === marker && hit.hint === b.hint) return hit.level;
  const level = pseudoLevelOf(b);
  pseudoLevels.set(b, { kind: b.kind, text: b.text, marker, hint: b.hint, level });
  return level;
}

function pseudoLevelOf(b: Block): number | undefined {
  if (b.kind === 'item') {
    // "5.1 语料来源安全要求": a numbered clause title set as a list item.
    const t = b.text.trim();
    if (b.marker && /^\d+(?:\.\d+)+$/.test(b.marker) && isShortTitle(t)) return 2 + b.marker.split('.').length;
    return undefined;
  }
  if (b.kind !== 'paragraph') return undefined;
  const t = b.text.trim();
  if (/\s\d{1,3}$/.test(t) && /^\d/.test(t)) return undefined;
  const num = /^(\d+(?:\.\d+)*|[A-Z](?:\.\d+)+)\.?\s*(?=\p{L})(.+)$/u.exec(t);
  if (num && isShortTitle(num[2]!) && !b.hint) return 2 + num[1]!.split('.').length;
  if (/^(?:附\s*录|annex|appendix)\s*[A-Z0-9]\b/i.test(t) && isShortTitle(t)) return 3;
  if (t.length > 80 || /[。；;.!?]$/.test(t)) return undefined;
  if (/^第[一二三四五六七八九十百零〇0-9]+[编部]/.test(t)) return 2;
  if (/^第[一二三四五六七八九十百零〇0-9]+章/.test(t)) return 3;
  if (/^第[一二三四五六七八九十百零〇0-9]+节/.test(t)) return 4;
  if (/^(?:part|title)\s+(?:[0-9]+|[IVXLC]+)\b/i.test(t) && wordCount(t) <= 12) return 2;
  if (/^chapter\s+(?:[0-9]+|[IVXLC]+)\b/i.test(t) && wordCount(t) <= 12) return 3;
  if (/^section\s+[0-9]+\b/i.test(t) && wordCount(t) <= 12) return 4;
  return undefined;
}

const BODY_START = /^(?:(?:section|chapter|part|title)\s+(?:1|one|I)\b|(?:article|art\.)\s*1\b|第[一1]\s*[章条编节部]|1\.?\s+\p{L}|I\.\s+\p{L})/iu;
const BODY_SECTIONS = new Set(['introduction', 'scope', 'definitions']);

/** Where the body starts: blocks before it are front matter (cover, series notes, signatories). */
export function bodyStart(blocks: Block[]): number {
  const limit = Math.min(blocks.length, Math.max(12, Math.floor(blocks.length * 0.4)));
  for (let i = 0; i < limit; i++) {
    const b = blocks[i]!;
    const t = b.text.trim();
    if (b.hint || STRONG_LEADER.test(t)) continue;
    const head = b.kind === 'heading' || pseudoHeadingLevel(b) !== undefined;
    if ((head || b.kind === 'paragraph') && /^(?:(?:article|art\.)\s*1\b|第[一1]条)/i.test(t)) return i;
    if (!head) continue;
    if (BODY_START.test(t)) return i;
    const sc = sectionClass(t);
    if (sc && BODY_SECTIONS.has(sc.label)) return i;
  }
  return 0;
}

/** A paragraph that only says "Contents", "List of Figures", "References": it opens an apparatus section. */
function apparatusTitleParagraph(b: Block): boolean {
  if (b.kind !== 'paragraph' || b.text.length > 60) return false;
  return sectionClass(b.text.trim())?.cls === 'apparatus';
}

const TERMINAL = /[。！？；：.!?;:"”’)）\]】》]$/;

/**
 * Paragraphs that continue the block before them (a line or page break inside a sentence, as in
 * Chinese PDFs where every line comes out as a paragraph): the index of the chain's first block.
 */
export function continuations(blocks: Block[], levels: (number | undefined)[]): (number | undefined)[] {
  const head: (number | undefined)[] = new Array(blocks.length).fill(undefined);
  for (let i = 1; i < blocks.length; i++) {
    const b = blocks[i]!;
    const p = blocks[i - 1]!;
    if (b.kind !== 'paragraph' || (p.kind !== 'paragraph' && p.kind !== 'item')) continue;
    if (levels[i] !== undefined || levels[i - 1] !== undefined || b.hint || p.hint) continue;
    const pt = p.text.trim();
    const t = b.text.trim();
    if (!pt || !t || TERMINAL.test(pt) || POINT.test(t) || ARTICLE_START.test(t) || /^注\s*\d*[:：]/.test(t)) continue;
    // Only a full line breaks mid-sentence; short label lines (issuing bodies, names) do not continue.
    if ([...pt].length < (hasCjk(pt) ? 18 : 40)) continue;
    const cjk = hasCjk(pt.slice(-3)) && hasCjk(t.slice(0, 3));
    const latin = /^[a-z]/.test(t) || /[,\-–—]$|\b(?:and|or|of|the|to|in|for|with|a|an)$/i.test(pt);
    if (!cjk && !latin) continue;
    if (p.page !== undefined && b.page !== undefined && b.page - p.page > 1) continue;
    head[i] = head[i - 1] ?? i - 1;
  }
  return head;
}

interface Pass {
  decisions: RoleDecision[];
  headingPaths: string[][];
  /** For each block, the index of the heading (or pseudo-heading) that opens its section. */
  owner: number[];
  levels: (number | undefined)[];
}

/**
 * One pass of the rules over the document. `stages` holds each block's stage (see Stage): the first
 * pass fills it, the second takes the reusable ones from it.
 */
function runPass(blocks: Block[], opts: ClassifyOptions, start: number, stages: (Stage | undefined)[], sectionKinds?: Map<number, StatementKind>): Pass {
  const decisions: RoleDecision[] = [];
  const headingPaths: string[][] = [];
  const owner: number[] = [];
  const levels: (number | undefined)[] = [];
  const stack: { level: number; text: string; index: number }[] = [];
  // A bulleted line the reader set as a heading is a list item: it opens no section.
  const allLevels = blocks.map((b) => (b.kind === 'heading' ? (BULLET_HEAD.test(b.text.trim()) ? undefined : b.level) : apparatusTitleParagraph(b) ? 99 : pseudoHeadingLevel(b)));
  const chain = continuations(blocks, allLevels);
  // The text a chain's first block is judged by: the whole chain.
  const joined = new Map<number, string>();
  for (let i = 0; i < blocks.length; i++) {
    const h = chain[i];
    if (h === undefined) continue;
    const cjk = hasCjk(blocks[i]!.text.slice(0, 2));
    joined.set(h, (joined.get(h) ?? blocks[h]!.text.trim()) + (cjk ? '' : ' ') + blocks[i]!.text.trim());
  }
  for (let i = 0; i < blocks.length; i++) {
    const b0 = blocks[i]!;
    const level = allLevels[i];
    levels.push(level);
    const h = chain[i];
    if (h !== undefined) {
      const hd = decisions[h]!;
      headingPaths.push(headingPaths[h]!);
      owner.push(owner[h]!);
      decisions.push({ ...hd, reason: hd.reason.startsWith('continues') ? hd.reason : `continues the block before it (${hd.reason})` });
      continue;
    }
    let b = joined.has(i) ? ({ ...b0, text: joined.get(i)! } as Block) : b0;
    const nx = blocks[i + 1];
    if (b0.kind === 'heading' && BULLET_HEAD.test(b0.text.trim()) && nx?.kind === 'paragraph' && !TERMINAL.test(b0.text.trim())) b = { ...b0, text: `${b0.text.trim()} ${nx.text.trim()}` } as Block;
    if (level !== undefined) while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
    const path = stack.map((h) => h.text);
    headingPaths.push(path);
    owner.push(stack.length ? stack[stack.length - 1]!.index : -1);
    let sectionKind: StatementKind | undefined;
    if (sectionKinds) for (let k = stack.length - 1; k >= 0 && !sectionKind; k--) sectionKind = sectionKinds.get(stack[k]!.index);
    const prev = blocks[i - 1];
    const firstRow = b.kind === 'table-row' ? prev?.kind !== 'table-row' || prev.table !== b.table : b.text.includes(' | ') && !(prev?.text.includes(' | ') ?? false);
    const ctx: BlockContext = { block: b, index: i, headingPath: path, prev, next: blocks[i + 1], pages: opts.pages, language: opts.language, defaultKind: opts.defaultKind, frontMatter: i < start, pseudoHeading: b.kind !== 'heading' && level !== undefined, sectionKind, firstRow };
    const known = sectionKinds ? stages[i] : undefined;
    const st = known?.reusable ? known : stage(ctx, opts.model);
    if (!sectionKinds) stages[i] = st;
    decisions.push(asDecision(finish(ctx, st, opts.model)));
    if (level !== undefined) stack.push({ level, text: b.text.trim(), index: i });
  }
  return { decisions, headingPaths, owner, levels };
}

/** The blocks of each heading's section (until the next heading of the same or a higher level). */
function sections(blocks: Block[], levels: (number | undefined)[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const open: { level: number; index: number }[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const level = levels[i];
    if (level !== undefined) {
      while (open.length && open[open.length - 1]!.level >= level) open.pop();
      for (const o of open) out.get(o.index)!.push(i);
      open.push({ level, index: i });
      out.set(i, []);
    } else for (const o of open) out.get(o.index)!.push(i);
  }
  return out;
}

export interface ClassifyOptions {
  language: string;
  pages?: number;
  defaultKind?: StatementKind;
  model?: RoleModel;
}

/** Classify every block of a document (headings included), tracking the heading path. */
export function classifyAll(blocks: Block[], opts: ClassifyOptions): { decisions: RoleDecision[]; headingPaths: string[][]; levels: (number | undefined)[] } {
  const start = bodyStart(blocks);
  const stages: (Stage | undefined)[] = [];
  const first = runPass(blocks, opts, start >= 3 ? start : 0, stages);
  inheritFromLeadIns(blocks, first.decisions);
  // Second pass: a section whose statements are mostly of one kind lends that kind to its
  // undecided blocks ("Model memorisation: LLMs can memorise …" under a risk's heading).
  const secs = sections(blocks, first.levels);
  const kinds = sectionKinds(secs, first);
  const second = kinds.size ? runPass(blocks, opts, start >= 3 ? start : 0, stages, kinds) : first;
  if (second !== first) inheritFromLeadIns(blocks, second.decisions);
  demoteBareLeadIns(blocks, second.decisions);
  const levels = first.levels;
  promoteMeasureTitles(blocks, levels, second.decisions);
  explainedValues(blocks, levels, second.decisions);
  const { decisions, headingPaths } = second;
  settleHeadings(secs, levels, decisions);
  demoteRecitals(blocks, decisions);
  // The rest of a bulleted line the reader set as a heading shares its decision.
  for (let i = 0; i + 1 < blocks.length; i++) {
    const b = blocks[i]!;
    const nx = blocks[i + 1]!;
    if (b.kind !== 'heading' || !BULLET_HEAD.test(b.text.trim()) || nx.kind !== 'paragraph' || TERMINAL.test(b.text.trim())) continue;
    const d = decisions[i]!;
    if (d.role === 'mitigation' || d.role === 'risk' || d.role === 'principle') decisions[i + 1] = { ...d, reason: `continues the bulleted line before it (${d.reason})` };
  }
  // Continuation blocks share their chain's decision, whatever the later passes changed.
  const chain = continuations(blocks, levels);
  chain.forEach((h, i) => {
    if (h === undefined) return;
    const hd = decisions[h]!;
    decisions[i] = { ...hd, reason: hd.reason.startsWith('continues') ? hd.reason : `continues the block before it (${hd.reason})` };
  });
  return { decisions, headingPaths, levels };
}

/** The kind a section lends its undecided blocks: the kind of most of its statements, when clear. */
function sectionKinds(secs: Map<number, number[]>, first: Pass): Map<number, StatementKind> {
  const kinds = new Map<number, StatementKind>();
  for (const [h, members] of secs) {
    const tally: Record<StatementKind, number> = { mitigation: 0, risk: 0, principle: 0 };
    let content = 0;
    for (const m of members) {
      if (first.levels[m] !== undefined) continue;
      content++;
      const r = first.decisions[m]!.role;
      if (r === 'mitigation' || r === 'risk' || r === 'principle') tally[r]++;
    }
    const ranked = (Object.entries(tally) as [StatementKind, number][]).sort((a, b) => b[1] - a[1]);
    const total = ranked.reduce((a, [, n]) => a + n, 0);
    if (ranked[0]![1] >= 2 && ranked[0]![1] >= 0.7 * total && total >= 0.3 * content) kinds.set(h, ranked[0]![0]);
  }
  return kinds;
}

/** A numbered title ("D-2) i. Proper data training") over a list of measures names them: a mitigation. */
function promoteMeasureTitles(blocks: Block[], levels: (number | undefined)[], decisions: RoleDecision[]): void {
  for (let i = 0; i + 1 < blocks.length; i++) {
    const b = blocks[i]!;
    if ((b.kind !== 'item' && b.kind !== 'paragraph') || levels[i] !== undefined || decisions[i]!.role !== 'context') continue;
    const t = b.text.trim();
    const m = MEASURE_TITLE.exec(t);
    if (!m) continue;
    const rest = t.slice(m[0].length);
    // An id-style number ("D-2) ii.") marks a measure's title even when it runs long or has commas.
    const idTitle = /^[A-Z]{1,3}-\d+/.test(t) && !/[.。;；:：]$/.test(rest) && wordCount(rest) <= 20 && !MODAL_EN.test(rest);
    if (!(idTitle || (isShortTitle(rest) && wordCount(rest) <= 14))) continue;
    let j = i + 1;
    while (j < blocks.length && decisions[j]!.role === 'apparatus') j++;
    if (j < blocks.length && levels[j] === undefined && decisions[j]!.role === 'mitigation')
      decisions[i] = { role: 'mitigation', confidence: 0.6, reason: 'a numbered title over the measures listed under it', source: 'embedded' };
  }
}

/** The paragraphs right under a heading that names a value explain that value: the principle. */
function explainedValues(blocks: Block[], levels: (number | undefined)[], decisions: RoleDecision[]): void {
  for (let h = 0; h < blocks.length; h++) {
    if (levels[h] === undefined || decisions[h]!.role !== 'principle') continue;
    for (let j = h + 1; j < blocks.length; j++) {
      const b = blocks[j]!;
      if (levels[j] !== undefined || b.kind !== 'paragraph' || POINT.test(b.text.trim())) break;
      const d = decisions[j]!;
      if (d.role === 'apparatus' || b.hint) continue;
      const t = b.text.trim();
      if (IMPERATIVE_EN.test(t)) break;
      if (DEFINITION.test(t) || !(MODAL_EN.test(t) || /\b(?:important|expected to|essential|crucial|fundamental|should)\b|应当|应|原则/i.test(t))) continue;
      decisions[j] = { role: 'principle', confidence: 0.6, reason: `explains the value named by the heading '${clip(blocks[h]!.text, 40)}'`, source: 'embedded' };
    }
  }
}

/** Headings: a heading whose whole section is apparatus is apparatus; one over real content is context. */
function settleHeadings(secs: Map<number, number[]>, levels: (number | undefined)[], decisions: RoleDecision[]): void {
  for (const [h, members] of secs) {
    const d = decisions[h]!;
    const content = members.filter((m) => levels[m] === undefined);
    if (d.role === 'apparatus' && d.reason.startsWith('a title in the front matter') && content.some((m) => decisions[m]!.role !== 'apparatus')) {
      decisions[h] = { role: 'context', confidence: 0.6, reason: 'a heading over content in the front matter', source: 'embedded' };
    } else if (d.role === 'context' && content.length && content.every((m) => decisions[m]!.role === 'apparatus')) {
      decisions[h] = { role: 'apparatus', confidence: 0.7, reason: 'a heading whose section is all apparatus', source: 'embedded' };
    }
  }
}

/** The recitals of a preamble ("Whereas: (1) … HAVE ADOPTED THIS REGULATION") explain; they do not bind. */
function demoteRecitals(blocks: Block[], decisions: RoleDecision[]): void {
  const whereas = blocks.findIndex((b) => /(?:^|\s)whereas\s*:?\s*$/i.test(b.text.trim()));
  if (whereas < 0) return;
  const end = blocks.findIndex((b, i) => i > whereas && /\b(?:have|has) adopted (?:this|the present) (?:regulation|directive|decision)\b/i.test(b.text));
  if (end > whereas)
    for (let i = whereas + 1; i < end; i++)
      if (decisions[i]!.role !== 'apparatus') decisions[i] = { role: 'context', confidence: 0.8, reason: 'a recital of the preamble (explains, does not bind)', source: 'embedded' };
}

// Letters and roman numerals in either case: statutes set new law in capitals ("(A)", "(IV)").
const POINT = /^(?:\(?[0-9]{1,2}[)）]|\([a-zA-Z]{1,2}\)|[a-z][)）]|\([ivxIVX]{1,5}\)|（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、)\s*/;

// A block that can open a list: it ends with a colon, announces the points below, is an article, or is a point itself.
const LIST_ANNOUNCE = /[:：]$|\b(?:the following|as follows|listed below|(?:shown|set out|described|given) below|below)\b|如下|下列|以下/i;
const numberings = new WeakMap<Block[], OrdinalLeadIns>();

/** The list numbering of a document's blocks (cached per block list). */
export function numberingOf(blocks: Block[]): OrdinalLeadIns {
  let n = numberings.get(blocks);
  if (!n) {
    const boundary = (j: number) => blocks[j]!.kind === 'heading' || pseudoHeadingLevel(blocks[j]!) !== undefined;
    const canLead = (j: number) => {
      const x = blocks[j]!;
      if (x.kind !== 'paragraph' && x.kind !== 'item') return false;
      const t = x.text.trim();
      return LIST_ANNOUNCE.test(t) || ARTICLE_EN.test(t) || ARTICLE_ZH.test(t) || blockOrdinals(x).length > 0;
    };
    n = ordinalLeadIns(blocks, boundary, canLead);
    numberings.set(blocks, n);
  }
  return n;
}

/** The block a point or list item hangs from: its parent item, or the lead-in paragraph above the list. */
export const POINT_MARK = POINT;
// Lead-ins are asked for many times per block (the rules' passes, the learned layer): kept per block
// list (-2: not asked yet, -1: none), as the numbering is.
const leadIns = new WeakMap<Block[], Int32Array>();
export function leadInOf(blocks: Block[], i: number): number | undefined {
  let memo = leadIns.get(blocks);
  if (!memo || memo.length !== blocks.length) {
    memo = new Int32Array(blocks.length).fill(-2);
    leadIns.set(blocks, memo);
  }
  const known = memo[i];
  if (known !== undefined && known !== -2) return known === -1 ? undefined : known;
  const lead = findLeadIn(blocks, i);
  memo[i] = lead ?? -1;
  return lead;
}

/** What the look back for a lead-in asks of each block, worked out once per block list. */
interface LeadFacts {
  /** A heading or a paragraph that works as one. */
  boundary: Uint8Array;
  /** A list item, or a paragraph that opens with a point's number. */
  point: Uint8Array;
  /** The trimmed text ends with a colon. */
  colon: Uint8Array;
}
const leadFacts = new WeakMap<Block[], LeadFacts>();

function leadFactsOf(blocks: Block[]): LeadFacts {
  let f = leadFacts.get(blocks);
  if (f && f.point.length === blocks.length) return f;
  const n = blocks.length;
  f = { boundary: new Uint8Array(n), point: new Uint8Array(n), colon: new Uint8Array(n) };
  for (let j = 0; j < n; j++) {
    const x = blocks[j]!;
    const t = x.text.trim();
    f.boundary[j] = x.kind === 'heading' || pseudoHeadingLevel(x) !== undefined ? 1 : 0;
    f.point[j] = x.kind === 'item' || (x.kind === 'paragraph' && POINT.test(t)) ? 1 : 0;
    f.colon[j] = /[:：]$/.test(t) ? 1 : 0;
  }
  leadFacts.set(blocks, f);
  return f;
}

function findLeadIn(blocks: Block[], i: number): number | undefined {
  const b = blocks[i]!;
  const f = leadFactsOf(blocks);
  if (!f.point[i]) return undefined;
  // The numbers first ("(c)" follows "(b)" of its own style), the reader's indentation after.
  const numbered = numberingOf(blocks).leadIn(i);
  if (numbered && 'lead' in numbered) return numbered.lead;
  // The first point of the list the numbers lead back to hangs where the reader's indentation says.
  if (numbered && numbered.head !== i) return leadInOf(blocks, numbered.head);
  const depth = b.kind === 'item' ? b.depth : 0;
  let sawDeeper = false;
  for (let j = i - 1; j >= 0 && j >= i - 60; j--) {
    const x = blocks[j]!;
    if (f.boundary[j]) return undefined;
    if (f.point[j]) {
      if (x.kind === 'item' && b.kind === 'item' && x.depth < depth) return j;
      // Lists flattened by the reader: an item ending in ":" leads the items after it.
      if (x.kind === 'item' && b.kind === 'item' && x.depth === depth && f.colon[j] && !sawDeeper) return j;
      if (x.kind === 'item' && b.kind === 'item' && x.depth > depth) sawDeeper = true;
      // A lettered paragraph right under a list item that ends in ":" (a statute set as items and paragraphs).
      if (x.kind === 'item' && b.kind === 'paragraph' && f.colon[j]) return j;
      continue;
    }
    if (x.kind === 'paragraph') {
      const t = x.text.trim();
      return /[:：]$/.test(t) || ARTICLE_EN.test(t) || ARTICLE_ZH.test(t) || /(?:following|as follows|include|including)[^.]{0,40}[.:：]?$|如下|以下规定|下列/i.test(t) ? j : undefined;
    }
    return undefined;
  }
  return undefined;
}

/**
 * A lead-in that only introduces its list ("Providers shall:", "要求如下：") states no measure by
 * itself: it is context, and its points are the statements.
 */
function demoteBareLeadIns(blocks: Block[], decisions: RoleDecision[]): void {
  const parents = new Set<number>();
  for (let i = 0; i < blocks.length; i++) {
    const p = leadInOf(blocks, i);
    if (p !== undefined && blocks[p]!.kind === 'paragraph') parents.add(p);
  }
  for (const p of parents) {
    const d = decisions[p]!;
    if (d.role !== 'mitigation' && d.role !== 'risk' && d.role !== 'principle') continue;
    const t = blocks[p]!.text.trim().replace(ARTICLE_LEAD, '').replace(CLAUSE_NUM, '');
    if (!/(?:[:：]|如下[。：:]?|as follows\.?)$/i.test(t)) continue;
    // "The matters … are listed below:" says only that a list follows, however long its subject.
    const onlyAnnounces = /\b(?:are|is) (?:listed|shown|set out|described|given|summari[sz]ed) below\s*[:：.]?$/i.test(t);
    const small = hasCjk(t) ? [...t].length <= 25 : wordCount(t) <= 12;
    if (small || onlyAnnounces) decisions[p] = { role: 'context', confidence: 0.65, reason: 'a lead-in that only introduces the list below', source: 'embedded' };
  }
}

/**
 * A short label without a verb or end punctuation ("Safety", "AI systems and services in general")
 * that hangs from a statement's lead-in names an area of that list: its own points complete the
 * lead-in above it. The index of that lead-in, when the block is such a label.
 */
function areaLabelOver(blocks: Block[], decisions: RoleDecision[], j: number): number | undefined {
  const b = blocks[j]!;
  if (b.kind !== 'item' && b.kind !== 'paragraph') return undefined;
  const t = b.text.trim().replace(POINT, '');
  if (!t || /[.。:：;；!?！？]$/.test(t) || (hasCjk(t) ? [...t].length > 16 : wordCount(t) > 8)) return undefined;
  if (MODAL_EN.test(t) || IMPERATIVE_EN.test(t) || MODAL_ZH.test(t) || VERB_HINT_EN.test(t)) return undefined;
  const gp = leadInOf(blocks, j);
  if (gp === undefined) return undefined;
  const r = decisions[gp]!.role;
  return r === 'mitigation' || r === 'risk' || r === 'principle' ? gp : undefined;
}

// A lead-in whose points finish a description: what something can or cannot do, what the document strives to be.
const DESCRIBING_LEAD = /\b(?:can|could|may|might|cannot|can't|(?:is|are) (?:un)?able to|strives? to|aims? to|seeks? to)\s*[:：]$/i;

/**
 * A point whose imperative or modal only completes its lead-in's sentence ("These actors can: designate
 * boundaries …", "The AI RMF strives to: use clear language", "frameworks are unable to: manage …"), or
 * that lists actions of a lead-in about opportunities or innovation without a safety concern (case 24),
 * states no measure. A lead-in of the second kind is itself no measure either.
 */
function notAnObligation(lead: string, pd: RoleDecision, text: string, decisions: RoleDecision[], parent: number): boolean {
  if (PUBLIC_DUTY.test(text)) return false;
  if (pd.role === 'context' && /[:：]$/.test(lead) && DESCRIBING_LEAD.test(lead)) return true;
  const promotional = PROMO_SECTION.test(lead) && !SAFETY_SECTION.test(lead) && !SAFETY_WORDS.test(lead);
  if (!promotional || SAFETY_WORDS.test(text) || !LIST_ANNOUNCE.test(lead)) return false;
  if (pd.role === 'mitigation') decisions[parent] = { role: 'context', confidence: 0.6, reason: 'a lead-in about opportunities or innovation without a safety measure', source: 'embedded' };
  return true;
}

/** Points under a statement's lead-in take its kind when their own words are not decisive. */
function inheritFromLeadIns(blocks: Block[], decisions: RoleDecision[]): void {
  for (let i = 0; i < blocks.length; i++) {
    const d = decisions[i]!;
    if (d.role === 'apparatus') continue;
    let parent = leadInOf(blocks, i);
    if (parent === undefined) continue;
    // A label naming an area ("Safety", "Systems in general") groups points that complete the lead-in above it (case 19).
    const above = areaLabelOver(blocks, decisions, parent);
    if (above !== undefined) {
      if (decisions[parent]!.role !== 'context') decisions[parent] = { role: 'context', confidence: 0.6, reason: 'a label naming an area of the list above it', source: 'embedded' };
      parent = above;
    }
    const pd = decisions[parent]!;
    const text = blocks[i]!.text;
    if (d.role === 'mitigation' && notAnObligation(blocks[parent]!.text.trim(), pd, text, decisions, parent)) {
      decisions[i] = { role: 'context', confidence: 0.6, reason: 'a point completing a lead-in that describes or promotes, not obliges', source: 'embedded' };
      continue;
    }
    // "The five principles are: …" — each value named in the list is a principle.
    if (d.role === 'context' && /\bprinciples?\b|\bvalues\b|原则/i.test(blocks[parent]!.text) && VALUE_TITLE.test(stripNumber(text)) && wordCount(text) <= 8) {
      decisions[i] = { role: 'principle', confidence: 0.6, reason: 'a value named in a list of principles', source: 'embedded' };
      continue;
    }
    if (pd.role === 'context' && /a definition|definitions lead-in|exemption/.test(pd.reason)) {
      if (d.role !== 'context') decisions[i] = { role: 'context', confidence: 0.6, reason: `a point under ${/exemption/.test(pd.reason) ? 'an exemption' : 'a definitions'} lead-in`, source: 'embedded' };
      continue;
    }
    // "AI-specific risks include:" introduces risks even when the lead-in itself is context; its
    // points are risks even as bare noun phrases ("Increased opacity and concerns about reproducibility").
    if (pd.role === 'context' && RISK_LEAD.test(blocks[parent]!.text.trim()) && languageScores(text).mitigation < 1) {
      if ((d.role === 'context' && isStatementLike(text) && !/^under the heading|a definition|about the text itself/.test(d.reason)) || d.role === 'mitigation') {
        decisions[i] = { role: 'risk', confidence: 0.6, reason: 'a point under a lead-in that introduces risks', source: 'embedded' };
      }
      continue;
    }
    if (pd.role === 'mitigation' || pd.role === 'risk' || pd.role === 'principle') {
      const own = languageScores(text);
      // A point inherits when it says something of its own kind, or is a fragment of the lead-in's sentence.
      const bare = text.replace(POINT, '').trim();
      const fragment = /^[a-z(]/.test(bare) || /[;,；，]$|\b(?:and|or)$|[和或]$/i.test(bare) || (!/[.。]$/.test(bare) && !VERB_HINT_EN.test(bare) && wordCount(bare) <= 30 && blocks[parent]!.kind === 'item');
      // A short point listed after a measure's lead-in ("… shall disclose:", "provide the following information:") completes it.
      const announced = LIST_ANNOUNCE.test(blocks[parent]!.text.trim());
      const listed = pd.role === 'mitigation' && announced && wordCount(bare) <= 40 && own.risk < 1.5 && !(VERB_HINT_EN.test(bare) && /[.。]$/.test(bare));
      // A short label that leads its own points ("documentation disclosing:") carries the parent's duty on.
      const subLead = /[:：]$/.test(bare) && /too short/.test(d.reason) && wordCount(bare) >= 2;
      // Numbered points of one list share their lead-in's kind: "(d) … ." closes a list whose "(c)" completed the duty.
      const sib = numberingOf(blocks).previousSibling(i);
      const withSibling = sib !== undefined && decisions[sib]!.role === pd.role && leadInOf(blocks, sib) === parent && /without statement wording|too short/.test(d.reason);
      if (d.role === 'context' && (isStatementLike(text) || subLead || (fragment && announced)) && (own[pd.role] >= 0.5 || fragment || subLead || listed || withSibling) && !/\((?:definitions|scope)\)|a definition|about the text itself|a note|a question|flow chart|chapter or section line/.test(d.reason)) {
        decisions[i] = { role: pd.role, confidence: 0.6, reason: `a point under a ${pd.role} lead-in`, source: 'embedded' };
      } else if (d.role === 'risk' && pd.role === 'mitigation' && languageScores(text).mitigation >= 1) {
        decisions[i] = { role: 'mitigation', confidence: 0.6, reason: `a prohibition or duty under a mitigation lead-in`, source: 'embedded' };
      }
    }
  }
}

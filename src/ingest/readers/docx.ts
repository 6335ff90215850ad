// DOCX → blocks. The archive is checked with yauzl BEFORE mammoth sees it: entry count, declared
// and actual uncompressed sizes, and compression ratios (zip bombs). mammoth then converts the
// document to HTML (headings and lists preserved) and the HTML path makes the blocks.
import yauzl from 'yauzl';
import { readHtml } from './html.ts';
import { normaliseMetaDate, usefulTitle } from '../detect.ts';
import { IngestError, type DetectedMeta, type Extracted } from '../types.ts';

export interface ZipLimits {
  maxEntries: number;
  /** Total uncompressed bytes of all entries. */
  maxTotalBytes: number;
  /** Uncompressed / compressed, per entry (for entries over 1 MB) and for the whole archive. */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 5000, maxTotalBytes: 200 * 1024 * 1024, maxRatio: 100 };

const MB = 1024 * 1024;

/**
 * Check a ZIP archive against the limits and return the text of docProps/core.xml. Declared sizes are
 * checked first (cheap, rejects an honest bomb without inflating it); then every entry is inflated
 * with a byte counter, so a bomb that lies in its headers is stopped too.
 */
export async function checkZip(buf: Buffer, source: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<{ coreXml?: string; names: string[] }> {
  const bomb = (what: string) =>
    new IngestError(source, `was rejected as a possible zip bomb: ${what}.`, 'A real Word document is far smaller; if this one is genuine, split it or save it again from Word.');
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((res, rej) =>
      yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (e, z) => (e ? rej(e) : res(z))),
    );
  } catch (e) {
    throw new IngestError(source, `is not a readable ZIP/DOCX archive (${(e as Error).message}).`, 'The file may be damaged; open and save it again in Word.');
  }
  const entries: yauzl.Entry[] = [];
  await new Promise<void>((res, rej) => {
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      if (entries.length > limits.maxEntries) {
        zip.close();
        rej(bomb(`more than ${limits.maxEntries} entries`));
        return;
      }
      zip.readEntry();
    });
    zip.on('end', () => res());
    zip.on('error', (e: Error) => rej(new IngestError(source, `is not a readable ZIP/DOCX archive (${e.message}).`)));
    zip.readEntry();
  });
  let total = 0;
  let compressed = 0;
  for (const e of entries) {
    total += e.uncompressedSize;
    compressed += e.compressedSize;
    if (e.uncompressedSize > MB && e.uncompressedSize / Math.max(1, e.compressedSize) > limits.maxRatio)
      throw bomb(`entry "${e.fileName}" expands ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}× (${fmtMb(e.uncompressedSize)})`);
  }
  if (total > limits.maxTotalBytes) throw bomb(`it expands to ${fmtMb(total)} (limit ${fmtMb(limits.maxTotalBytes)})`);
  if (total > MB && total / Math.max(1, compressed) > limits.maxRatio) throw bomb(`it expands ${Math.round(total / Math.max(1, compressed))}× overall`);
  const names = entries.map((e) => e.fileName);
  if (!names.includes('word/document.xml'))
    throw new IngestError(source, 'is a ZIP archive but not a Word document (no word/document.xml).', 'Only .docx files can be ingested from archives.');

  // Inflate every entry with a running count: headers can lie about sizes.
  let actual = 0;
  let coreXml: string | undefined;
  for (const e of entries) {
    if (e.fileName.endsWith('/')) continue;
    const chunks: Buffer[] = [];
    const keep = e.fileName === 'docProps/core.xml';
    await new Promise<void>((res, rej) => {
      zip.openReadStream(e, (err, stream) => {
        if (err || !stream) return rej(new IngestError(source, `has a damaged entry "${e.fileName}" (${err?.message ?? 'no data'}).`));
        stream.on('data', (c: Buffer) => {
          actual += c.length;
          if (keep) chunks.push(c);
          if (actual > limits.maxTotalBytes) {
            stream.destroy();
            rej(bomb(`it expands beyond ${fmtMb(limits.maxTotalBytes)}`));
          }
        });
        stream.on('error', (x: Error) => rej(new IngestError(source, `has a damaged entry "${e.fileName}" (${x.message}).`)));
        stream.on('end', () => res());
      });
    });
    if (keep) coreXml = Buffer.concat(chunks).toString('utf8');
  }
  zip.close();
  return { coreXml, names };
}

function fmtMb(n: number): string {
  return `${(n / MB).toFixed(n < 10 * MB ? 1 : 0)} MB`;
}

function coreMeta(xml: string | undefined): DetectedMeta {
  if (!xml) return {};
  const tag = (name: string) => {
    const m = new RegExp(`<${name}[^>]*>([\\s\\S]*?)</${name}>`).exec(xml);
    return m ? decodeXml(m[1]!).trim() : undefined;
  };
  const lang = tag('dc:language');
  return {
    title: usefulTitle(tag('dc:title')),
    author: tag('dc:creator') || undefined,
    date: normaliseMetaDate(tag('dcterms:created')),
    language: lang ? lang.split(/[-_]/)[0]!.toLowerCase() : undefined,
  };
}

function decodeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const t: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (t[e.toLowerCase()]) return t[e.toLowerCase()]!;
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

export async function readDocx(buf: Buffer, source: string, limits?: ZipLimits): Promise<Extracted> {
  const { coreXml } = await checkZip(buf, source, limits);
  const mammoth = (await import('mammoth')).default;
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: buf })).value;
  } catch (e) {
    throw new IngestError(source, `could not be read as a Word document (${(e as Error).message}).`, 'Open and save it again in Word, or export it to PDF.');
  }
  const out = readHtml(`<!doctype html><html><body>${html}</body></html>`, { mainContent: false, format: 'docx' });
  const meta = coreMeta(coreXml);
  // The creation date in core.xml is when the file was made, often from a template: it only counts
  // when the text states no date (the caller prefers a date found in the text).
  return { ...out, meta: { ...meta, date: undefined, fallbackDate: meta.date } };
}

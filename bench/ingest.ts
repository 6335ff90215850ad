// Ingest benchmark: a 500-page PDF generated with pdf-lib (a heading, a paragraph and numbered items
// with nested lettered items on every page). Reports pages/s for PDF text extraction (pdfjs text
// layer → lines → blocks) and statements/s for segmentation (blocks → statements with locators),
// plus MinHash signatures/s for near-duplicate detection.
import { readPdf } from '../src/ingest/readers/pdf.ts';
import { segment } from '../src/ingest/segment.ts';
import { signatureOf } from '../src/ingest/dedupe.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const PAGES = Number(process.env.GOVNAV_INGEST_BENCH_PAGES ?? 500);

async function makeBigPdf(pages: number): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  doc.setTitle('Synthetic framework for benchmarking');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  for (let p = 1; p <= pages; p++) {
    const page = doc.addPage([595, 842]);
    let y = 770;
    page.drawText(`${p} Section ${p} on model governance`, { x: 72, y, size: 16, font: bold });
    y -= 30;
    for (const line of [
      `This section sets out the obligations of providers for area ${p}, covering risk assessment,`,
      'evaluation before release, monitoring after deployment and the reporting of serious incidents.',
    ]) {
      page.drawText(line, { x: 72, y, size: 11, font });
      y -= 14;
    }
    y -= 10;
    page.drawText('Providers shall:', { x: 72, y, size: 11, font });
    y -= 24;
    for (let i = 1; i <= 8; i++) {
      page.drawText(`${i}.`, { x: 72, y, size: 11, font });
      page.drawText(`Keep records of measure ${i} for area ${p}, including evaluation results and decisions.`, { x: 94, y, size: 11, font });
      y -= 24;
      if (i % 3 === 0) {
        for (const [m, t] of [['(a)', 'name the responsible person;'], ['(b)', 'review the measure every year.']]) {
          page.drawText(m!, { x: 94, y, size: 11, font });
          page.drawText(t!, { x: 118, y, size: 11, font });
          y -= 20;
        }
      }
    }
    page.drawText(`Synthetic framework · page ${p}`, { x: 72, y: 36, size: 8, font });
  }
  return doc.save();
}

export async function run(): Promise<BenchResult[]> {
  const bytes = await makeBigPdf(PAGES);
  // Warm up pdfjs (its worker module loads once per process).
  await readPdf(await makeBigPdf(1), 'warm-up.pdf');
  let t0 = performance.now();
  const ex = await readPdf(bytes, 'bench.pdf');
  const extractS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const rounds = 5;
  let statements = 0;
  for (let i = 0; i < rounds; i++) statements = segment(ex, { language: 'en' }).length;
  const segS = (performance.now() - t0) / 1000 / rounds;
  const segs = segment(ex, { language: 'en' });
  t0 = performance.now();
  for (const s of segs) signatureOf(s.text);
  const sigS = (performance.now() - t0) / 1000;
  const note = `${PAGES}-page generated PDF, ${(bytes.length / 1024 / 1024).toFixed(1)} MB, ${statements} statements`;
  // Writing a large document into the store, on each engine (bench/_ingest-list.ts).
  const { listIngestRates } = await import('./_ingest-list.ts');
  const written = await listIngestRates();
  return [
    ...written,
    { name: 'ingest: PDF text extraction', value: Math.round(PAGES / extractS), unit: 'pages/s', note },
    { name: 'ingest: segmentation', value: Math.round(statements / segS), unit: 'statements/s', note },
    { name: 'ingest: MinHash signatures', value: Math.round(segs.length / sigS), unit: 'statements/s', note: 'word 3-shingles, 128 hashes' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}${r.note ? ` (${r.note})` : ''}`);
}

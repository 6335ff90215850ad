// Documents with known structure, generated in the tests themselves: PDFs (pdf-lib), DOCX (docx),
// HTML, and bad inputs (encrypted and image-only PDFs, a DOCX-shaped zip bomb).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

export function tempDir(): { dir: string; file: (name: string, data: string | Uint8Array) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-ingest-'));
  return {
    dir,
    file: (name, data) => {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// ------------------------------------------------------------------ PDF

export type PdfEl =
  | { h: string; size: number }
  | { p: string; indent?: number }
  | { item: string; marker: string; indent?: number }
  | { pageBreak: true };

export interface PdfSpec {
  title?: string;
  creationDate?: Date;
  footer?: (page: number) => string;
  elements: PdfEl[];
}

/** Lay the elements out on A4 pages (Helvetica 11 pt body, bold headings), wrapping text at the margin. */
export async function makePdf(spec: PdfSpec): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  if (spec.title) doc.setTitle(spec.title);
  if (spec.creationDate) doc.setCreationDate(spec.creationDate);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const left = 72;
  const right = 595 - 72;
  let page = doc.addPage([595, 842]);
  let y = 770;
  const pages = [page];
  const newPage = () => {
    page = doc.addPage([595, 842]);
    pages.push(page);
    y = 770;
  };
  const wrap = (text: string, width: number, size: number) => {
    const lines: string[] = [];
    let cur = '';
    for (const w of text.split(' ')) {
      const next = cur ? cur + ' ' + w : w;
      if (font.widthOfTextAtSize(next, size) > width && cur) {
        lines.push(cur);
        cur = w;
      } else cur = next;
    }
    if (cur) lines.push(cur);
    return lines;
  };
  for (const el of spec.elements) {
    if ('pageBreak' in el) {
      newPage();
      continue;
    }
    if ('h' in el) {
      if (y < 120) newPage();
      y -= el.size * 0.6;
      page.drawText(el.h, { x: left, y, size: el.size, font: bold });
      y -= el.size * 1.4;
      continue;
    }
    const size = 11;
    const indent = el.indent ?? 0;
    const x0 = left + indent;
    const textX = 'item' in el ? x0 + 22 : x0;
    const lines = wrap('item' in el ? el.item : el.p, right - textX, size);
    lines.forEach((line, i) => {
      if (y < 90) newPage();
      if (i === 0 && 'item' in el) page.drawText(el.marker, { x: x0, y, size, font });
      page.drawText(line, { x: i === 0 && 'item' in el ? textX : 'item' in el ? textX : x0, y, size, font });
      y -= size * 1.3;
    });
    y -= size * 0.9; // paragraph spacing
  }
  if (spec.footer) pages.forEach((p, i) => p.drawText(spec.footer!(i + 1), { x: left, y: 36, size: 8, font }));
  return doc.save();
}

/** A PDF with one page holding only a drawn rectangle: no text layer at all. */
export async function makeImageOnlyPdf(): Promise<Uint8Array> {
  const { PDFDocument, rgb } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  for (let i = 0; i < 2; i++) {
    const page = doc.addPage([595, 842]);
    page.drawRectangle({ x: 100, y: 300, width: 300, height: 200, color: rgb(0.2, 0.3, 0.8) });
  }
  return doc.save();
}

/**
 * A minimal PDF whose trailer points to a standard-security /Encrypt dictionary. Its /U entry does
 * not match the empty user password, so a reader has to ask for a password.
 */
export function makeEncryptedPdf(): Uint8Array {
  const hex32 = (seed: number) => Array.from({ length: 32 }, (_, i) => ((i * 37 + seed) % 256).toString(16).padStart(2, '0')).join('');
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
    '<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 720 Td (Secret text) Tj ET\nendstream',
    `<< /Filter /Standard /V 1 /R 2 /Length 40 /P -3904 /O <${hex32(11)}> /U <${hex32(99)}> >>`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  const id = hex32(5).slice(0, 32);
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R /Encrypt 5 0 R /ID [<${id}> <${id}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

// ------------------------------------------------------------------ DOCX

export async function makeDocx(): Promise<Uint8Array> {
  const d = await import('docx');
  const doc = new d.Document({
    title: 'Model Release Policy',
    creator: 'govnav tests',
    numbering: {
      config: [
        {
          reference: 'num',
          levels: [
            { level: 0, format: d.LevelFormat.DECIMAL, text: '%1.', alignment: d.AlignmentType.START },
            { level: 1, format: d.LevelFormat.LOWER_LETTER, text: '(%2)', alignment: d.AlignmentType.START },
          ],
        },
      ],
    },
    sections: [
      {
        children: [
          new d.Paragraph({ text: 'Model Release Policy', heading: d.HeadingLevel.HEADING_1 }),
          new d.Paragraph({ text: 'Adopted on 3 March 2025 by the board.' }),
          new d.Paragraph({ text: 'Evaluations', heading: d.HeadingLevel.HEADING_2 }),
          new d.Paragraph({ text: 'Before any release the team shall:' }),
          new d.Paragraph({ text: 'Run the dangerous capability evaluations on the final checkpoint.', numbering: { reference: 'num', level: 0 } }),
          new d.Paragraph({ text: 'Commission an external red team for at least four weeks.', numbering: { reference: 'num', level: 0 } }),
          new d.Paragraph({ text: 'The red team has access to the model without safety filters.', numbering: { reference: 'num', level: 1 } }),
          new d.Paragraph({ text: 'Findings are reported to the safety board within one week.', numbering: { reference: 'num', level: 1 } }),
          new d.Paragraph({ text: 'Monitoring', heading: d.HeadingLevel.HEADING_2 }),
          new d.Paragraph({ text: 'After release, usage is monitored for misuse and incidents are disclosed to the regulator.' }),
        ],
      },
    ],
  });
  return new Uint8Array(await d.Packer.toBuffer(doc));
}

/**
 * A DOCX-shaped zip (it has word/document.xml) with one entry of `mb` megabytes of zeros, deflated.
 * The zeros are streamed into JSZip, so the test never holds them in memory at once.
 */
export async function makeZipBomb(mb = 300): Promise<Uint8Array> {
  const JSZip = (await import('jszip')).default;
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
  zip.file('word/document.xml', '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>');
  const chunk = Buffer.alloc(1024 * 1024);
  let left = mb;
  const zeros = new Readable({
    read() {
      this.push(left-- > 0 ? chunk : null);
    },
  });
  zip.file('word/media/padding.bin', zeros as unknown as Blob);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 1 }, streamFiles: false });
}

// ------------------------------------------------------------------ HTML

export const HTML_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Frontier Safety Commitments | Example Lab</title>
  <meta name="citation_publication_date" content="2024/05/21">
  <script>window.secretTracker = "SCRIPT TEXT MUST NOT APPEAR";</script>
  <style>.x { color: red } /* STYLE TEXT */</style>
</head>
<body>
  <header><a href="/">Example Lab</a> <span>HEADER BANNER TEXT</span></header>
  <nav><ul><li><a href="/">Home navigation link</a></li><li><a href="/about">About us navigation link</a></li></ul></nav>
  <main>
    <h1>Frontier Safety Commitments</h1>
    <p>These commitments apply to every frontier model the lab develops or deploys.</p>
    <h2>Risk assessment</h2>
    <p>Before deployment, the lab will:</p>
    <ol>
      <li>Assess the model against each capability threshold.
        <ul>
          <li>Thresholds cover cyber, biological and autonomy risks.</li>
          <li>Results are reviewed by an independent panel.</li>
        </ul>
      </li>
      <li>Publish a summary of the assessment.</li>
    </ol>
    <h3>Thresholds</h3>
    <p>A model that crosses a threshold is not deployed until mitigations bring the risk below it.</p>
    <script>document.write("INLINE SCRIPT IN MAIN");</script>
    <h2>Transparency</h2>
    <p>The lab reports serious incidents to the relevant authorities within fifteen days.</p>
    <div class="share-bar social"><a href="#">Share on social media</a></div>
  </main>
  <aside>Related posts sidebar text</aside>
  <footer><p>Copyright 2024 Example Lab. Footer text.</p></footer>
</body>
</html>`;

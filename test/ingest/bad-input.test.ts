// Every kind of bad input gets a clear error that names the file and says what to do, and the
// database is left exactly as it was.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { IngestError, ingestOne } from '../../src/ingest/index.ts';
import { ENGINE } from '../helpers/store.ts';
import { makeEncryptedPdf, makeImageOnlyPdf, makeZipBomb, tempDir } from './fixtures.ts';
import { sharedStore, snapshot, storedDocument } from './helpers.ts';

const store = sharedStore();
const tmp = tempDir();
before(async () => {
  // Something in the database already, so "unchanged" means more than "still empty".
  const { db } = await store.get();
  await ingestOne(db, tmp.file('existing.md', '# Existing\n\nProviders keep an inventory of their AI systems.\n\n- Review it every year.\n'));
});
after(async () => {
  await store.close();
  tmp.cleanup();
});

async function rejects(file: string, pattern: RegExp, opts: Parameters<typeof ingestOne>[2] = {}): Promise<IngestError> {
  const { db } = await store.get();
  const before = await snapshot(db);
  let caught: unknown;
  try {
    await ingestOne(db, file, opts);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof IngestError, `ingesting ${file} fails with an IngestError (got ${String(caught)})`);
  assert.ok(caught.message.startsWith(file + ':'), `the message names the file: ${caught.message}`);
  assert.match(caught.message, pattern);
  assert.deepEqual(await snapshot(db), before, 'the database is unchanged');
  return caught;
}

test(`[${ENGINE}] encrypted PDF: asks for the password to be removed`, async () => {
  const e = await rejects(tmp.file('locked.pdf', makeEncryptedPdf()), /encrypted/);
  assert.match(e.hint!, /decrypt/);
});

test(`[${ENGINE}] image-only PDF: no text layer, suggests OCR`, async () => {
  const e = await rejects(tmp.file('scan.pdf', await makeImageOnlyPdf()), /no text layer/);
  assert.match(e.hint!, /OCR/);
});

test(`[${ENGINE}] oversized file: refused before reading, names the --max-bytes flag`, async () => {
  const file = tmp.file('big.txt', 'Providers shall keep logs of their systems.\n\n'.repeat(200));
  const e = await rejects(file, /larger than the 1\.0 KB limit/, { maxBytes: 1024 });
  assert.match(e.hint!, /--max-bytes/);
});

test(`[${ENGINE}] zip bomb in a DOCX: rejected from the archive directory, before mammoth`, async () => {
  const bomb = await makeZipBomb(300);
  assert.ok(bomb.length < 3 * 1024 * 1024, 'the bomb itself is small');
  await rejects(tmp.file('bomb.docx', bomb), /zip bomb.*padding\.bin.*expands/);

  // The same bomb lying about its size in the central directory is stopped while inflating.
  const lying = Buffer.from(bomb);
  const name = Buffer.from('word/media/padding.bin');
  for (let i = lying.length - 46; i >= 0; i--) {
    if (lying.readUInt32LE(i) !== 0x02014b50) continue;
    const len = lying.readUInt16LE(i + 28);
    if (lying.subarray(i + 46, i + 46 + len).equals(name)) {
      lying.writeUInt32LE(1000, i + 24); // declared uncompressed size
      break;
    }
  }
  await rejects(tmp.file('lying-bomb.docx', lying), /padding\.bin/);
});

test(`[${ENGINE}] zip bomb limits: too many entries and a total over the limit`, async () => {
  const JSZip = (await import('jszip')).default;
  const zip = new JSZip();
  zip.file('word/document.xml', '<w:document/>');
  for (let i = 0; i < 30; i++) zip.file(`word/media/f${i}.txt`, 'x'.repeat(100));
  const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
  await rejects(tmp.file('many.docx', bytes), /more than 20 entries/, { zipLimits: { maxEntries: 20, maxTotalBytes: 200 * 1024 * 1024, maxRatio: 100 } });
  await rejects(tmp.file('total.docx', bytes), /expands to .* \(limit/, { zipLimits: { maxEntries: 5000, maxTotalBytes: 2000, maxRatio: 100 } });
});

test(`[${ENGINE}] wrong content or unknown extension`, async () => {
  await rejects(tmp.file('notes.xyz', 'Some text.'), /unknown extension "\.xyz"/).then((e) => assert.match(e.hint!, /--format/));
  await rejects(tmp.file('fake.pdf', '<html><body>Not found</body></html>'), /does not start with a PDF header/);
  await rejects(tmp.file('old.doc', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0])), /old binary Office file/).then((e) =>
    assert.match(e.hint!, /\.docx/),
  );
  await rejects(tmp.file('photo.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])), /image/);
  await rejects(tmp.file('archive.zip', await makeZipBomb(1)), /ZIP archive/);
  await rejects(tmp.file('binary.txt', Buffer.from(Array.from({ length: 400 }, (_, i) => (i * 7) % 32))), /binary/);
});

test(`[${ENGINE}] non-UTF-8 text: GBK, Big5 and Latin-1 are decoded; undetectable bytes are refused`, async () => {
  const { db } = await store.get();
  const gbkText = '人工智能安全治理框架\n\n第一条 人工智能系统的提供者应当建立风险管理制度，并对训练数据进行审查。\n\n第二条 服务提供者应当依法开展预训练、优化训练等训练数据处理活动，使用具有合法来源的数据。\n';
  const g = await ingestOne(db, tmp.file('gbk.txt', iconv.encode(gbkText, 'gbk')));
  assert.equal(g.language, 'zh');
  const gs = (await storedDocument(db, g.documentId)).statements;
  assert.ok(gs.some((s) => s.text === '人工智能系统的提供者应当建立风险管理制度，并对训练数据进行审查。'), 'the decoded obligation is a statement');
  const big5Text = '人工智慧基本法草案\n\n第一條 人工智慧系統的提供者應當建立風險管理制度，並對訓練資料進行審查與記錄。\n\n第二條 服務提供者應當依法開展預訓練與最佳化訓練等資料處理活動。\n';
  const b = await ingestOne(db, tmp.file('big5.txt', iconv.encode(big5Text, 'big5')));
  assert.ok((await storedDocument(db, b.documentId)).text.includes('人工智慧系統的提供者應當建立風險管理制度'), 'Big5 decoded');
  const fr = 'Charte éthique\n\nLes fournisseurs de systèmes d’IA à haut risque doivent être conformes aux exigences. Ça coûte très cher, déjà réglé pour les données à caractère personnel.\n';
  const f = await ingestOne(db, tmp.file('latin1.txt', iconv.encode(fr.replace('’', "'"), 'latin1')));
  assert.equal(f.language, 'fr');
  assert.ok((await storedDocument(db, f.documentId)).text.includes('Les fournisseurs de systèmes d\'IA à haut risque doivent être conformes'), 'Latin-1 decoded');

  const junk = Buffer.from(Array.from({ length: 300 }, (_, i) => 0x80 + ((i * 53) % 0x7f)));
  const e = await rejects(tmp.file('junk.txt', junk), /not valid UTF-8/);
  assert.match(e.hint!, /--encoding/);
});

test(`[${ENGINE}] empty documents: no bytes, only headings, only boilerplate`, async () => {
  await rejects(tmp.file('empty.md', ''), /is empty/);
  await rejects(tmp.file('headings.md', '# Title\n\n## Section\n\n### Subsection\n'), /no statements/);
  await rejects(tmp.file('shell.html', '<html><head><script>var a = "only a script";</script></head><body><nav><a href="/">Home</a></nav></body></html>'), /contains no text/);
});

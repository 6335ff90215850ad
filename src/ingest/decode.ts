// Bytes → text for the text formats (plain text, Markdown, HTML). UTF-8 (with or without BOM) and
// UTF-16 with a BOM are read directly; anything else is detected with chardet and decoded with
// iconv-lite when the detection is confident and the encoding is one we know, else refused.
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { IngestError } from './types.ts';

/** Encodings we accept from detection (chardet names → iconv-lite names). */
const DETECTABLE: Record<string, string> = {
  'ISO-8859-1': 'windows-1252',
  'windows-1252': 'windows-1252',
  'ISO-8859-2': 'iso-8859-2',
  'windows-1250': 'windows-1250',
  'ISO-8859-15': 'iso-8859-15',
  GB18030: 'gb18030',
  GBK: 'gbk',
  GB2312: 'gbk',
  Big5: 'big5',
  Shift_JIS: 'shift_jis',
  'EUC-JP': 'euc-jp',
  'EUC-KR': 'euc-kr',
  'windows-1251': 'windows-1251',
  'KOI8-R': 'koi8-r',
};

const MIN_CONFIDENCE = 50;

export interface Decoded {
  text: string;
  encoding: string;
}

/** Decode with a declared charset (HTTP header or HTML meta); undefined when iconv does not know it. */
export function decodeDeclared(buf: Uint8Array, charset: string): Decoded | undefined {
  const cs = charset.trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (cs === 'utf-8' || cs === 'utf8') {
    const t = tryUtf8(buf);
    return t === undefined ? undefined : { text: t, encoding: 'utf-8' };
  }
  if (!iconv.encodingExists(cs)) return undefined;
  // Browsers read latin1 declarations as windows-1252; so do we.
  const name = cs === 'iso-8859-1' || cs === 'latin1' || cs === 'us-ascii' ? 'windows-1252' : cs;
  return { text: stripBom(iconv.decode(Buffer.from(buf), name)), encoding: name };
}

function tryUtf8(buf: Uint8Array): string | undefined {
  try {
    return stripBom(new TextDecoder('utf-8', { fatal: true }).decode(buf));
  } catch (e) {
    if (e instanceof TypeError) return undefined; // not valid UTF-8
    throw e;
  }
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/**
 * Decode text bytes. `forced` (the --encoding flag) skips detection. Throws an IngestError naming
 * `source` when the bytes are neither UTF-8 nor a confidently detected known encoding.
 */
export function decodeText(buf: Uint8Array, source: string, forced?: string): Decoded {
  if (forced) {
    const d = decodeDeclared(buf, forced);
    if (!d) throw new IngestError(source, `could not be decoded as "${forced}".`, 'Check the --encoding name (e.g. utf-8, gbk, big5, shift_jis, windows-1252).');
    return d;
  }
  if (buf[0] === 0xff && buf[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(buf.subarray(2)), encoding: 'utf-16le' };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(buf.subarray(2)), encoding: 'utf-16be' };
  const utf8 = tryUtf8(buf);
  if (utf8 !== undefined) {
    if (looksBinary(utf8)) throw binary(source);
    return { text: utf8, encoding: 'utf-8' };
  }
  if (buf.includes(0)) throw binary(source);
  const guesses = chardet.analyse(Buffer.from(buf));
  const top = guesses[0];
  const second = guesses[1];
  const name = top ? DETECTABLE[top.name] : undefined;
  if (!top || !name || top.confidence < MIN_CONFIDENCE || (second && top.confidence - second.confidence < 10)) {
    const what = top ? `(best guess ${top.name}, confidence ${top.confidence}%)` : '';
    throw new IngestError(
      source,
      `is not valid UTF-8 and its encoding could not be detected with confidence ${what}.`.replace(' .', '.'),
      'Convert it to UTF-8 first (e.g. `iconv -f GBK -t UTF-8 in.txt > out.txt`) or name the encoding with --encoding.',
    );
  }
  const text = stripBom(iconv.decode(Buffer.from(buf), name));
  if (looksBinary(text)) throw binary(source);
  return { text, encoding: name };
}

function looksBinary(s: string): boolean {
  const sample = s.slice(0, 20_000);
  if (!sample.length) return false;
  let bad = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) bad++;
  }
  return bad / sample.length > 0.02;
}

function binary(source: string): IngestError {
  return new IngestError(source, 'looks like binary data, not text.', 'Check that the file is what its extension says, or give --format.');
}

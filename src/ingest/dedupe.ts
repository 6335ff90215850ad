// Fingerprints and MinHash signatures. A document's fingerprint is the SHA-256 of its extracted text
// with all whitespace removed (NFKC, lower case), so copies that differ only in spacing or line
// breaks match exactly. MinHash over word 3-shingles (CJK characters count as words) estimates the
// Jaccard similarity of two texts; LSH bands make near-duplicate candidates cheap to find.
import { createHash } from 'node:crypto';
import { squash } from './segment.ts';

export const NUM_HASHES = 128;
export const BANDS = 16;
const ROWS = NUM_HASHES / BANDS;
export const NEAR_DUPLICATE_THRESHOLD = 0.9;
/** Statements with fewer tokens than this are not compared (too short to mean much). */
export const MIN_TOKENS = 5;

export function fingerprint(text: string): string {
  return createHash('sha256').update(squash(text)).digest('hex');
}

export function tokens(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\u3400-\u9fff\u3040-\u30ff\uac00-\ud7af]|[\p{L}\p{N}]+/gu) ?? [];
}

/** Word 3-shingles (or the tokens themselves for very short texts), hashed to 32 bits. */
export function shingles(text: string, k = 3): Set<number> {
  return shinglesOf(tokens(text), k);
}

/** The shingles of a token list: each the FNV-1a hash of k tokens joined by spaces (hashed in place, not joined). */
function shinglesOf(t: readonly string[], k: number): Set<number> {
  const out = new Set<number>();
  if (t.length < k) {
    for (const w of t) out.add(fnv(w) >>> 0);
    return out;
  }
  for (let i = 0; i + k <= t.length; i++) {
    let h = fnv(t[i]!);
    for (let j = 1; j < k; j++) h = fnv(t[i + j]!, Math.imul(h ^ 32, 0x01000193));
    out.add(h >>> 0);
  }
  return out;
}

/** FNV-1a over a string's UTF-16 units, from `h` (the offset basis, or the hash so far). Not yet made unsigned. */
function fnv(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

// One 32-bit mixing function per hash, seeded differently (a murmur3-style finaliser).
const SEEDS = Array.from({ length: NUM_HASHES }, (_, i) => (Math.imul(i + 1, 0x9e3779b1) ^ 0x5bd1e995) >>> 0);
function mix(x: number, seed: number): number {
  let h = (x ^ seed) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function minhash(sh: Set<number>): number[] {
  const sig = new Array<number>(NUM_HASHES).fill(0xffffffff);
  for (const x of sh)
    for (let i = 0; i < NUM_HASHES; i++) {
      const v = mix(x, SEEDS[i]!);
      if (v < sig[i]!) sig[i] = v;
    }
  return sig;
}

export function similarity(a: number[], b: number[]): number {
  let same = 0;
  for (let i = 0; i < NUM_HASHES; i++) if (a[i] === b[i]) same++;
  return same / NUM_HASHES;
}

/** The 32-bit hash of band `b` of a signature. */
function bandHash(sig: readonly number[], b: number): number {
  let h = 0x811c9dc5 ^ b;
  for (let r = 0; r < ROWS; r++) h = Math.imul(h ^ sig[b * ROWS + r]!, 0x01000193);
  return h >>> 0;
}

/** LSH band keys: statements sharing any band key are candidates. */
export function bandKeys(sig: number[]): string[] {
  const out: string[] = [];
  for (let b = 0; b < BANDS; b++) out.push(`${b}:${bandHash(sig, b).toString(36)}`);
  return out;
}

/**
 * The same band keys as numbers (band × 2^32 + the band's hash: exact in a double and in a bigint
 * column), as the store keeps them: two signatures share a band value exactly when they share a
 * band key.
 */
export function bandValues(sig: readonly number[]): number[] {
  const out = new Array<number>(BANDS);
  for (let b = 0; b < BANDS; b++) out[b] = b * 0x100000000 + bandHash(sig, b);
  return out;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A signature as stored: 8 hex digits per hash, in order. */
export function signatureHex(sig: readonly number[]): string {
  let out = '';
  for (const v of sig) out += HEX_BYTE[(v >>> 24) & 255]! + HEX_BYTE[(v >>> 16) & 255]! + HEX_BYTE[(v >>> 8) & 255]! + HEX_BYTE[v & 255]!;
  return out;
}

/** A stored signature back to its numbers (undefined when the text is not one). */
export function parseSignatureHex(hex: string): number[] | undefined {
  if (hex.length !== NUM_HASHES * 8 || !/^[0-9a-f]*$/.test(hex)) return undefined;
  const out = new Array<number>(NUM_HASHES);
  for (let i = 0; i < NUM_HASHES; i++) out[i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  return out;
}

export function signatureOf(text: string): number[] | undefined {
  const t = tokens(text);
  if (t.length < MIN_TOKENS) return undefined;
  return minhash(shinglesOf(t, 3));
}

// SHA-256 as hex, by the one-shot crypto.hash where Node has it (20.12+; no Hash object per call,
// which a bulk write of 50,000 statements makes 100,000 of), else by a Hash object: the same digest.
import * as crypto from 'node:crypto';

export const sha256Hex: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (text) => (crypto as unknown as { hash(alg: string, data: string, enc: 'hex'): string }).hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

// A small container for model files: a magic line, a JSON header, then typed-array sections,
// each aligned to 8 bytes so that it can be viewed in place (no parsing of numbers on load).
//
//   bytes 0–7   "GOVNAVM\x02"
//   bytes 8–11  header length (uint32, little-endian)
//   header      UTF-8 JSON: { meta, sections: { name: [type, byteOffset, length] } }
//   sections    raw little-endian arrays, each starting at a multiple of 8 from the file start
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export const MAGIC = Buffer.from('GOVNAVM\x02', 'latin1');

type Typed = Float64Array | Float32Array | Int32Array | Uint16Array | Uint8Array;
const TYPES = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u16: Uint16Array, u8: Uint8Array } as const;
type TypeName = keyof typeof TYPES;

function typeOf(a: Typed): TypeName {
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint16Array) return 'u16';
  return 'u8';
}

export class SectionWriter {
  private readonly parts: { name: string; data: Typed }[] = [];
  private n = 0;
  /** Add an array; returns the section name to put in the header. */
  add(data: Typed, hint = 's'): string {
    const name = `${hint}${this.n++}`;
    this.parts.push({ name, data });
    return name;
  }
  addText(lines: string[], hint = 't'): string {
    return this.add(new Uint8Array(Buffer.from(lines.join('\n'), 'utf8')), hint);
  }

  /** The whole file. Section offsets in the header count from the start of the data area. */
  build(meta: unknown): Buffer {
    const pad = (x: number) => (x + 7) & ~7;
    const sections: Record<string, [TypeName, number, number]> = {};
    let off = 0;
    for (const p of this.parts) {
      off = pad(off);
      sections[p.name] = [typeOf(p.data), off, p.data.length];
      off += p.data.byteLength;
    }
    const head = Buffer.from(JSON.stringify({ meta, sections }), 'utf8');
    const dataStart = pad(12 + head.length);
    const buf = Buffer.alloc(dataStart + off);
    MAGIC.copy(buf, 0);
    buf.writeUInt32LE(head.length, 8);
    head.copy(buf, 12);
    for (const p of this.parts) Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength).copy(buf, dataStart + sections[p.name]![1]);
    return buf;
  }
}

export interface SectionReader {
  meta: unknown;
  get<T extends Typed>(name: string, type: TypeName): T;
  text(name: string): string[];
}

export function readContainer(buf: Buffer, source: string): SectionReader {
  if (buf.length < 12 || !buf.subarray(0, 8).equals(MAGIC)) throw new Error(`${source}: not a govnav model file (or from another govnav version); retrain it with \`govnav models train\``);
  const len = buf.readUInt32LE(8);
  let parsed: { meta: unknown; sections: Record<string, [TypeName, number, number]> };
  try {
    parsed = JSON.parse(buf.subarray(12, 12 + len).toString('utf8'));
  } catch (e) {
    throw new Error(`${source}: damaged model header (${(e as Error).message}); retrain it with \`govnav models train --force\``);
  }
  // Typed-array views need aligned offsets: copy the data area into its own buffer.
  const dataStart = (12 + len + 7) & ~7;
  const body = new Uint8Array(buf.length - dataStart);
  body.set(buf.subarray(dataStart));
  return {
    meta: parsed.meta,
    get<T extends Typed>(name: string, type: TypeName): T {
      const s = parsed.sections[name];
      if (!s || s[0] !== type) throw new Error(`${source}: section ${name} missing or of the wrong type; retrain the model`);
      const C = TYPES[type];
      const [, off, n] = s;
      if (off + n * C.BYTES_PER_ELEMENT > body.length) throw new Error(`${source}: truncated model file; retrain the model`);
      return new C(body.buffer, off, n) as T;
    },
    text(name: string): string[] {
      const u8 = this.get<Uint8Array>(name, 'u8');
      if (u8.length === 0) return [];
      return Buffer.from(u8.buffer, u8.byteOffset, u8.length).toString('utf8').split('\n');
    },
  };
}

export function writeFileAtomic(file: string, data: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

export function readFile(file: string): Buffer {
  return readFileSync(file);
}

// Reading a YAML or JSON file with errors that name the file and line.
import { basename } from 'node:path';
import { encodingMessage, readUtf8 } from './tabular.ts';
import { ImportError } from './types.ts';

export async function readYaml(path: string): Promise<unknown> {
  const YAML = (await import('yaml')).default;
  const { text, invalid } = readUtf8(path);
  if (invalid) throw new ImportError(`${basename(path)}: ${encodingMessage()}`);
  try {
    return YAML.parse(text, { maxAliasCount: 1000 });
  } catch (e) {
    const err = e as Error & { linePos?: { line: number; col: number }[] };
    const pos = err.linePos?.[0];
    throw new ImportError(`${basename(path)}${pos ? `, line ${pos.line}` : ''}: not valid YAML: ${err.message.split('\n')[0]}`);
  }
}

export function readJson(path: string): unknown {
  const { text, invalid } = readUtf8(path);
  if (invalid) throw new ImportError(`${basename(path)}: ${encodingMessage()}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ImportError(`${basename(path)}: not valid JSON: ${(e as Error).message}`);
  }
}

export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function str(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return '';
}

export function strList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(str).filter(Boolean);
  const s = str(v);
  return s ? [s] : [];
}

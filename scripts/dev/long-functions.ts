// Lists functions longer than a limit (default 80 lines) in src/:
//   node --import tsx scripts/dev/long-functions.ts [limit]
// test/util/function-length.test.ts uses longFunctions(). Parses TypeScript with @babel/parser
// (TypeScript 7 ships no JavaScript API to parse with).
import { parse } from '@babel/parser';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export interface LongFunction {
  file: string;
  name: string;
  line: number;
  lines: number;
}

interface Node {
  type: string;
  loc?: { start: { line: number }; end: { line: number } };
  id?: { name?: string } | null;
  key?: { name?: string } | null;
  [k: string]: unknown;
}

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod']);

export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every function (declaration, expression, arrow, method; nested ones too) over `limit` lines. */
export function longFunctionsIn(file: string, source: string, limit: number): LongFunction[] {
  const ast = parse(source, { sourceType: 'module', plugins: ['typescript'] });
  const found: LongFunction[] = [];
  const walk = (n: Node, owner: string): void => {
    let name = owner;
    if (FUNCTION_TYPES.has(n.type) && n.loc) {
      const lines = n.loc.end.line - n.loc.start.line + 1;
      name = n.id?.name ?? n.key?.name ?? (owner || 'anonymous');
      if (lines > limit) found.push({ file, name, line: n.loc.start.line, lines });
    }
    const childOwner = n.type === 'VariableDeclarator' ? (n.id?.name ?? name) : n.type === 'ObjectProperty' ? (n.key?.name ?? name) : name;
    for (const [k, v] of Object.entries(n)) {
      if (k === 'loc' || k.endsWith('Comments')) continue;
      if (Array.isArray(v)) for (const c of v) { if (c && typeof c === 'object' && typeof (c as Node).type === 'string') walk(c as Node, childOwner); }
      else if (v && typeof v === 'object' && typeof (v as Node).type === 'string') walk(v as Node, childOwner);
    }
  };
  walk(ast.program as unknown as Node, '');
  return found;
}

export function longFunctions(root: string, limit = 80): LongFunction[] {
  const out: LongFunction[] = [];
  for (const f of sourceFiles(join(root, 'src'))) out.push(...longFunctionsIn(relative(root, f), readFileSync(f, 'utf8'), limit));
  return out.sort((a, b) => b.lines - a.lines);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const limit = Number(process.argv[2] ?? 80);
  const found = longFunctions(process.cwd(), limit);
  for (const f of found) console.log(`${String(f.lines).padStart(4)}  ${f.file}:${f.line}  ${f.name}`);
  console.log(`${found.length} function(s) over ${limit} lines`);
}

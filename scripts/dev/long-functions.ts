// Lists functions longer than a limit (default 80 lines) in src/: `node --import tsx scripts/dev/long-functions.ts [limit]`.
// Used by test/util/function-length.test.ts; parses TypeScript with @babel/parser (TypeScript 7 has no JS API).
import { parse } from '@babel/parser';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
const files = execSync('git ls-files "src/**/*.ts"', { encoding: 'utf8' }).trim().split('\n');
const out: [number, string, string][] = [];
const isFn = (t: string) => /Function|ArrowFunction|ObjectMethod|ClassMethod/.test(t) && t !== 'TSDeclareFunction' && !t.startsWith('TS');
for (const f of files) {
  const ast = parse(readFileSync(f, 'utf8'), { sourceType: 'module', plugins: ['typescript'] });
  const walk = (n: any, parentName: string) => {
    if (!n || typeof n.type !== 'string') return;
    let name = parentName;
    if (isFn(n.type) && n.loc) {
      const len = n.loc.end.line - n.loc.start.line + 1;
      name = n.id?.name ?? n.key?.name ?? parentName ?? `anon@${n.loc.start.line}`;
      if (len > 80) out.push([len, f, `${name}@${n.loc.start.line}`]);
    }
    for (const k of Object.keys(n)) {
      if (k === 'loc' || k === 'leadingComments' || k === 'trailingComments') continue;
      const v = n[k];
      const pn = n.type === 'VariableDeclarator' ? n.id?.name : n.type === 'ObjectProperty' ? n.key?.name : undefined;
      if (Array.isArray(v)) v.forEach((c) => walk(c, pn ?? ''));
      else if (v && typeof v === 'object') walk(v, pn ?? '');
    }
  };
  walk(ast.program, '');
}
out.sort((x, y) => y[0] - x[0]);
for (const o of out) console.log(o.join(' '));
console.error('total', out.length);

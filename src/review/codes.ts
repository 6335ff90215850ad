// What a reviewer typed as a code: resolved against the taxonomy, or an error with close candidates.
import type { Taxonomy } from '../taxonomy/index.ts';
import { ReviewError } from './errors.ts';

/**
 * Resolve what a reviewer typed as a code of this taxonomy: the code itself, or a name or alias the
 * taxonomy knows. Unknown or non-assignable codes are an error that lists a few valid codes.
 */
export function resolveCode(t: Taxonomy, typed: string): string {
  const raw = typed.trim();
  const code = t.has(raw) ? raw : t.resolve(raw);
  const assignable = t.assignableCodes();
  if (!code) {
    throw new ReviewError(
      `"${raw}" is not a code of taxonomy "${t.id}". Valid codes include: ${suggestCodes(t, raw)}` +
        ` (${assignable.length} in all; \`govnav taxonomy show ${t.id}\` lists them).`,
    );
  }
  if (!assignable.includes(code)) {
    const kids = t.node(code).children.map((c) => `${c} ${t.name(c)}`);
    throw new ReviewError(
      `"${code}" is a category of taxonomy "${t.id}" that is labelled through its sub-codes: ${kids.slice(0, 8).join(', ')}` +
        `${kids.length > 8 ? ', …' : ''}.`,
    );
  }
  return code;
}

/** A few codes close to what was typed: same prefix, then a name containing it, else the first ones. */
export function suggestCodes(t: Taxonomy, typed: string, max = 6): string {
  const assignable = t.assignableCodes();
  const lower = typed.toLowerCase();
  let picks: string[] = [];
  for (let cut = typed.length; cut > 0 && !picks.length; cut--) {
    const prefix = typed.slice(0, cut);
    picks = assignable.filter((c) => c.startsWith(prefix));
  }
  if (!picks.length && lower.length >= 3) picks = assignable.filter((c) => t.name(c).toLowerCase().includes(lower));
  if (!picks.length) picks = assignable;
  const shown = picks.slice(0, max).map((c) => `${c} ${t.name(c)}`);
  return shown.join(', ') + (picks.length > max ? ', …' : '');
}

/** One option of the code type-ahead: "code — English name / 中文名" (what the datalist offers). */
export function typeaheadLabel(t: Taxonomy, code: string): string {
  const n = t.node(code);
  return `${code} — ${n.name.en}${n.name.zh ? ` / ${n.name.zh}` : ''}`;
}

/**
 * Resolve what came from the type-ahead box: an option as offered ("code — name / 名称"), a code,
 * an English or Chinese name (exact, any case), or an alias the taxonomy knows.
 */
export function resolveTyped(t: Taxonomy, typed: string): string {
  const raw = typed.trim();
  const head = raw.split(' — ')[0]!.trim();
  if (t.has(head)) return resolveCode(t, head);
  const lower = raw.toLowerCase();
  for (const code of t.assignableCodes()) {
    const n = t.node(code);
    if (n.name.en.toLowerCase() === lower || (n.name.zh && n.name.zh === raw)) return code;
  }
  return resolveCode(t, raw);
}

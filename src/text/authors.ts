// Author lists as sources give them: "Shi, Dan; Shen, Tianhao", "Ghosh, S., Frase, H., …",
// "Yoshua Bengio, Sören Mindermann, …", "Vidgen B, Agrawal A, …". Pages that list documents show a
// long list as "First Author et al."; the document page shows the full list.

const INITIALS = /^(?:\p{Lu}\.?[\s-]*){1,4}$/u;

/** The authors as separate names (best effort over the common formats). */
export function splitAuthors(authors: string | null | undefined): string[] {
  const s = (authors ?? '').replace(/\s+/g, ' ').trim();
  if (!s) return [];
  if (s.includes(';')) return s.split(';').map((x) => x.trim()).filter(Boolean);
  const parts = s
    .split(/,\s*|\s+(?:and|&)\s+/)
    .map((x) => x.trim())
    .filter(Boolean);
  // "Last, F., Last, F." — every second part is initials: pair them up again.
  if (parts.length >= 2 && parts.length % 2 === 0 && parts.every((p, i) => (i % 2 === 1) === INITIALS.test(p)))
    return parts.flatMap((p, i) => (i % 2 === 0 ? [`${p}, ${parts[i + 1]}`] : []));
  return parts;
}

/** "First Author et al." when there are more than `max` authors; the list as given otherwise. */
export function shortAuthors(authors: string | null | undefined, max = 3): string {
  const s = (authors ?? '').replace(/\s+/g, ' ').trim();
  const names = splitAuthors(s);
  if (names.length <= max) return s;
  const first = names[0]!.replace(/\s+et al\.?$/i, '');
  return `${first} et al.`;
}

// Lookups into one feature block's vocabulary that build no string per term. A two-word term
// "a b" is found from the first word's entry by the number of the second instead of by the string
// made of them, and a marked term ("#字符", "^establish") by its bare text, so classifying a text hashes
// only the words it already has. Built once from the vocabulary: the same terms, the same indices.

/** Per word of the vocabulary: its own index (−1 if it is only part of pairs) and its number as a part of a pair (−1 if none). */
export interface Slot {
  uni: number;
  part: number;
  /** Whether the word is the first word of some pair. */
  first?: boolean;
}

export class TermLookup {
  private readonly words = new Map<string, Slot>();
  /** Marked terms by their mark ('#', '^') and bare text. */
  private readonly marked = new Map<string, Map<string, number>>();

  constructor(vocab: Map<string, number>, marks: string[] = []) {
    const pairTerms: [string, string, number][] = [];
    let parts = 0;
    const slot = (w: string): Slot => {
      let s = this.words.get(w);
      if (!s) this.words.set(w, (s = { uni: -1, part: -1 }));
      return s;
    };
    for (const [term, j] of vocab) {
      const mark = term[0]!;
      if (marks.includes(mark)) {
        let m = this.marked.get(mark);
        if (!m) this.marked.set(mark, (m = new Map()));
        m.set(term.slice(1), j);
        continue;
      }
      const sp = term.indexOf(' ');
      if (sp < 0) {
        slot(term).uni = j;
        continue;
      }
      const a = term.slice(0, sp);
      const b = term.slice(sp + 1);
      // words never hold a space: a term with two is not a pair of words and no text can produce it
      if (b.includes(' ')) continue;
      for (const w of [a, b]) {
        const s = slot(w);
        if (s.part < 0) s.part = parts++;
      }
      pairTerms.push([a, b, j]);
    }
    this.pairs = new PairTable(pairTerms.length);
    for (const [a, b, j] of pairTerms) {
      const first = this.words.get(a)!;
      first.first = true;
      this.pairs.set(first.part, this.words.get(b)!.part, j);
    }
  }
  /** The two-word terms by the part numbers of their words. */
  private readonly pairs: PairTable;

  /** The slot of one word (undefined: a word the vocabulary does not know). */
  slot(word: string): Slot | undefined {
    return this.words.get(word);
  }

  /** The slots of a text's words (undefined: a word the vocabulary does not know). */
  slots(words: string[]): (Slot | undefined)[] {
    const out = new Array<Slot | undefined>(words.length);
    for (let i = 0; i < words.length; i++) out[i] = this.words.get(words[i]!);
    return out;
  }

  /** Index of the pair of two words' slots, or −1. */
  pair(a: Slot | undefined, b: Slot | undefined): number {
    if (!a?.first || !b || b.part < 0) return -1;
    return this.pairs.get(a.part, b.part);
  }

  /** Index of a marked term ("#" + bare, "^" + bare), or −1. */
  marked1(mark: string, bare: string): number {
    return this.marked.get(mark)?.get(bare) ?? -1;
  }
}

/**
 * A hash table from two part numbers to a term index, open addressing in typed arrays (a look-up
 * per pair of adjacent words is the most frequent step of building a text's features).
 */
class PairTable {
  private readonly mask: number;
  /** Per slot h: the pair's two part numbers and its index at 4h, 4h + 1, 4h + 2 (−1 at 4h: empty). */
  private readonly t: Int32Array;
  constructor(n: number) {
    let cap = 16;
    while (cap < n * 2) cap *= 2;
    this.mask = cap - 1;
    this.t = new Int32Array(4 * cap).fill(-1);
  }
  private slot(a: number, b: number): number {
    return ((Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x3c6ef372, 0x85ebca6b)) >>> 7) & this.mask;
  }
  set(a: number, b: number, j: number): void {
    const { t, mask } = this;
    let h = this.slot(a, b);
    while (t[4 * h] !== -1 && !(t[4 * h] === a && t[4 * h + 1] === b)) h = (h + 1) & mask;
    t[4 * h] = a;
    t[4 * h + 1] = b;
    t[4 * h + 2] = j;
  }
  /** The index of the pair (a, b), or −1. */
  get(a: number, b: number): number {
    const { t, mask } = this;
    for (let h = this.slot(a, b); ; h = (h + 1) & mask) {
      const x = t[4 * h]!;
      if (x === -1) return -1;
      if (x === a && t[4 * h + 1] === b) return t[4 * h + 2]!;
    }
  }
}

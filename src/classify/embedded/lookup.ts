// Lookups into one feature block's vocabulary that build no string per term. A two-word term
// "a b" is found from the first word's entry by the number of the second instead of by the string
// made of them, and a marked term ("#字符", "^establish") by its bare text, so classifying a text hashes
// only the words it already has. Built once from the vocabulary: the same terms, the same indices.

/** Per word of the vocabulary: its own index (−1 if it is only part of pairs) and its number as a part of a pair (−1 if none). */
export interface Slot {
  uni: number;
  part: number;
  /** As the first word of a pair: the second word's part number → the pair's index. */
  next?: Map<number, number>;
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
    for (const [a, b, j] of pairTerms) {
      const first = this.words.get(a)!;
      (first.next ??= new Map()).set(this.words.get(b)!.part, j);
    }
  }

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
    if (!a?.next || !b || b.part < 0) return -1;
    return a.next.get(b.part) ?? -1;
  }

  /** Index of a marked term ("#" + bare, "^" + bare), or −1. */
  marked1(mark: string, bare: string): number {
    return this.marked.get(mark)?.get(bare) ?? -1;
  }
}

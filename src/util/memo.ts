// A per-process memo for pure functions of a string that are asked about the same inputs many times
// (stems, word counts, rule reasons). The table is emptied when it reaches `cap` entries, so its
// memory stays bounded however many distinct inputs a long run sees.

/** `fn` with its results kept per input, at most `cap` of them at once. */
export function boundedMemo<V>(fn: (input: string) => V, cap: number): (input: string) => V {
  const table = new Map<string, V>();
  return (input: string): V => {
    let v = table.get(input);
    if (v === undefined) {
      v = fn(input);
      if (table.size >= cap) table.clear();
      table.set(input, v);
    }
    return v;
  };
}

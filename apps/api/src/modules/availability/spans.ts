/** A half-open period [start, end) of epoch milliseconds. Lists of spans are kept sorted and disjoint. */
export type Span = readonly [start: number, end: number];

/** Sorted, without empty spans, overlapping or touching spans merged (07–12 and 12–20 are one 07–20). */
export function normalize(spans: readonly Span[]): Span[] {
  const sorted = spans.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Where both lists cover (both normalized). */
export function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i]![0], b[j]![0]);
    const end = Math.min(a[i]![1], b[j]![1]);
    if (end > start) out.push([start, end]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

/** What `a` covers and `b` does not (both normalized). */
export function subtract(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  let j = 0;
  for (const [start, end] of a) {
    let cursor = start;
    while (j < b.length && b[j]![1] <= cursor) j++;
    for (let k = j; k < b.length && b[k]![0] < end; k++) {
      if (b[k]![0] > cursor) out.push([cursor, b[k]![0]]);
      cursor = Math.max(cursor, b[k]![1]);
    }
    if (cursor < end) out.push([cursor, end]);
  }
  return out;
}

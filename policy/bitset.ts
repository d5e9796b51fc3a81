/**
 * Fixed-width bitsets over pod indices, packed in Uint32Array rows, so that a rule's peer set, a
 * pod's allowed sources and a whole verdict row are a few dozen words for a thousand pods.
 */

export function wordsFor(bits: number): number {
  return (bits + 31) >>> 5;
}

export function setBit(set: Uint32Array, offset: number, i: number): void {
  set[offset + (i >>> 5)]! |= 1 << (i & 31);
}

export function hasBit(set: Uint32Array, offset: number, i: number): boolean {
  return ((set[offset + (i >>> 5)]! >>> (i & 31)) & 1) === 1;
}

/** target[tOff..] |= source (a whole row). */
export function orRow(target: Uint32Array, tOff: number, source: Uint32Array, words: number): void {
  for (let w = 0; w < words; w++) target[tOff + w]! |= source[w]!;
}

/** target[tOff..] |= a & b (a rule's peers restricted to the destinations whose port matches). */
export function orMaskedRow(target: Uint32Array, tOff: number, a: Uint32Array, b: Uint32Array, words: number): void {
  for (let w = 0; w < words; w++) target[tOff + w]! |= a[w]! & b[w]!;
}

export function fullSet(bits: number): Uint32Array {
  const set = new Uint32Array(wordsFor(bits));
  for (let i = 0; i < bits; i++) setBit(set, 0, i);
  return set;
}

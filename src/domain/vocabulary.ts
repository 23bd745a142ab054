/**
 * A vocabulary: each code with its 中文 label, side by side in one object. Data, not code: the API
 * validates with the codes, the views and reports print the labels.
 */
export type Vocabulary = Readonly<Record<string, string>>;

/** The codes of a vocabulary, in the order written (a tuple, as z.enum takes it). */
export function codesOf<V extends Vocabulary>(vocabulary: V): readonly [keyof V & string, ...(keyof V & string)[]] {
  return Object.keys(vocabulary) as [keyof V & string, ...(keyof V & string)[]];
}

/** The label of a code; a code the vocabulary does not hold (recorded before it changed) shows as itself. */
export function labelOf(vocabulary: Vocabulary, code: unknown): string {
  const text = code === undefined || code === null ? '' : String(code);
  return Object.hasOwn(vocabulary, text) ? vocabulary[text]! : text;
}

import statutoryDomains from './data/statutory-domains.json';
import { labelOf, type Vocabulary } from './vocabulary';

/** The statutory domains (法定领域) of public-interest litigation; data, since the list grows with new laws ([R]110). */
export const STATUTORY_DOMAINS: readonly { code: string; label: string }[] = statutoryDomains;
export const STATUTORY_DOMAIN_CODES = new Set(STATUTORY_DOMAINS.map((d) => d.code));
/** The same list as a vocabulary, code → label. */
export const STATUTORY_DOMAIN_LABELS: Vocabulary = Object.fromEntries(STATUTORY_DOMAINS.map((d) => [d.code, d.label]));

/** A code no longer on the list (recorded before it changed) shows as itself. */
export function domainLabel(code: string): string {
  return labelOf(STATUTORY_DOMAIN_LABELS, code);
}

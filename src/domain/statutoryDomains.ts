import statutoryDomains from './data/statutory-domains.json';

/** The statutory domains (法定领域) of public-interest litigation; data, since the list grows with new laws ([R]110). */
export const STATUTORY_DOMAINS: readonly { code: string; label: string }[] = statutoryDomains;
export const STATUTORY_DOMAIN_CODES = new Set(STATUTORY_DOMAINS.map((d) => d.code));

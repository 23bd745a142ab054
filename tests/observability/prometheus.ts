/** Reading Prometheus text exposition in tests: one sample by name and labels. */

export type Samples = Map<string, number>;

/** `name{a="x",b="y"}` with labels sorted, as the key of each sample. */
function key(name: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return sorted.length ? `${name}{${sorted.join(',')}}` : name;
}

export function parseSamples(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    samples.set(key(match[1]!, labels), Number(match[3]));
  }
  return samples;
}

/** The sample's value; 0 when the series is absent (a gauge not set yet). */
export function sample(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  return samples.get(key(name, labels)) ?? 0;
}

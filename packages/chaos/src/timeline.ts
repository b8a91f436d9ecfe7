/** What the chaos run did and saw, in order, in seconds since the run's start. */
export interface TimelineEntry {
  t: number;
  what: string;
}

export class Timeline {
  readonly entries: TimelineEntry[] = [];
  readonly startedAt = Date.now();
  #echo: (line: string) => void;

  constructor(echo: (line: string) => void = () => undefined) {
    this.#echo = echo;
  }

  /** Seconds since the start, to a tenth. */
  now(at = Date.now()): number {
    return Math.round((at - this.startedAt) / 100) / 10;
  }

  note(what: string): void {
    const entry = { t: this.now(), what };
    this.entries.push(entry);
    this.#echo(`${entry.t.toFixed(1).padStart(6)} s  ${what}`);
  }
}

/** A small seeded generator (mulberry32), so a run's choices can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

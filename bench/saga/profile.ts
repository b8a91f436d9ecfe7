import type { BenchOptions } from './options.ts';
export async function profileRun(_: { root: string; opts: BenchOptions; log: (l: string) => void }): Promise<void> {
  throw new Error('not yet');
}

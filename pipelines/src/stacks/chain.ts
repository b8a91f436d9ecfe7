import { CLOUD_STACKS } from '@msa/catalog';

/**
 * The promotion chain: the cloud stacks in the catalog's order, which says which stack follows which.
 * Every service moves through it on its own; the workflows' stage jobs are checked against it.
 */
export const PROMOTION_CHAIN = CLOUD_STACKS;

export type Chain = readonly string[];

/** The stack that follows `stack`, or undefined for the last one. */
export function nextStage(chain: Chain, stack: string): string | undefined {
  const i = chain.indexOf(stack);
  return i >= 0 ? chain[i + 1] : undefined;
}

/** Why promoting from `from` to `to` is not allowed, or undefined when it is. */
export function promotionRefusal(chain: Chain, from: string, to: string): string | undefined {
  const order = chain.join(' → ');
  const i = chain.indexOf(from);
  const j = chain.indexOf(to);
  if (i < 0) return `"${from}" is not a stage of the promotion chain (${order})`;
  if (j < 0) return `"${to}" is not a stage of the promotion chain (${order})`;
  if (j <= i) return `${to} does not follow ${from}: promotion only moves forward along ${order}`;
  if (j > i + 1) {
    const skipped = chain.slice(i + 1, j).join(', ');
    return `promoting from ${from} to ${to} would skip ${skipped}; the chain is ${order}`;
  }
  return undefined;
}

/** Preview and debug copies are clones and never part of the chain. */
export const PREVIEW_STACK = /^(pr-\d+|preview-[a-z0-9][a-z0-9-]*|rehearsal-[a-z0-9-]+)$/;

/** A final outcome of one saga, as the order service announced it. */
export interface Final {
  outcome: 'CONFIRMED' | 'REJECTED' | 'CANCELLED';
  /** When the order service reached it (the event's occurredAt, ms since the epoch). */
  at: number;
}

export interface Completion {
  id: string;
  outcome: Final['outcome'];
  latencyMs: number;
  at: number;
}

/**
 * Correlates each accepted order (id and when its POST was sent) with its final outcome, which may
 * be seen before the POST's answer arrives. Completions are grouped by the step that placed them.
 */
export class SagaTracker {
  #open = new Map<string, { sentAt: number; step: number }>();
  #early = new Map<string, Final>();
  readonly completions = new Map<number, Completion[]>();

  accepted(id: string, sentAt: number, step: number): void {
    const early = this.#early.get(id);
    if (early) {
      this.#early.delete(id);
      this.#complete(id, sentAt, step, early);
    } else this.#open.set(id, { sentAt, step });
  }

  final(id: string, final: Final): void {
    const open = this.#open.get(id);
    if (!open) {
      this.#early.set(id, final);
      return;
    }
    this.#open.delete(id);
    this.#complete(id, open.sentAt, open.step, final);
  }

  #complete(id: string, sentAt: number, step: number, final: Final): void {
    const list = this.completions.get(step) ?? [];
    list.push({ id, outcome: final.outcome, latencyMs: Math.max(0, final.at - sentAt), at: final.at });
    this.completions.set(step, list);
  }

  /** Orders of a step accepted but not yet final. */
  unfinished(step: number): number {
    let n = 0;
    for (const o of this.#open.values()) if (o.step === step) n++;
    return n;
  }
}

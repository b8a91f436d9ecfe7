export interface LaneBatches<M> {
  /** The most messages one call of run takes. */
  max: number;
  /** Runs several messages of one lane, in their order; used instead of run when more than one wait. */
  run: (messages: M[]) => Promise<void>;
}

/**
 * Runs work one message at a time per partition, partitions side by side: a message that waits on a
 * transient failure holds back its own partition (whose order matters) and nothing else, until the
 * buffer fills. `push` waits while `limit` messages are queued or running, which stops the stream
 * from reading further ahead. With `batches`, the messages that queued up in a lane while it was busy
 * go to batches.run together (still in order, still one lane at a time).
 */
export class PartitionLanes<M> {
  #queues = new Map<string, M[]>();
  #workers = new Map<string, Promise<void>>();
  #inFlight = 0;
  #limit: number;
  #spaceFreed?: () => void;
  #failure?: { error: unknown };
  #run: (message: M) => Promise<void>;
  #onFailure: (error: unknown) => void;
  #batches?: LaneBatches<M>;

  /** onFailure: told once, at the first error, so the reader can stop reading. */
  constructor(limit: number, run: (message: M) => Promise<void>, onFailure: (error: unknown) => void, batches?: LaneBatches<M>) {
    this.#limit = limit;
    this.#run = run;
    this.#onFailure = onFailure;
    this.#batches = batches;
  }

  /** The first error any lane threw; after one, no lane starts another message. */
  get failure(): { error: unknown } | undefined {
    return this.#failure;
  }

  async push(lane: string, message: M): Promise<void> {
    while (this.#inFlight >= this.#limit && !this.#failure) {
      await new Promise<void>((resolve) => (this.#spaceFreed = resolve));
    }
    if (this.#failure) return;
    this.#inFlight++;
    const queue = this.#queues.get(lane) ?? [];
    this.#queues.set(lane, queue);
    queue.push(message);
    if (!this.#workers.has(lane)) this.#workers.set(lane, this.#work(lane, queue));
  }

  /** Takes what the lane's queue holds, a batch at a time, until it is empty. */
  async #work(lane: string, queue: M[]): Promise<void> {
    // Starts on a later tick, so messages pushed in the same read join the first batch.
    await Promise.resolve();
    while (queue.length > 0) {
      const taken = queue.splice(0, this.#batches?.max ?? 1);
      try {
        if (this.#failure) continue;
        if (taken.length > 1 && this.#batches) await this.#batches.run(taken);
        else await this.#run(taken[0]!);
      } catch (error) {
        if (!this.#failure) {
          this.#failure = { error };
          this.#onFailure(error);
        }
      } finally {
        this.#inFlight -= taken.length;
        this.#spaceFreed?.();
      }
    }
    // In the same tick as the check that the queue is empty: a later push starts a new worker.
    this.#workers.delete(lane);
  }

  /** Resolves when every lane has finished what it holds (or given up after a failure). */
  async settled(): Promise<void> {
    while (this.#workers.size > 0) await Promise.all(this.#workers.values());
  }
}

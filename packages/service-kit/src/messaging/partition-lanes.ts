/**
 * Runs work one message at a time per partition, partitions side by side: a message that waits on a
 * transient failure holds back its own partition (whose order matters) and nothing else, until the
 * buffer fills. `push` waits while `limit` messages are queued or running, which stops the stream
 * from reading further ahead.
 */
export class PartitionLanes<M> {
  #tails = new Map<string, Promise<void>>();
  #inFlight = 0;
  #limit: number;
  #spaceFreed?: () => void;
  #failure?: { error: unknown };
  #run: (message: M) => Promise<void>;
  #onFailure: (error: unknown) => void;

  /** onFailure: told once, at the first error, so the reader can stop reading. */
  constructor(limit: number, run: (message: M) => Promise<void>, onFailure: (error: unknown) => void) {
    this.#limit = limit;
    this.#run = run;
    this.#onFailure = onFailure;
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
    const tail = (this.#tails.get(lane) ?? Promise.resolve()).then(async () => {
      try {
        if (!this.#failure) await this.#run(message);
      } catch (error) {
        if (!this.#failure) {
          this.#failure = { error };
          this.#onFailure(error);
        }
      } finally {
        this.#inFlight--;
        this.#spaceFreed?.();
      }
    });
    this.#tails.set(lane, tail);
  }

  /** Resolves when every lane has finished what it holds (or given up after a failure). */
  async settled(): Promise<void> {
    await Promise.all(this.#tails.values());
  }
}

// Frames received on a test socket, awaited in order and always with a timeout: what the
// session-socket client and the fake agent share.

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

export class FrameQueue<T> {
  /** Every frame received so far, in order. */
  readonly received: T[] = [];
  #cursor = 0;
  #wake: (() => void) | undefined;
  #closeInfo: CloseInfo | undefined;

  push(frame: T): void {
    this.received.push(frame);
    this.#wake?.();
  }

  markClosed(info: CloseInfo): void {
    this.#closeInfo = info;
    this.#wake?.();
  }

  /** The next frame not yet taken that `matches`; frames skipped on the way are consumed. */
  async next(matches: (frame: T) => boolean, label: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#cursor < this.received.length) {
        const frame = this.received[this.#cursor++] as T;
        if (matches(frame)) return frame;
      }
      if (this.#closeInfo !== undefined) throw new Error(`socket closed (${this.#closeInfo.code}) while waiting for ${label}`);
      await this.#change(deadline, label);
    }
  }

  async closed(timeoutMs: number): Promise<CloseInfo> {
    const deadline = Date.now() + timeoutMs;
    while (this.#closeInfo === undefined) await this.#change(deadline, "the close");
    return this.#closeInfo;
  }

  #change(deadline: number, label: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${label}`)), Math.max(0, deadline - Date.now()));
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

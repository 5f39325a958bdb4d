/** Per-host concurrency limit, so a poll of many feeds on one site never hammers that site. */

interface HostSlot {
  active: number;
  waiters: Array<() => void>;
}

/** Runs at most `maxPerHost` tasks per host at once; the rest wait in FIFO order. */
export class HostLimiter {
  readonly maxPerHost: number;
  private readonly hosts = new Map<string, HostSlot>();

  constructor(maxPerHost: number) {
    if (!Number.isInteger(maxPerHost) || maxPerHost < 1) {
      throw new RangeError(`maxPerHost must be a positive integer, got ${maxPerHost}`);
    }
    this.maxPerHost = maxPerHost;
  }

  /** Runs `fn` once a slot for `host` is free; the slot is released however `fn` settles. */
  async run<T>(host: string, fn: () => Promise<T>): Promise<T> {
    const key = host.toLowerCase();
    await this.acquire(key);
    try {
      return await fn();
    } finally {
      this.release(key);
    }
  }

  /** Tasks currently running for `host`. */
  active(host: string): number {
    return this.hosts.get(host.toLowerCase())?.active ?? 0;
  }

  /** Tasks waiting for a slot for `host`. */
  queued(host: string): number {
    return this.hosts.get(host.toLowerCase())?.waiters.length ?? 0;
  }

  /** Number of hosts with running or waiting tasks (idle hosts are forgotten, so this stays small). */
  get trackedHosts(): number {
    return this.hosts.size;
  }

  private acquire(key: string): Promise<void> {
    let slot = this.hosts.get(key);
    if (slot === undefined) {
      slot = { active: 0, waiters: [] };
      this.hosts.set(key, slot);
    }
    if (slot.active < this.maxPerHost) {
      slot.active += 1;
      return Promise.resolve();
    }
    const waiting = slot;
    // the releasing task hands its slot straight to the waiter, so `active` is not decremented then
    return new Promise((resolve) => waiting.waiters.push(resolve));
  }

  private release(key: string): void {
    const slot = this.hosts.get(key);
    if (slot === undefined) return;
    const next = slot.waiters.shift();
    if (next !== undefined) {
      next();
      return;
    }
    slot.active -= 1;
    if (slot.active === 0) this.hosts.delete(key);
  }
}

import { describe, expect, it } from 'vitest';
import { HostLimiter } from '../../../../../shared/adapters/http/host-limiter.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('HostLimiter', () => {
  it('runs at most maxPerHost tasks per host and starts the waiters in FIFO order', async () => {
    const limiter = new HostLimiter(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      limiter.run('feeds.example.org', async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(limiter.active('feeds.example.org')).toBe(2);
    expect(limiter.queued('feeds.example.org')).toBe(2);
    gates[1]?.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.resolve();
    gates[2]?.resolve();
    gates[3]?.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('keeps hosts independent and treats host names case-insensitively', async () => {
    const limiter = new HostLimiter(1);
    const gate = deferred();
    const a = limiter.run('A.example', () => gate.promise);
    let bRan = false;
    const b = limiter.run('b.example', async () => {
      bRan = true;
    });
    const a2 = limiter.run('a.example', async () => 'second');
    await tick();
    expect(bRan).toBe(true);
    expect(limiter.queued('a.EXAMPLE')).toBe(1);
    gate.resolve();
    await Promise.all([a, b]);
    expect(await a2).toBe('second');
  });

  it('releases the slot when a task fails, and forgets idle hosts', async () => {
    const limiter = new HostLimiter(1);
    const failing = limiter.run('h', async () => {
      throw new Error('boom');
    });
    const next = limiter.run('h', async () => 'ran');
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('ran');
    expect(limiter.active('h')).toBe(0);
    expect(limiter.trackedHosts).toBe(0);
  });

  it('rejects a non-positive limit', () => {
    expect(() => new HostLimiter(0)).toThrow(RangeError);
    expect(() => new HostLimiter(1.5)).toThrow(RangeError);
  });
});

/**
 * Fault injection for WeChat routes: connection resets, HTTP 5xx, errcode answers and added
 * latency, each matched by path pattern and fired with a probability and an optional count.
 */
import { randomBytes } from 'node:crypto';
import { pathMatcher } from './pattern.js';

export type FaultKind = 'reset' | 'http' | 'errcode' | 'latency';

export interface FaultSpec {
  /** Exact path or glob (`/cgi-bin/*`, `*`). */
  path: string;
  /** Only this method; any when absent. */
  method?: string;
  kind: FaultKind;
  /** kind 'http': the status to answer (default 502). */
  status?: number;
  /** kind 'errcode': the errcode (default -1). */
  errcode?: number;
  /** kind 'errcode': errmsg (default WeChat's text for the code). */
  errmsg?: string;
  /** kind 'latency': milliseconds of real time added before the request is handled. */
  ms?: number;
  /** Probability 0..1 that a matching request is hit. @default 1 */
  rate?: number;
  /** Fire at most this many times, then the fault retires. @default unlimited */
  count?: number;
}

export interface Fault extends FaultSpec {
  id: string;
  /** How many times it has fired. */
  fired: number;
}

const KINDS: FaultKind[] = ['reset', 'http', 'errcode', 'latency'];

/** What to do to one request: total added latency plus at most one terminal fault. */
export interface FaultPlan {
  latencyMs: number;
  terminal?: Fault;
}

/**
 * A small seedable PRNG (mulberry32): the same seed rolls the same dice, so a chaos run with
 * faults at a rate repeats exactly (for requests arriving in the same order).
 */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private list: { fault: Fault; match: (p: string) => boolean }[] = [];
  private random: () => number = Math.random;
  private seedValue?: number;

  constructor(seed?: number) {
    if (seed !== undefined) this.seed(seed);
  }

  /** Seeds the dice of rate-limited faults (`undefined`: back to Math.random). */
  seed(seed: number | undefined): { seed: number | null } {
    if (seed === undefined || seed === null) {
      this.random = Math.random;
      this.seedValue = undefined;
    } else {
      if (!Number.isInteger(seed)) throw new TypeError('fault seed must be an integer');
      this.random = mulberry32(seed);
      this.seedValue = seed;
    }
    return { seed: this.seedValue ?? null };
  }

  add(spec: FaultSpec): Fault {
    if (!spec || typeof spec.path !== 'string' || !spec.path)
      throw new TypeError('fault.path must be a non-empty string');
    if (!KINDS.includes(spec.kind)) throw new TypeError(`fault.kind must be one of ${KINDS.join(', ')}`);
    const rate = spec.rate ?? 1;
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
      throw new TypeError('fault.rate must be a number in 0..1');
    if (spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count > 0))
      throw new TypeError('fault.count must be a positive integer');
    if (
      spec.kind === 'http' &&
      spec.status !== undefined &&
      !(Number.isInteger(spec.status) && spec.status >= 400 && spec.status <= 599)
    )
      throw new TypeError('fault.status must be an HTTP error status (400..599)');
    if (spec.kind === 'latency' && !(typeof spec.ms === 'number' && spec.ms >= 0))
      throw new TypeError('fault.ms must be a number >= 0');
    if (spec.kind === 'errcode' && spec.errcode !== undefined && !Number.isInteger(spec.errcode))
      throw new TypeError('fault.errcode must be an integer');
    const fault: Fault = { ...spec, rate, id: randomBytes(6).toString('hex'), fired: 0 };
    if (fault.kind === 'http') fault.status ??= 502;
    if (fault.kind === 'errcode') fault.errcode ??= -1;
    this.list.push({ fault, match: pathMatcher(spec.path) });
    return { ...fault };
  }

  remove(id: string): boolean {
    const before = this.list.length;
    this.list = this.list.filter((f) => f.fault.id !== id);
    return this.list.length !== before;
  }

  clear(): void {
    this.list = [];
  }

  all(): Fault[] {
    return this.list.map((f) => ({ ...f.fault }));
  }

  /** Rolls the dice for one request; counts what fires and retires exhausted faults. */
  plan(method: string, path: string): FaultPlan {
    const plan: FaultPlan = { latencyMs: 0 };
    if (this.list.length === 0) return plan;
    for (const { fault, match } of this.list) {
      if (fault.method && fault.method.toUpperCase() !== method) continue;
      if (!match(path)) continue;
      if (fault.kind !== 'latency' && plan.terminal) continue;
      if ((fault.rate ?? 1) < 1 && this.random() >= (fault.rate ?? 1)) continue;
      fault.fired++;
      if (fault.kind === 'latency') plan.latencyMs += fault.ms ?? 0;
      else plan.terminal = { ...fault };
    }
    this.list = this.list.filter((f) => f.fault.count === undefined || f.fault.fired < f.fault.count);
    return plan;
  }
}

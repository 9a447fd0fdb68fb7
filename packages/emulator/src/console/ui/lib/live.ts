/**
 * Live updates: one EventSource on `/__emulator/events` for the whole page. A component names the
 * topics it shows (`useLive(['users', 'request'], load)`) and reloads when one of them changes.
 * A topic matches itself and its dotted sub-topics (`push` matches `push.delivery`); `reset`
 * matches everything, and so does a reconnect (changes may have been missed meanwhile).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface ChangeNotice {
  topic: string;
  data?: any;
}

export type Connection = 'connecting' | 'live' | 'offline';

type Listener = (n: ChangeNotice) => void;
const listeners = new Set<Listener>();
const statusListeners = new Set<(s: Connection) => void>();
let status: Connection = 'connecting';
let source: EventSource | undefined;

function setStatus(s: Connection): void {
  status = s;
  for (const l of statusListeners) l(s);
}

function connect(): void {
  if (source) return;
  source = new EventSource('/__emulator/events');
  let opened = false;
  source.onopen = () => {
    setStatus('live');
    // After a reconnect everything may be stale.
    if (opened) for (const l of listeners) l({ topic: 'reset' });
    opened = true;
  };
  source.onerror = () => setStatus(source?.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
  source.onmessage = (ev) => {
    let n: ChangeNotice;
    try {
      n = JSON.parse(ev.data);
    } catch {
      return;
    }
    for (const l of listeners) l(n);
  };
}

/** Does a notice on `topic` concern a view that shows `topics`? */
export function matches(topics: readonly string[], topic: string): boolean {
  return topic === 'reset' || topics.some((t) => t === '*' || topic === t || topic.startsWith(`${t}.`));
}

/** Calls `fn` for every notice matching `topics`; returns the unsubscribe function. */
export function subscribe(topics: readonly string[], fn: Listener): () => void {
  connect();
  const l: Listener = (n) => {
    if (matches(topics, n.topic)) fn(n);
  };
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The live feed's state, for the status dot. */
export function useConnection(): Connection {
  const [s, set] = useState(status);
  useEffect(() => {
    connect();
    statusListeners.add(set);
    return () => statusListeners.delete(set);
  }, []);
  return s;
}

export interface Live<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Reloads at most this often while notices stream in (a busy request log). */
const DEBOUNCE_MS = 120;

/**
 * Loads data with `load()` now, again whenever `deps` change, and again (debounced) whenever a
 * change notice on one of `topics` arrives. Keeps showing the last data while reloading.
 */
export function useLive<T>(topics: readonly string[], load: () => Promise<T>, deps: readonly unknown[] = []): Live<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useRef(0);

  const reload = useCallback(() => {
    const mine = ++run.current;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (data) => mine === run.current && setState({ data, loading: false }),
      (error: Error) => mine === run.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, []);
  useEffect(reload, deps);

  const key = topics.join(',');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribe(topics, () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        reload();
      }, DEBOUNCE_MS);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [key, reload]);

  return { data: state.data, error: state.error, loading: state.loading, reload };
}

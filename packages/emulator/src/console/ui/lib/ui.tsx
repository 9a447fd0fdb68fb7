/** The small component kit every page uses: cards, badges, copy buttons, action buttons, toasts. */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { common, useT } from './i18n.js';

export function Card(props: {
  title?: ComponentChildren;
  actions?: ComponentChildren;
  children: ComponentChildren;
  class?: string;
  testid?: string;
}) {
  return (
    <section class={`card ${props.class ?? ''}`} data-testid={props.testid}>
      {(props.title || props.actions) && (
        <header class="card-head">
          {props.title && <h2>{props.title}</h2>}
          {props.actions && <div class="card-actions">{props.actions}</div>}
        </header>
      )}
      <div class="card-body">{props.children}</div>
    </section>
  );
}

export type Tone = 'ok' | 'warn' | 'err' | 'info' | 'muted';

export function Badge(props: { tone?: Tone; children: ComponentChildren; title?: string }) {
  return (
    <span class={`badge badge-${props.tone ?? 'muted'}`} title={props.title}>
      {props.children}
    </span>
  );
}

/** A value with a copy button (login codes, openids, links). */
export function Copyable(props: { value: string; testid?: string }) {
  const t = useT(common);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
    } catch {
      // No clipboard permission (plain http, headless): select-and-copy fallback.
      const ta = document.createElement('textarea');
      ta.value = props.value;
      document.body.append(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1200);
  };
  return (
    <span class="copyable">
      <code data-testid={props.testid}>{props.value}</code>
      <button type="button" class="btn btn-small" onClick={copy}>
        {copied ? t('copied') : t('copy')}
      </button>
    </span>
  );
}

export function JsonView(props: { value: unknown }) {
  return <pre class="json">{JSON.stringify(props.value, null, 2)}</pre>;
}

/** A scrollable data table: the header cells, then the rows. */
export function Table(props: { head: ComponentChildren; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>{props.head}</tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

export function Empty(props: { children?: ComponentChildren }) {
  const t = useT(common);
  return <p class="empty">{props.children ?? t('empty')}</p>;
}

export function ErrorNote(props: { error: Error | undefined }) {
  const t = useT(common);
  if (!props.error) return null;
  return <p class="error-note">{t('failed', { message: props.error.message })}</p>;
}

/**
 * A button running an async action: disabled while it runs; a failure shows as a toast.
 * `onDone` receives the result.
 */
export function ActionButton<T>(props: {
  onClick: () => Promise<T>;
  onDone?: (result: T) => void;
  children: ComponentChildren;
  kind?: 'primary' | 'danger' | 'plain';
  small?: boolean;
  disabled?: boolean;
  testid?: string;
  title?: string;
}) {
  const t = useT(common);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const out = await props.onClick();
      props.onDone?.(out);
    } catch (err) {
      toast(t('failed', { message: (err as Error).message }), 'err');
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      class={`btn btn-${props.kind ?? 'plain'}${props.small ? ' btn-small' : ''}`}
      disabled={busy || props.disabled}
      aria-busy={busy}
      onClick={run}
      data-testid={props.testid}
      title={props.title}
    >
      {props.children}
    </button>
  );
}

/** A labelled control; `wide` grows to fill the row, `full` takes a row of its own. */
export function Field(props: {
  label: ComponentChildren;
  children: ComponentChildren;
  wide?: boolean;
  full?: boolean;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is one of the children
    <label class={`field${props.wide || props.full ? ' field-wide' : ''}${props.full ? ' field-full' : ''}`}>
      <span class="field-label">{props.label}</span>
      {props.children}
    </label>
  );
}

/** A text input bound to a state pair. */
export function TextInput(
  props: { value: string; onValue: (v: string) => void } & Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value'>,
) {
  const { value, onValue, ...rest } = props;
  return <input {...rest} value={value} onInput={(e) => onValue((e.target as HTMLInputElement).value)} />;
}

/** Stat tiles on top of a page. */
export function Stat(props: { label: ComponentChildren; value: ComponentChildren; tone?: Tone }) {
  return (
    <div class={`stat stat-${props.tone ?? 'muted'}`}>
      <div class="stat-value">{props.value}</div>
      <div class="stat-label">{props.label}</div>
    </div>
  );
}

// ---- toasts

interface ToastItem {
  id: number;
  text: string;
  tone: Tone;
}
let toasts: ToastItem[] = [];
let toastSeq = 0;
const toastListeners = new Set<(t: ToastItem[]) => void>();

export function toast(text: string, tone: Tone = 'info'): void {
  const item = { id: ++toastSeq, text, tone };
  toasts = [...toasts, item];
  for (const l of toastListeners) l(toasts);
  setTimeout(() => {
    toasts = toasts.filter((x) => x !== item);
    for (const l of toastListeners) l(toasts);
  }, 5000);
}

export function Toasts() {
  const [list, set] = useState(toasts);
  useEffect(() => {
    toastListeners.add(set);
    return () => toastListeners.delete(set);
  }, []);
  return (
    <div class="toasts" aria-live="polite">
      {list.map((x) => (
        <div key={x.id} class={`toast toast-${x.tone}`}>
          {x.text}
        </div>
      ))}
    </div>
  );
}

/** Badge tone of an errcode (0 = ok); non-200 HTTP statuses are errors too. */
export function errTone(errcode: number | undefined, status = 200): Tone {
  if (status !== 200) return 'err';
  if (errcode === undefined) return 'muted';
  return errcode === 0 ? 'ok' : 'err';
}

/**
 * An image the admin API returns as JSON `{ image_base64, contentType }` (codes, OCR images), fetched
 * once per path. `fallback` shows when there is none (404).
 */
export function AdminImage(props: {
  path: string;
  alt: string;
  class?: string;
  testid?: string;
  fallback?: ComponentChildren;
}) {
  const t = useT(common);
  const [src, setSrc] = useState<string | null>();
  useEffect(() => {
    let live = true;
    setSrc(undefined);
    api.get<{ image_base64: string; contentType: string }>(props.path).then(
      (i) => live && setSrc(`data:${i.contentType};base64,${i.image_base64}`),
      () => live && setSrc(null),
    );
    return () => {
      live = false;
    };
  }, [props.path]);
  if (src === undefined) return <span class="muted">{t('loading')}</span>;
  if (src === null) return <span class="muted">{props.fallback}</span>;
  return <img class={props.class} src={src} alt={props.alt} data-testid={props.testid} />;
}

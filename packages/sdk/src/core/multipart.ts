/**
 * Multipart bodies for uploads (`media` for temp media, `img` for OCR). WeChat needs a file
 * part with a filename and a content type; both are taken from the input or sniffed.
 */
import { basename } from 'node:path';
import { nodeCrypto } from '../internal/node-crypto.js';
import type { FileInput } from './endpoint.js';
import { ValidationError } from './errors.js';

export interface FilePart {
  data: Buffer;
  filename: string;
  contentType: string;
}

const MAGIC: Array<[number[], string, string]> = [
  [[0x89, 0x50, 0x4e, 0x47], 'image/png', 'png'],
  [[0xff, 0xd8, 0xff], 'image/jpeg', 'jpg'],
  [[0x47, 0x49, 0x46, 0x38], 'image/gif', 'gif'],
  [[0x42, 0x4d], 'image/bmp', 'bmp'],
];

/** Content type and extension from the first bytes. */
export function sniffImage(data: Buffer): { contentType: string; ext: string } {
  for (const [sig, type, ext] of MAGIC) if (sig.every((b, i) => data[i] === b)) return { contentType: type, ext };
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') {
    return { contentType: 'image/webp', ext: 'webp' };
  }
  return { contentType: 'application/octet-stream', ext: 'bin' };
}

function isAsyncIterable(x: any): x is AsyncIterable<Uint8Array> {
  return x != null && typeof x[Symbol.asyncIterator] === 'function';
}

/** Reads any accepted file input into bytes + filename + content type. */
export async function readFileInput(input: FileInput, api: string, field: string): Promise<FilePart> {
  let data: Buffer;
  let filename: string | undefined;
  let contentType: string | undefined;
  const x: any = input;
  if (Buffer.isBuffer(x)) data = x;
  else if (x instanceof Uint8Array) data = Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  else if (typeof Blob !== 'undefined' && x instanceof Blob) {
    data = Buffer.from(await x.arrayBuffer());
    contentType = x.type || undefined;
    filename = typeof (x as any).name === 'string' ? (x as any).name : undefined;
  } else if (x && typeof x === 'object' && typeof x.path === 'string' && !isAsyncIterable(x)) {
    try {
      // Loaded here, not at import: only uploads by path read files.
      const { readFile } = await import('node:fs/promises');
      data = await readFile(x.path);
    } catch (e) {
      throw new ValidationError(`cannot read \`${field}\` file: ${(e as Error).message}`, { api, field });
    }
    filename = x.filename ?? basename(x.path);
    contentType = x.contentType;
  } else if (x && typeof x === 'object' && (Buffer.isBuffer(x.data) || x.data instanceof Uint8Array)) {
    data = Buffer.isBuffer(x.data) ? x.data : Buffer.from(x.data);
    filename = x.filename;
    contentType = x.contentType;
  } else if (isAsyncIterable(x)) {
    const chunks: Buffer[] = [];
    for await (const c of x) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
    data = Buffer.concat(chunks);
    const streamPath: unknown = (input as any).path;
    if (typeof streamPath === 'string') filename = basename(streamPath);
  } else {
    throw new ValidationError(
      `\`${field}\` must be a Buffer, Uint8Array, Blob, readable stream, { path } or { data }`,
      { api, field },
    );
  }
  const sniffed = sniffImage(data);
  return {
    data,
    filename: filename ?? `${field}.${sniffed.ext}`,
    contentType: contentType ?? sniffed.contentType,
  };
}

/** Encodes one file part as multipart/form-data. */
export function encodeMultipart(field: string, part: FilePart): { body: Buffer; contentType: string } {
  const boundary = `----miniapp${nodeCrypto().randomBytes(12).toString('hex')}`;
  const safeName = part.filename.replace(/["\r\n]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${safeName}"\r\n` +
      `Content-Type: ${part.contentType}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  return { body: Buffer.concat([head, part.data, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

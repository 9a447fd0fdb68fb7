/**
 * Request-body parsing for WeChat routes. Fastify hands over raw bytes (see server.ts) so that
 * malformed bodies get WeChat's answers (47001 / 44002) instead of Fastify's 400 pages.
 */
import type { FastifyRequest } from 'fastify';
import type { RouteDef, UploadedFile } from './context.js';
import { WxError } from './context.js';
import { E } from './wire.js';

/** Upload cap for multipart files (the largest WeChat upload limit we emulate is 10 MB). */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export interface ParsedBody {
  body: Record<string, any>;
  files: UploadedFile[];
}

export function rawBodyOf(req: FastifyRequest): Buffer | undefined {
  return Buffer.isBuffer(req.body) ? req.body : undefined;
}

function isForm(req: FastifyRequest): boolean {
  return /application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '');
}

export function parseForm(raw: Buffer | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw?.toString('utf8') ?? '')) if (!(k in out)) out[k] = v;
  return out;
}

/** JSON object body: empty → 44002, not JSON or not an object → 47001. */
export function parseJsonObject(raw: Buffer | undefined): Record<string, any> {
  if (!raw || raw.length === 0 || raw.toString('utf8').trim() === '') throw E.emptyPost();
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw E.dataFormat();
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw E.dataFormat();
  return value as Record<string, any>;
}

async function parseMultipart(req: FastifyRequest): Promise<ParsedBody> {
  const body: Record<string, any> = {};
  const files: UploadedFile[] = [];
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        files.push({
          field: part.fieldname,
          filename: part.filename,
          contentType: part.mimetype,
          data: await part.toBuffer(),
        });
      } else if (!(part.fieldname in body)) {
        body[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new WxError(40006, 'invalid media size');
    throw E.dataFormat();
  }
  return { body, files };
}

/** Parses the body the way `def.body` asks. */
export async function parseBody(def: RouteDef, req: FastifyRequest): Promise<ParsedBody> {
  const kind = def.body ?? 'none';
  const multipart = req.isMultipart();
  const raw = rawBodyOf(req);
  switch (kind) {
    case 'none':
      return { body: {}, files: [] };
    case 'json':
      if (multipart) throw E.dataFormat();
      return { body: parseJsonObject(raw), files: [] };
    case 'form':
      if (multipart) return parseMultipart(req);
      return { body: parseForm(raw), files: [] };
    case 'json-or-form':
      if (multipart) return parseMultipart(req);
      if (isForm(req)) return { body: parseForm(raw), files: [] };
      return { body: parseJsonObject(raw), files: [] };
    case 'multipart':
      if (multipart) return parseMultipart(req);
      // Non-multipart calls are allowed (e.g. OCR's img_url variant); pass whatever fields came.
      if (isForm(req)) return { body: parseForm(raw), files: [] };
      if (raw && raw.length > 0) {
        try {
          return { body: parseJsonObject(raw), files: [] };
        } catch {
          return { body: {}, files: [] };
        }
      }
      return { body: {}, files: [] };
  }
}

/** What the request log records for a body: parsed fields, else text. */
export function loggableBody(parsed: ParsedBody | undefined, req: FastifyRequest): unknown {
  if (parsed && (Object.keys(parsed.body).length > 0 || parsed.files.length > 0)) return parsed.body;
  const raw = rawBodyOf(req);
  if (!raw || raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

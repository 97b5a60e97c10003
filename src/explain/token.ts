/**
 * Reads a web-identity token: a compact JWT (header and payload are decoded, the signature is only
 * noted as present — never verified, decoded, kept or shown) or a JSON object of claims.
 *
 * A token is a credential. Nothing here writes it anywhere, and no error message quotes it: errors
 * say which part failed (`the payload (part 2 of 3) is not base64url`), never what it held.
 */

export type Claims = Record<string, unknown>;

export interface DecodedToken {
  form: 'jwt' | 'claims';
  /** The JWT header (absent for a claims file). */
  header?: Record<string, unknown>;
  claims: Claims;
  /** Whether the JWT has a non-empty signature part. */
  signature: 'present' | 'absent' | 'not-applicable';
}

/** A token that cannot be read. The message never contains the token or any part of it. */
export class TokenError extends Error {}

const B64URL = /^[A-Za-z0-9_-]*$/;
const PARTS = ['header', 'payload', 'signature'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Loosely: three dot-separated runs of base64url characters, the first starting like a JSON object. */
export function looksLikeJwt(text: string): boolean {
  return /^(Bearer\s+)?eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(text.trim());
}

function decodePart(part: string, index: number): Record<string, unknown> {
  const name = `the token's ${PARTS[index]} (part ${index + 1} of 3)`;
  const body = part.replace(/=+$/, '');
  if (body === '') throw new TokenError(`${name} is empty.`);
  if (!B64URL.test(body)) throw new TokenError(`${name} is not base64url: it holds characters other than A-Z, a-z, 0-9, '-' and '_'.`);
  if (body.length % 4 === 1) throw new TokenError(`${name} is not base64url: its length is not possible for base64url text (it looks truncated).`);
  const text = Buffer.from(body, 'base64url').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input: never pass it on.
    throw new TokenError(`${name} decodes, but not to JSON.`);
  }
  if (!isObject(value)) throw new TokenError(`${name} decodes to JSON that is not an object.`);
  return value;
}

/** Decodes a compact JWS (`header.payload.signature`). */
export function decodeJwt(raw: string): DecodedToken {
  const text = raw.trim().replace(/^Bearer\s+/i, '');
  if (/\s/.test(text)) throw new TokenError('the token holds whitespace inside it; a JWT is one line of base64url text and dots.');
  const parts = text.split('.');
  if (parts.length === 5) {
    throw new TokenError('the token has 5 parts: it is an encrypted token (JWE), which cannot be read; STS takes a signed JWT (3 parts).');
  }
  if (parts.length !== 3) throw new TokenError(`a JWT has 3 parts separated by dots (header.payload.signature); this token has ${parts.length}.`);
  const header = decodePart(parts[0], 0);
  const claims = decodePart(parts[1], 1);
  const sig = parts[2].replace(/=+$/, '');
  if (sig !== '' && !B64URL.test(sig)) {
    throw new TokenError(`the token's signature (part 3 of 3) is not base64url: it holds characters other than A-Z, a-z, 0-9, '-' and '_'.`);
  }
  // The signature is dropped here: only whether there is one is kept.
  return { form: 'jwt', header, claims, signature: sig === '' ? 'absent' : 'present' };
}

/**
 * Reads the text of a token file or of standard input: a JWT, a JSON object of claims, a JSON
 * object holding a JWT in `value` (what GitHub's ID-token endpoint returns) or `token`, or a
 * `{header, payload}` object.
 */
export function readToken(text: string, where: string): DecodedToken {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') throw new TokenError(`${where} is empty.`);
  if (!trimmed.startsWith('{')) return decodeJwt(trimmed);
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    throw new TokenError(`${where} starts like JSON but is not valid JSON (nor a JWT).`);
  }
  if (!isObject(value)) throw new TokenError(`${where} is not a JSON object of claims.`);
  for (const field of ['value', 'token', 'id_token']) {
    const v = value[field];
    if (typeof v === 'string' && v.split('.').length >= 3) return decodeJwt(v);
  }
  if (isObject(value.payload) && !('iss' in value)) {
    return { form: 'claims', header: isObject(value.header) ? value.header : undefined, claims: value.payload, signature: 'not-applicable' };
  }
  return { form: 'claims', claims: value, signature: 'not-applicable' };
}

// The age v1 header (age spec, "Header"): a version line, one or more recipient stanzas, and a MAC line.
//
//   age-encryption.org/v1
//   -> X25519 <base64 share>
//   <base64 body, 64 columns per line, ending with a shorter (possibly empty) line>
//   --- <base64 HMAC-SHA-256>
//
// Parsing is strict (LF only, canonical base64, arguments of VCHAR), so that a header can only be read one way and
// serialising what was parsed gives back the same bytes.
import { timingSafeEqual } from 'node:crypto';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { ageError } from './errors.ts';
import { hkdf32, hmacSha256 } from './primitives.ts';

export const VERSION_LINE = 'age-encryption.org/v1';
const VERSION_PREFIX = 'age-encryption.org/';
const ARMOR = '-----BEGIN AGE ENCRYPTED FILE-----';
const COLUMNS = 64;
/** No legitimate header comes near this (a post-quantum stanza is about 1.6 KB). */
export const MAX_HEADER_BYTES = 1 << 20;

export interface Stanza {
  /** The arguments after "-> "; the first names the stanza type. */
  args: string[];
  body: Buffer;
}

export interface AgeHeader {
  stanzas: Stanza[];
  mac: Buffer;
  /** The header bytes the MAC covers: everything up to and including "---". */
  macInput: Buffer;
  /** The whole header, MAC line and its LF included; the payload starts right after it. */
  bytes: Buffer;
}

/**
 * Where the header ends (just past the MAC line's LF) in the first bytes of a file, or -1 while more bytes are
 * needed. Throws a header failure as soon as the bytes cannot be an age v1 header.
 */
export function findHeaderEnd(head: Buffer): number {
  const prefix = Buffer.from(VERSION_PREFIX, 'latin1');
  if (head.subarray(0, ARMOR.length).toString('latin1') === ARMOR) {
    throw ageError(
      'header',
      'this is an ASCII-armored age file, which is not read here (archives are binary age files)',
    );
  }
  if (!head.subarray(0, prefix.length).equals(prefix.subarray(0, Math.min(head.length, prefix.length)))) {
    throw ageError('header', 'not an age file: it does not start with "age-encryption.org/"');
  }
  const mac = head.indexOf('\n---', 0, 'latin1');
  const end = mac < 0 ? -1 : head.indexOf(0x0a, mac + 4);
  if (end >= 0) return end + 1;
  if (head.length > MAX_HEADER_BYTES)
    throw ageError('header', `the age header is longer than ${MAX_HEADER_BYTES} bytes without a MAC line`);
  return -1;
}

const ARGUMENT = /^[\x21-\x7e]+$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*$/;
const MAC_LINE = /^--- ([A-Za-z0-9+/]{43})$/;

/** Parses exactly one header (as delimited by findHeaderEnd). */
export function parseHeader(bytes: Buffer): AgeHeader {
  const bad = (why: string) => ageError('header', `the age header is malformed: ${why}`);
  const text = bytes.toString('latin1');
  if (!text.endsWith('\n')) throw bad('it does not end with a line feed');
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== VERSION_LINE) {
    throw lines[0]!.startsWith(VERSION_PREFIX)
      ? ageError('header', `unsupported age version line ${JSON.stringify(lines[0]!.slice(0, 80))}`)
      : bad('no version line');
  }
  const stanzas: Stanza[] = [];
  let i = 1;
  let offset = lines[0]!.length + 1;
  const next = () => {
    const line = lines[i++];
    if (line === undefined) throw bad('it ends before the MAC line');
    offset += line.length + 1;
    return line;
  };
  for (;;) {
    const lineStart = offset;
    const line = next();
    if (line.startsWith('---')) {
      const m = MAC_LINE.exec(line);
      const mac = m ? decodeBase64(m[1]!) : null;
      if (!mac || mac.length !== 32) throw bad('the MAC line is not "--- " and a canonical base64 HMAC-SHA-256');
      if (i !== lines.length) throw bad('bytes after the MAC line');
      if (stanzas.length === 0) throw bad('no recipient stanza');
      return { stanzas, mac, macInput: bytes.subarray(0, lineStart + 3), bytes };
    }
    if (!line.startsWith('-> ')) throw bad(`line ${i} is neither a stanza ("-> ") nor the MAC line ("---")`);
    const args = line.slice(3).split(' ');
    if (!args.every((a) => ARGUMENT.test(a)))
      throw bad(`stanza on line ${i} has an empty argument or a character that is not printable ASCII`);
    let encoded = '';
    for (;;) {
      const body = next();
      if (!BASE64_LINE.test(body) || body.length > COLUMNS)
        throw bad(`line ${i} of a stanza body is not base64 of at most ${COLUMNS} columns`);
      encoded += body;
      if (body.length < COLUMNS) break;
    }
    const body = decodeBase64(encoded);
    if (!body) throw bad(`the stanza body ending on line ${i} is not canonical base64`);
    stanzas.push({ args, body });
  }
}

/** The header text the MAC covers, for these stanzas. */
export function headerMacInput(stanzas: readonly Stanza[]): Buffer {
  let text = VERSION_LINE + '\n';
  for (const s of stanzas) {
    text += '-> ' + s.args.join(' ') + '\n';
    const encoded = encodeBase64(s.body);
    for (let at = 0; at <= encoded.length; at += COLUMNS) {
      // The body ends with a line shorter than 64 columns: an empty one when it fills its last line exactly.
      text += encoded.slice(at, at + COLUMNS) + '\n';
    }
  }
  return Buffer.from(text + '---', 'latin1');
}

export function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Buffer {
  return hmacSha256(hkdf32(fileKey, Buffer.alloc(0), 'header'), macInput);
}

export function macMatches(fileKey: Uint8Array, header: AgeHeader): boolean {
  return timingSafeEqual(headerMac(fileKey, header.macInput), header.mac);
}

/** A complete header for these stanzas, MAC'd with the file key. */
export function buildHeader(fileKey: Uint8Array, stanzas: readonly Stanza[]): Buffer {
  const macInput = headerMacInput(stanzas);
  return Buffer.concat([macInput, Buffer.from(' ' + encodeBase64(headerMac(fileKey, macInput)) + '\n', 'latin1')]);
}

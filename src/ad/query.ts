// `adbackup objects`: directory objects of a database (a file's or an archived one's), filtered and paged. The
// cursor is the row number (DNT) of the last object returned: rows come in DNT order, so the next page starts after
// it.
import { AppError } from '../errors.ts';
import type { Finding } from '../ese/reader/findings.ts';
import type { AdDirectory, AdObject } from './directory.ts';

/** The filters and paging of a request, whatever the database's source. */
export interface ObjectsQuery {
  base?: string;
  objectClass?: string;
  name?: string;
  deleted?: 'include' | 'only' | 'exclude';
  changedSinceUsn?: number;
  attributes?: string[];
  limit?: number;
  cursor?: string;
}

export interface ObjectsReport {
  objects: AdObject[];
  nextCursor?: string;
  findings: Finding[];
  findingsDropped: number;
}

export const DEFAULT_ATTRIBUTES = [
  'distinguishedName',
  'name',
  'objectClass',
  'objectGUID',
  'whenChanged',
  'uSNChanged',
];
const DEFAULT_LIMIT = 100;

/** One page of a directory's objects (a file's or an archived database's); the caller closes the directory. */
export function queryDirectory(dir: AdDirectory, req: ObjectsQuery): ObjectsReport {
  const after = parseCursor(req.cursor);
  const limit = req.limit ?? DEFAULT_LIMIT;
  const match = matcher(req);
  const objects: AdObject[] = [];
  let nextCursor: string | undefined;
  const attributes = req.attributes ?? DEFAULT_ATTRIBUTES;
  for (const { dnt, object } of dir.objects(after, { attributes, match })) {
    if (objects.length === limit) break;
    objects.push(project(object, attributes));
    nextCursor = `dnt:${dnt}`;
  }
  const more = objects.length === limit;
  const { list, dropped } = dir.db.findings;
  return { objects, ...(more && nextCursor ? { nextCursor } : {}), findings: list, findingsDropped: dropped };
}

/** The row number a cursor names; BAD_CURSOR (exit 2) for anything this command did not return. */
export function parseCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const m = /^dnt:(\d+)$/.exec(cursor);
  if (m === null)
    throw new AppError('InvalidRequest', 'BAD_CURSOR', `cursor "${cursor}" is not one this command returned`);
  return Number(m[1]);
}

function matcher(req: ObjectsQuery): (o: AdObject) => boolean {
  const base = req.base?.toLowerCase();
  const cls = req.objectClass?.toLowerCase();
  const name = req.name === undefined ? undefined : wildcard(req.name);
  const deleted = req.deleted ?? 'exclude';
  return (o) => {
    const dn = String(o['distinguishedName']).toLowerCase();
    if (base !== undefined && dn !== base && !dn.endsWith(`,${base}`)) return false;
    if (cls !== undefined && !list(o['objectClass']).some((c) => String(c).toLowerCase() === cls)) return false;
    if (name !== undefined && !name.test(String(o['name'] ?? ''))) return false;
    const isDeleted = o['isDeleted'] === true;
    if ((deleted === 'exclude' && isDeleted) || (deleted === 'only' && !isDeleted)) return false;
    if (req.changedSinceUsn !== undefined && !(Number(o['uSNChanged']) > req.changedSinceUsn)) return false;
    return true;
  };
}

/** `*` any run of characters, `?` one character; case-insensitive like LDAP's substring match. */
function wildcard(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

function list<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function project(o: AdObject, attributes: string[]): AdObject {
  if (attributes.includes('*')) return o;
  const out: AdObject = {};
  const lower = new Map(Object.keys(o).map((k) => [k.toLowerCase(), k]));
  for (const a of attributes) {
    const key = lower.get(a.toLowerCase());
    if (key !== undefined) out[key] = o[key]!;
  }
  return out;
}

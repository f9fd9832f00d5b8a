// Parsing `reg query KEY [/s]` output (Wine's reg.exe): key lines, then `    name    REG_TYPE    data` lines; a data
// with line breaks continues on the following lines.
export interface QueriedValue {
  key: string;
  name: string;
  type: string;
  data: string;
}

export function parseRegQuery(text: string): QueriedValue[] {
  const out: QueriedValue[] = [];
  let key: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (/^HKEY_/.test(line)) {
      key = line;
      continue;
    }
    if (line === '') continue;
    const m = /^ {4}(.*?) {4}(REG_[A-Z_]+) {4}(.*)$/.exec(line);
    if (m && key !== null) out.push({ key, name: m[1] === '(Default)' ? '' : m[1]!, type: m[2]!, data: m[3]! });
    else if (out.length > 0) out[out.length - 1]!.data += '\r\n' + line;
  }
  return out;
}

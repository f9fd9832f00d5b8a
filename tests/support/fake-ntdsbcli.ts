// A TypeScript stand-in for ntdsbcli.dll with the documented contract (lists, short reads, ERROR_HANDLE_EOF, the
// log roll, one open file per handle), recording every call: tests of the API source run on any platform with it.
// The real binding is tested against the emulated DLL under Wine.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { NtdsbcliApi } from '../../src/platform/ntdsbcli/api.ts';
import { apiError } from '../../src/platform/ntdsbcli/api.ts';
import type { BftEntry } from '../../src/platform/ntdsbcli/lists.ts';
import { classifyLogName, numberedLogName } from '../../src/logs/names.ts';

export class FakeNtdsbcli implements NtdsbcliApi {
  readonly calls: string[] = [];
  online = true;
  failOn: Record<string, number> = {};
  private open: { data: Buffer; pos: number; reads: number } | null = null;
  private readonly unc: (name: string) => string;
  private readonly files = new Map<string, string>();

  readonly dir: string;
  constructor(dir: string, computer = 'DC01') {
    this.dir = dir;
    this.unc = (n) => `\\\\${computer}\\C$\\Windows\\NTDS\\${n}`;
  }
  private call(name: string) {
    this.calls.push(name);
    if (this.failOn[name] !== undefined) throw apiError(name, this.failOn[name]!);
  }
  isOnline() {
    this.call('DsIsNTDSOnlineW');
    return this.online;
  }
  backupPrepare() {
    this.call('DsBackupPrepareW');
    return { hbc: { fake: true }, token: Buffer.from('TOKEN-2026') };
  }
  databaseNames(): BftEntry[] {
    this.call('DsBackupGetDatabaseNamesW');
    this.files.set(this.unc('ntds.dit'), join(this.dir, 'ntds.dit'));
    return [{ bft: 0x44, kind: 'database', path: this.unc('ntds.dit') }];
  }
  backupLogs(): BftEntry[] {
    this.call('DsBackupGetBackupLogsW');
    const out: BftEntry[] = [];
    for (const n of readdirSync(this.dir).sort()) {
      const c = classifyLogName(n);
      let name = n;
      if (c.role === 'current')
        name = numberedLogName(readFileSync(join(this.dir, n)).readInt32LE(4)); // the log roll
      else if (c.role !== 'numbered') continue;
      this.files.set(this.unc(name), join(this.dir, n));
      out.push({ bft: 0x21, kind: 'log', path: this.unc(name) });
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }
  databaseLocations(): BftEntry[] {
    this.call('DsRestoreGetDatabaseLocationsW');
    return [
      { bft: 0x44, kind: 'database', path: this.unc('ntds.dit') },
      { bft: 0x82, kind: 'log-dir', path: this.unc('').slice(0, -1) },
      { bft: 0x83, kind: 'checkpoint-dir', path: this.unc('').slice(0, -1) },
    ];
  }
  openFile(_hbc: unknown, name: string) {
    this.call(`DsBackupOpenFileW ${name.split('\\').pop()}`);
    if (this.open) throw apiError('DsBackupOpenFileW', 0xc7ff0005);
    const path = this.files.get(name);
    if (!path) throw apiError('DsBackupOpenFileW', 2);
    this.open = { data: readFileSync(path), pos: 0, reads: 0 };
    return statSync(path).size;
  }
  async read(_hbc: unknown, buf: Buffer) {
    this.call('DsBackupRead');
    if (!this.open) throw apiError('DsBackupRead', 0xc7ff0003);
    const o = this.open;
    if (o.pos >= o.data.length) return 0;
    const want = ++o.reads % 3 === 0 ? buf.length / 2 : buf.length; // short reads happen
    const n = o.data.copy(buf, 0, o.pos, o.pos + want);
    o.pos += n;
    return n;
  }
  closeFile() {
    this.call('DsBackupClose');
    if (!this.open) throw apiError('DsBackupClose', 0xc7ff0003);
    this.open = null;
  }
  truncateLogs() {
    this.call('DsBackupTruncateLogs');
  }
  backupEnd() {
    this.call('DsBackupEnd');
  }
  restorePrepare(): unknown {
    this.call('DsRestorePrepareW');
    return {};
  }
  restoreRegister() {
    this.call('DsRestoreRegisterW');
  }
  restoreRegisterComplete() {
    this.call('DsRestoreRegisterComplete');
  }
  restoreEnd() {
    this.call('DsRestoreEnd');
  }
}

// npm run demo: makes a synthetic DSA folder (ntds.dit, edb*.log, edb.chk, reserve logs) and runs the adbackup
// executable on it as a runbook would: header of each file kind, the log range a restore would register, then a
// backup, its verification and its summary, a restore plan and a restore into a stand-in C: volume with its
// KB 814167 registration as a .reg file; a broken copy of the folder is refused.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDsaFolder } from '../tests/fixtures/synthetic-dsa.ts';
import { projectRoot } from './project-root.ts';

const root = projectRoot;
const bundle = join(root, 'dist/adbackup.cjs');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'adbackup-demo-'));

function adbackup(command: string, request: object): any {
  const r = spawnSync(process.execPath, [bundle, command], { input: JSON.stringify(request), encoding: 'utf8' });
  const json = JSON.parse(r.stdout);
  console.log(`\n$ echo '${JSON.stringify(request)}' | adbackup ${command}    # exit ${r.status}`);
  return json;
}

try {
  // A VSS snapshot's database: restored through KB 814167's Restore in Progress (an IFM or offline copy would get
  // "Database restored from backup" instead; README, Two registrations).
  const dsa = await makeDsaFolder(join(work, 'NTDS'), {
    state: 'dirty',
    backup: 'snapshot',
    logs: 8,
    databaseBytes: 32 * 1024 * 1024,
    logFileBytes: 1024 * 1024,
    computerName: 'DC01',
  });
  console.log(
    `synthetic DSA folder: ${dsa.dir} (a VSS snapshot's ntds.dit, 32 MiB, ${dsa.logNames.length} logs, edb.chk, 2 reserve logs)`,
  );

  const db = adbackup('header', { path: dsa.databasePath });
  console.log(
    `  ${db.kind}: ${db.summary.state}, ${db.summary.pageSize}-byte pages, format ${db.summary.format.text}, Log Required ${db.summary.logRequired.text}, OS ${db.summary.osVersion.text}`,
  );
  const log = adbackup('header', { path: join(dsa.logPath, 'edb.log') });
  console.log(
    `  ${log.kind}: generation ${log.summary.generation}, format ${log.summary.format.text}, created ${log.summary.tmCreate}, ${log.summary.fileSectors} × ${log.summary.sectorSize} bytes`,
  );
  const chk = adbackup('header', { path: dsa.checkpointPath });
  console.log(`  ${chk.kind}: checkpoint ${chk.summary.checkpoint}`);

  const range = adbackup('log-range', { logPath: dsa.logPath, databasePath: dsa.databasePath });
  console.log(
    `  logs ${range.low}-${range.high} (${range.count}, edb.log included); a restore registers LowLog ${range.registration?.lowLog}, HighLog ${range.registration?.highLog}; the database needs ${range.required?.low}-${range.required?.high}; restorable: ${range.restorable}`,
  );
  for (const f of range.findings) console.log(`  ${f.severity}: ${f.code}: ${f.message}`);

  const broken = await makeDsaFolder(join(work, 'NTDS-broken'), { state: 'dirty', logs: 8, breakage: ['gap'] });
  const bad = adbackup('log-range', { logPath: broken.logPath, databasePath: broken.databasePath });
  console.log(`  the same set with a log removed: restorable: ${bad.restorable}`);
  for (const f of bad.findings) console.log(`  ${f.severity}: ${f.code}: ${f.message}`);
  const archiveDir = join(work, 'backups');
  const b = adbackup('backup', {
    source: {
      type: 'folder',
      path: dsa.dir,
      computer: 'DC01',
      recordAs: { databasePath: 'C:\\Windows\\NTDS\\ntds.dit', logPath: 'C:\\Windows\\NTDS' },
    },
    destination: { directory: archiveDir },
    label: 'demo',
  });
  console.log(
    `  archive ${b.archive}: ${b.size} bytes for ${b.manifest.files.length} files, sha256 ${b.sha256.slice(0, 16)}…, shelf life until ${b.manifest.expiresAt}`,
  );
  const ver = adbackup('verify', { archive: b.archive });
  console.log(
    `  verify: ok=${ver.ok}, ${ver.entries.length} entries re-hashed, log range ${ver.logRange.low}-${ver.logRange.high} re-derived from the archived headers`,
  );
  const ins = adbackup('inspect', { archive: b.archive });
  console.log(
    `  inspect (from ${ins.from}): ${ins.computer}, ${ins.database.state}, logs ${ins.logRange.low}-${ins.logRange.high}, expired=${ins.expired}`,
  );
  const root = join(work, 'restored-volume');
  mkdirSync(join(root, 'C', 'Windows', 'NTDS'), { recursive: true });
  const regFile = join(work, 'restore-in-progress.reg');
  const plan = adbackup('restore', { archive: b.archive, target: { type: 'files', root }, plan: true });
  console.log(`  plan: ${plan.actions.length} actions, ${plan.registry.length} registry values, nothing changed`);
  const rst = adbackup('restore', { archive: b.archive, target: { type: 'files', root }, registry: { regFile } });
  console.log(
    `  restored ${rst.actions.filter((a: { action: string }) => a.action === 'write').length} files under ${rst.targets.database}; registration written to ${rst.registryWrittenTo[0]}:`,
  );
  for (const v of rst.registry) console.log(`    ${v.name} (${v.type}) = ${JSON.stringify(v.value)}`);
  console.log(`  next: ${rst.nextSteps[rst.nextSteps.length - 2].slice(0, 110)}…`);
  const refused = adbackup('backup', {
    source: { type: 'folder', path: broken.dir },
    destination: { directory: archiveDir },
  });
  console.log(`  backing up the broken set is refused: ${refused.error?.code}`);
  if (
    range.restorable !== true ||
    bad.restorable !== false ||
    ver.ok !== true ||
    rst.registry?.length !== 9 ||
    refused.error?.code !== 'SOURCE_NOT_RESTORABLE'
  ) {
    throw new Error('demo results are not what they should be');
  }
  console.log('\ndemo ok');
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

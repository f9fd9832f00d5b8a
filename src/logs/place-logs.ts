// First stage of a log-set analysis: every file named like a log is classified by its name, checked against its
// own header (generation, size), and the numbered and current logs are given their place by generation. A file ESE
// could not open still holds its place, so that a damaged log is reported as damaged rather than as a gap.
import { logFileSize } from '../ese/log-header.ts';
import { type ClassifiedName, type LogFileRole, classifyLogName } from './names.ts';
import type { Finding } from './findings.ts';
import type { LogEntry, LogFileReport, Placed } from './log-set.ts';

export interface PlacedEntries {
  /** One report per entry, in the order the entries were examined. */
  files: LogFileReport[];
  /** The numbered and current logs with a known generation, first one per generation. */
  placed: Placed[];
  findings: Finding[];
}

export function placeEntries(entries: readonly LogEntry[], base: string): PlacedEntries {
  const out: PlacedEntries = { files: [], placed: [], findings: [] };
  const byGeneration = new Map<number, Placed>();
  // Numbered logs first, so a current log that repeats a numbered generation is the one called duplicate.
  const classified = entries.map((e) => ({ e, c: classifyLogName(e.name, base) }));
  classified.sort((a, b) => rank(a.c.role) - rank(b.c.role) || a.e.name.localeCompare(b.e.name));
  for (const { e, c } of classified) {
    const report: LogFileReport = {
      name: e.name,
      role: c.role,
      generation: c.generation ?? null,
      fileSize: e.fileSize,
      status: 'ok',
    };
    out.files.push(report);
    if (c.role !== 'numbered' && c.role !== 'current') {
      out.findings.push(...classifyOther(e, c, report));
      continue;
    }
    const checked = checkLog(e, c);
    out.findings.push(...checked.findings);
    if (checked.findings.length > 0) report.status = 'invalid';
    report.generation = checked.generation;
    if (checked.generation === null) continue; // a current log whose header is unreadable has no known place
    const prior = byGeneration.get(checked.generation);
    if (prior) {
      report.status = 'duplicate';
      out.findings.push(duplicate(prior.entry, e, checked.generation));
      continue;
    }
    const place: Placed = { entry: e, role: c.role, generation: checked.generation };
    byGeneration.set(checked.generation, place);
    out.placed.push(place);
  }
  return out;
}

/** Reserve and temp logs, the checkpoint, other files: ESE recreates or ignores them; only their status is told. */
function classifyOther(e: LogEntry, c: ClassifiedName, report: LogFileReport): Finding[] {
  if (e.problem?.code === 'ESE_UNUSED') report.status = 'unused';
  else if (e.problem) {
    report.status = 'invalid';
    return [
      {
        code: 'reserve-log-invalid',
        severity: 'warning',
        message: `${e.name}: ${e.problem.message}; ESE recreates ${c.role} logs, so this does not block a restore`,
        files: [e.name],
      },
    ];
  } else if (c.role === 'other' || c.role === 'checkpoint') report.status = 'ignored';
  return [];
}

/** A numbered or current log against its header: readable, the generation its name says, the size it announces. */
function checkLog(e: LogEntry, c: ClassifiedName): { generation: number | null; findings: Finding[] } {
  if (e.problem || !e.header) {
    return {
      generation: c.generation ?? null,
      findings: [
        {
          code: 'log-header-invalid',
          severity: 'error',
          message: `${e.name}: ${e.problem?.message ?? 'no header'}`,
          files: [e.name],
        },
      ],
    };
  }
  const h = e.header;
  const findings: Finding[] = [];
  if (c.role === 'numbered' && h.generation !== c.generation) {
    findings.push({
      code: 'log-name-generation-mismatch',
      severity: 'error',
      message: `${e.name}: the name says generation ${c.generation} but the header says ${h.generation}`,
      files: [e.name],
      ranges: [{ low: c.generation!, high: c.generation! }],
    });
  }
  const expected = logFileSize(h);
  if (e.fileSize !== expected) {
    findings.push({
      code: 'log-size-mismatch',
      severity: 'error',
      message: `${e.name}: ${e.fileSize} bytes, but its header announces ${expected} (${h.fileSectors} sectors of ${h.sectorSize})`,
      files: [e.name],
    });
  }
  return { generation: c.role === 'current' ? h.generation : (c.generation ?? null), findings };
}

function duplicate(prior: LogEntry, e: LogEntry, generation: number): Finding {
  return {
    code: 'log-duplicate-generation',
    severity: 'error',
    message: `generation ${generation} is present twice: ${prior.name} and ${e.name}`,
    files: [prior.name, e.name],
    ranges: [{ low: generation, high: generation }],
  };
}

function rank(role: LogFileRole): number {
  return role === 'numbered' ? 0 : role === 'current' ? 1 : 2;
}

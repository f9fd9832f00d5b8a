// Reading a database, log, archive or request must not open a FIFO (the open waits for a writer forever) or a
// device (read forever): every reader stats first and refuses anything that is not a regular file, with the
// Node-style code fsError maps (EISDIR for a folder, EINVAL for the rest).

/** Throws `not a regular file` (code EISDIR or EINVAL) unless `st` describes a regular file. */
export function requireRegularFile(st: { isFile(): boolean; isDirectory(): boolean }): void {
  if (!st.isFile())
    throw Object.assign(new Error('not a regular file'), { code: st.isDirectory() ? 'EISDIR' : 'EINVAL' });
}

/*
 * ntdsbcli-emu.c — an emulated ntdsbcli.dll for TESTS ONLY.
 *
 * Serves a DSA folder (ntds.dit, edb*.log, edb.chk) through the W exports of the Directory Backup API with the
 * documented contract of src/platform/ntdsbcli/API.md §1–§5: BFT-tagged UNC lists, the one-open-file rule,
 * read sizes, short reads, ERROR_HANDLE_EOF, an expiry token, and the KB 814167 "Restore in Progress" registry values.
 * Built by scripts/build-emu.sh (mingw-w64, x64) into build/native/ntdsbcli.dll; tests/native/emulator.test.ts drives
 * it under Wine through tests/native/harness.c.
 *
 * Configuration: environment variables, read at every call (a process may change them between calls).
 *   NTDSBCLI_EMU_DSA            Windows path of the DSA folder served (required: unset → hrCouldNotConnect).
 *   NTDSBCLI_EMU_ONLINE         "1" (default) or "0": what DsIsNTDSOnline reports; backups need 1, restores 0.
 *   NTDSBCLI_EMU_TSL_DAYS       tombstone lifetime written into new tokens (decimal days, default 180).
 *   NTDSBCLI_EMU_RESTORE_DIR    where DsRestoreGetDatabaseLocations says the files go (default: the DSA folder).
 *   NTDSBCLI_EMU_BFT_DOC_VALUES "1": directory tags 0x22/0x23 (the documentation's) instead of 0x82/0x83 (the header's).
 *   NTDSBCLI_EMU_COMPUTER       the computer name the emulator believes it runs on (default: GetComputerNameW).
 *   NTDSBCLI_EMU_FAIL           fault injection: "Name:0xHRESULT[@N][,Name:0xHRESULT[@N]…]" — that export returns
 *                               the value before doing anything: on every call, or only on its N-th call counted
 *                               since the variable last changed (in a new process: since the start).
 *   NTDSBCLI_EMU_LOG            Windows path of a trace file: one line per call (export, result, buffers the caller
 *                               still owns, live contexts), so a test can check that a client freed everything.
 *
 * Choices where the documentation says nothing (all deliberate; clients must treat any value ≠ S_OK as failure):
 *   - Server name NULL or empty → ERROR_INVALID_PARAMETER (87). A name containing '_' or not this computer's name
 *     (case-insensitive, leading backslashes optional) → RPC_S_INVALID_BINDING (1702), as documented.
 *   - DsBackupPrepareW: grbit ≠ 0 → 87; btFlag BACKUP_TYPE_INCREMENTAL (documented) or anything other than FULL and
 *     LOGS_ONLY → 87; BACKUP_TYPE_LOGS_ONLY ("not supported") → hrNyi (0xC0000001). NULL ppvExpiryToken or
 *     pcbExpiryTokenSize → hrInvalidParam (documented); NULL phbc → 87. Offline or no DSA configured →
 *     hrCouldNotConnect. Checks run in that order: pointers, server, flags, state.
 *   - Lists: NULL ppsz/pcbSize or *ppsz ≠ NULL on entry → 87.
 *   - DsBackupOpenFileW takes the entry's UNC path without its BFT character, or the file's local path
 *     (case-insensitive). Anything else → ERROR_FILE_NOT_FOUND (2). When a numbered log on disk already has edb.log's
 *     generation, the file on disk wins and edb.log is not listed.
 *   - Short reads: every third DsBackupRead of an open file returns at most half of cbBuffer (a multiple of 4096).
 *   - DsBackupTruncateLogs before any DsBackupGetBackupLogsW on that context → 87. It deletes the numbered logs the
 *     latest list named (never edb.log); files already gone are ignored; the first other deletion failure is
 *     returned as its Win32 code (after trying all). Calling it again is allowed (deletes what is left of that list).
 *   - DsRestorePrepareW: NULL phbc → 87; rtFlag other than 0 / RESTORE_TYPE_CATCHUP → 87; a NULL token → a restricted
 *     context (also while NTDS is online: it can only read locations); a token that is not this emulator's
 *     (size, magic or checksum) → hrUnknownExpiryTokenFormat; expired → hrContentsExpired; with a valid token while
 *     NTDS is online → ERROR_SERVICE_ALREADY_RUNNING (1056, winerror.h "An instance of the service is already
 *     running"): restores must be offline and no ntdsbmsg.h code says "the directory is running" (hrRestoreInProgress
 *     means another restore, hrCouldNotConnect the opposite state).
 *   - DsRestoreRegisterW: restricted context → hrMissingExpiryToken (documented); a backup context → hrInvalidHandle;
 *     NULL or empty paths, NULL rgrstmap or member, crstmap < 1, genLow > genHigh → 87. The key is deleted and written
 *     afresh, so it holds exactly the KB 814167 values.
 *   - DsRestoreRegisterComplete: restricted context → hrMissingExpiryToken; otherwise records hr and returns S_OK
 *     (also without a preceding DsRestoreRegister).
 *   - DsRestoreGetDatabaseLocationsW works on backup contexts too (the header says it is called at backup time).
 *   - DsBackup* on a restore context and DsRestoreEnd on a backup context → hrInvalidHandle.
 *   - DsSetCurrentBackupLogW checks the server name, then does nothing; DsSetAuthIdentityW does nothing. Both S_OK.
 *   - Safety: outside Wine, on a machine whose registry names an NTDS database (a real domain controller),
 *     DsBackupTruncateLogs, DsRestoreRegisterW and DsRestoreRegisterComplete refuse with ERROR_ACCESS_DENIED.
 *
 * Bookkeeping: live contexts and caller-owned buffers are kept in two process-wide tables so that unknown handles are
 * recognised (hrInvalidHandle) and DsBackupFree ignores pointers it did not hand out. Nothing else is shared between
 * contexts. Not thread-safe (not needed).
 */
#define WIN32_LEAN_AND_MEAN
#ifndef UNICODE
#define UNICODE
#endif
#ifndef _UNICODE
#define _UNICODE
#endif
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

typedef void *HBC;
typedef struct tagEDB_RSTMAPW {
    WCHAR *wszDatabaseName;
    WCHAR *wszNewDatabaseName;
} EDB_RSTMAPW;

/* ---- constants (ntdsbcli.h / ntdsbmsg.h, reference §1.2, §1.5, §2.1) ---- */
#define BACKUP_TYPE_FULL 0x01
#define BACKUP_TYPE_LOGS_ONLY 0x02
#define BACKUP_TYPE_INCREMENTAL 0x04
#define RESTORE_TYPE_CATCHUP 0x04

#define BFT_LOG 0x21
#define BFT_LOG_DIR 0x82
#define BFT_CHECKPOINT_DIR 0x83
#define BFT_NTDS_DATABASE 0x44
#define BFT_LOG_DIR_DOC 0x22
#define BFT_CHECKPOINT_DIR_DOC 0x23

#define hrNyi ((LONG)0xC0000001L)
#define hrInvalidParam ((LONG)0xC7FF0001L)
#define hrError ((LONG)0xC7FF0002L)
#define hrInvalidHandle ((LONG)0xC7FF0003L)
#define hrAlreadyOpen ((LONG)0xC7FF0005L)
#define hrCouldNotConnect ((LONG)0xC7FF0007L)
#define hrMissingExpiryToken ((LONG)0xC7FF000FL)
#define hrUnknownExpiryTokenFormat ((LONG)0xC7FF0010L)
#define hrContentsExpired ((LONG)0xC7FF0011L)

#define E_PARAM ((LONG)ERROR_INVALID_PARAMETER) /* 87 */
#define RESTORE_WHILE_ONLINE ((LONG)ERROR_SERVICE_ALREADY_RUNNING) /* 1056, see the header comment */

#define EMU_MAX 2048 /* WCHARs in any path the emulator builds */
#define READ_UNIT 8192
#define READ_MIN 24576

static const WCHAR RESTORE_KEY[] = L"SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore in Progress";
static const WCHAR EMU_KEY[] = L"Software\\ADDatabaseBackup\\ntdsbcli-emu";

/* ---- the expiry token: 32 bytes ---- */
#define TOKEN_SIZE 32
static const char TOKEN_MAGIC[8] = {'E', 'M', 'U', 'T', 'O', 'K', 'N', '1'};
/* 0..7 magic, 8..15 creation FILETIME (LE), 16..19 tombstone lifetime in days (LE), 20..23 zero,
   24..31 FNV-1a 64 of bytes 0..23 (LE). */

static ULONGLONG fnv1a64(const BYTE *p, size_t n) {
    ULONGLONG h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static void put_le(BYTE *p, ULONGLONG v, int bytes) {
    for (int i = 0; i < bytes; i++) p[i] = (BYTE)(v >> (8 * i));
}
static ULONGLONG get_le(const BYTE *p, int bytes) {
    ULONGLONG v = 0;
    for (int i = bytes - 1; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

/* ---- contexts ---- */
enum { CTX_BACKUP = 1, CTX_RESTORE = 2 };

typedef struct Ctx {
    struct Ctx *next;
    int kind;
    int restricted; /* restore context made without a token */
    /* backup: the open file */
    HANDLE file;
    ULONGLONG size, pos;
    unsigned reads;
    /* backup: the numbered logs of the latest DsBackupGetBackupLogsW ("\0"-separated local paths) */
    int logsListed;
    WCHAR *listedLogs;
    size_t listedLogsChars;
} Ctx;

static Ctx *g_contexts;
static int g_contextCount;

static int ctx_valid(Ctx *c) {
    if (c == NULL) return 0;
    for (Ctx *p = g_contexts; p != NULL; p = p->next)
        if (p == c) return 1;
    return 0;
}

static Ctx *ctx_new(int kind) {
    Ctx *c = (Ctx *)HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(Ctx));
    if (c == NULL) return NULL;
    c->kind = kind;
    c->file = INVALID_HANDLE_VALUE;
    c->next = g_contexts;
    g_contexts = c;
    g_contextCount++;
    return c;
}

static void ctx_free(Ctx *c) {
    for (Ctx **pp = &g_contexts; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    if (c->file != INVALID_HANDLE_VALUE) CloseHandle(c->file);
    if (c->listedLogs != NULL) HeapFree(GetProcessHeap(), 0, c->listedLogs);
    HeapFree(GetProcessHeap(), 0, c);
    g_contextCount--;
}

/* ---- buffers handed to the caller (freed by DsBackupFree) ---- */
static void **g_buffers;
static size_t g_bufferCount, g_bufferCap;

static void *caller_alloc(size_t bytes) {
    if (g_bufferCount == g_bufferCap) {
        size_t cap = g_bufferCap ? g_bufferCap * 2 : 16;
        void **n = g_buffers ? (void **)HeapReAlloc(GetProcessHeap(), 0, g_buffers, cap * sizeof(void *))
                             : (void **)HeapAlloc(GetProcessHeap(), 0, cap * sizeof(void *));
        if (n == NULL) return NULL;
        g_buffers = n;
        g_bufferCap = cap;
    }
    void *p = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, bytes ? bytes : 1);
    if (p != NULL) g_buffers[g_bufferCount++] = p;
    return p;
}

static int caller_free(void *p) {
    for (size_t i = 0; i < g_bufferCount; i++) {
        if (g_buffers[i] == p) {
            g_buffers[i] = g_buffers[--g_bufferCount];
            HeapFree(GetProcessHeap(), 0, p);
            return 1;
        }
    }
    return 0;
}

/* ---- environment ---- */
static int env_get(const WCHAR *name, WCHAR *out, DWORD cap) {
    DWORD n = GetEnvironmentVariableW(name, out, cap);
    if (n == 0 || n >= cap) {
        out[0] = 0;
        return 0;
    }
    return 1;
}

static int env_flag(const WCHAR *name, int dflt) {
    WCHAR v[16];
    if (!env_get(name, v, 16)) return dflt;
    if (wcscmp(v, L"1") == 0) return 1;
    if (wcscmp(v, L"0") == 0) return 0;
    return dflt;
}

static int is_online(void) { return env_flag(L"NTDSBCLI_EMU_ONLINE", 1); }

static DWORD tsl_days(void) {
    WCHAR v[32];
    if (!env_get(L"NTDSBCLI_EMU_TSL_DAYS", v, 32)) return 180;
    WCHAR *end;
    unsigned long d = wcstoul(v, &end, 10);
    if (end == v || *end != 0) return 180;
    return (DWORD)d;
}

static void computer_name(WCHAR *out, DWORD cap) {
    if (env_get(L"NTDSBCLI_EMU_COMPUTER", out, cap) && out[0] != 0) return;
    DWORD n = cap;
    if (!GetComputerNameW(out, &n)) out[0] = 0;
}

/* A folder path from the environment, normalised: '/' → '\', full path, no trailing backslash (except none). */
static int env_folder(const WCHAR *name, WCHAR *out) {
    WCHAR raw[EMU_MAX];
    if (!env_get(name, raw, EMU_MAX) || raw[0] == 0) return 0;
    for (WCHAR *p = raw; *p; p++)
        if (*p == L'/') *p = L'\\';
    DWORD n = GetFullPathNameW(raw, EMU_MAX, out, NULL);
    if (n == 0 || n >= EMU_MAX) return 0;
    size_t len = wcslen(out);
    while (len > 0 && out[len - 1] == L'\\') out[--len] = 0;
    return len > 0;
}

static int dsa_folder(WCHAR *out) { return env_folder(L"NTDSBCLI_EMU_DSA", out); }

static int restore_folder(WCHAR *out) {
    if (env_folder(L"NTDSBCLI_EMU_RESTORE_DIR", out)) return 1;
    return dsa_folder(out);
}

/* "X:\rest" → "\\COMPUTER\X$\rest"; a path already UNC is kept. */
static int to_unc(const WCHAR *local, WCHAR *out) {
    WCHAR comp[MAX_COMPUTERNAME_LENGTH + 64];
    if (local[0] == L'\\' && local[1] == L'\\') {
        if (wcslen(local) >= EMU_MAX) return 0;
        wcscpy(out, local);
        return 1;
    }
    if (!iswalpha(local[0]) || local[1] != L':') return 0;
    computer_name(comp, MAX_COMPUTERNAME_LENGTH + 64);
    int n = _snwprintf(out, EMU_MAX, L"\\\\%ls\\%lc$%ls", comp, (wint_t)towupper(local[0]), local + 2);
    return n > 0 && n < EMU_MAX;
}

static int join_path(const WCHAR *dir, const WCHAR *name, WCHAR *out) {
    int n = _snwprintf(out, EMU_MAX, L"%ls\\%ls", dir, name);
    return n > 0 && n < EMU_MAX;
}

/* ---- trace ---- */
static void trace(const char *fn, LONG hr, const char *extra) {
    WCHAR path[EMU_MAX];
    if (!env_get(L"NTDSBCLI_EMU_LOG", path, EMU_MAX) || path[0] == 0) return;
    char line[512];
    int n = _snprintf(line, sizeof line, "%s 0x%08lX buffers=%u contexts=%d%s%s\r\n", fn, (unsigned long)hr,
                      (unsigned)g_bufferCount, g_contextCount, extra ? " " : "", extra ? extra : "");
    if (n < 0 || n >= (int)sizeof line) n = (int)strlen(line);
    HANDLE h = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) return;
    DWORD w;
    WriteFile(h, line, (DWORD)n, &w, NULL);
    CloseHandle(h);
}

/* ---- fault injection ---- */
enum {
    F_DsIsNTDSOnlineW, F_DsBackupPrepareW, F_DsBackupGetDatabaseNamesW, F_DsBackupOpenFileW, F_DsBackupRead,
    F_DsBackupClose, F_DsBackupGetBackupLogsW, F_DsBackupTruncateLogs, F_DsBackupEnd, F_DsBackupFree,
    F_DsRestorePrepareW, F_DsRestoreGetDatabaseLocationsW, F_DsRestoreRegisterW, F_DsRestoreRegisterComplete,
    F_DsRestoreEnd, F_DsSetCurrentBackupLogW, F_DsSetAuthIdentityW, F_COUNT
};
static const char *const FN_NAMES[F_COUNT] = {
    "DsIsNTDSOnlineW", "DsBackupPrepareW", "DsBackupGetDatabaseNamesW", "DsBackupOpenFileW", "DsBackupRead",
    "DsBackupClose", "DsBackupGetBackupLogsW", "DsBackupTruncateLogs", "DsBackupEnd", "DsBackupFree",
    "DsRestorePrepareW", "DsRestoreGetDatabaseLocationsW", "DsRestoreRegisterW", "DsRestoreRegisterComplete",
    "DsRestoreEnd", "DsSetCurrentBackupLogW", "DsSetAuthIdentityW",
};
static unsigned g_calls[F_COUNT];
static WCHAR g_lastFailSpec[1024];

/* Counts the call; returns 1 and the value to return when NTDSBCLI_EMU_FAIL says this call fails. */
static int fault(int fn, LONG *hr) {
    WCHAR spec[1024];
    env_get(L"NTDSBCLI_EMU_FAIL", spec, 1024);
    if (wcscmp(spec, g_lastFailSpec) != 0) {
        wcscpy(g_lastFailSpec, spec);
        memset(g_calls, 0, sizeof g_calls);
    }
    unsigned call = ++g_calls[fn];
    WCHAR name[64];
    size_t nameLen = 0;
    for (const char *c = FN_NAMES[fn]; *c && nameLen < 63; c++) name[nameLen++] = (WCHAR)*c;
    name[nameLen] = 0;
    for (WCHAR *item = spec, *next; item != NULL && *item != 0; item = next) {
        next = wcspbrk(item, L",;");
        if (next != NULL) *next++ = 0;
        while (*item == L' ') item++;
        WCHAR *colon = wcschr(item, L':');
        if (colon == NULL) continue;
        *colon = 0;
        if (_wcsicmp(item, name) != 0) continue;
        WCHAR *end;
        unsigned long value = wcstoul(colon + 1, &end, 0);
        if (end == colon + 1) continue;
        unsigned long nth = 0;
        if (*end == L'@') {
            WCHAR *end2;
            nth = wcstoul(end + 1, &end2, 10);
            if (end2 == end + 1) continue;
        }
        if (nth == 0 || nth == call) {
            *hr = (LONG)value;
            return 1;
        }
    }
    return 0;
}

#define ENTER(id)                                                                                                    \
    do {                                                                                                             \
        LONG fault_;                                                                                                 \
        if (fault((id), &fault_)) {                                                                                  \
            trace(FN_NAMES[id], fault_, "injected");                                                                 \
            return fault_;                                                                                           \
        }                                                                                                            \
    } while (0)

static LONG leave(int id, LONG hr) {
    trace(FN_NAMES[id], hr, NULL);
    return hr;
}

/* ---- safety: never change a real domain controller ---- */
static int on_real_dc(void) {
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    if (ntdll != NULL && GetProcAddress(ntdll, "wine_get_version") != NULL) return 0;
    HKEY k;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters", 0, KEY_QUERY_VALUE,
                      &k) != ERROR_SUCCESS)
        return 0;
    LONG r = RegQueryValueExW(k, L"DSA Database file", NULL, NULL, NULL, NULL);
    RegCloseKey(k);
    return r == ERROR_SUCCESS;
}

/* ---- server name rule (reference §1.4) ---- */
static LONG check_server(LPCWSTR server) {
    if (server == NULL) return E_PARAM;
    while (*server == L'\\') server++;
    if (*server == 0) return E_PARAM;
    if (wcschr(server, L'_') != NULL) return RPC_S_INVALID_BINDING;
    WCHAR comp[MAX_COMPUTERNAME_LENGTH + 64];
    computer_name(comp, MAX_COMPUTERNAME_LENGTH + 64);
    if (comp[0] == 0 || _wcsicmp(server, comp) != 0) return RPC_S_INVALID_BINDING;
    return S_OK;
}

/* ---- the files served ---- */
typedef struct Entry {
    WCHAR bft;
    ULONG gen;
    int current; /* edb.log, presented under its generation's name */
    WCHAR unc[EMU_MAX];
    WCHAR local[EMU_MAX]; /* the file read */
    WCHAR shown[EMU_MAX]; /* the local path under the name shown (differs from local for edb.log) */
} Entry;

typedef struct Entries {
    Entry *items;
    size_t count, cap;
} Entries;

static Entry *entries_push(Entries *e) {
    if (e->count == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 8;
        Entry *n = e->items ? (Entry *)HeapReAlloc(GetProcessHeap(), 0, e->items, cap * sizeof(Entry))
                            : (Entry *)HeapAlloc(GetProcessHeap(), 0, cap * sizeof(Entry));
        if (n == NULL) return NULL;
        e->items = n;
        e->cap = cap;
    }
    Entry *it = &e->items[e->count++];
    memset(it, 0, sizeof *it);
    return it;
}

static void entries_free(Entries *e) {
    if (e->items != NULL) HeapFree(GetProcessHeap(), 0, e->items);
    e->items = NULL;
    e->count = e->cap = 0;
}

/* "edb" + 5 or 8 hex digits + ".log" → generation; 0 when not a numbered log name. */
static ULONG numbered_generation(const WCHAR *name) {
    size_t len = wcslen(name);
    if (len != 12 && len != 15) return 0;
    if (_wcsnicmp(name, L"edb", 3) != 0 || _wcsicmp(name + len - 4, L".log") != 0) return 0;
    ULONG g = 0;
    for (size_t i = 3; i < len - 4; i++) {
        WCHAR c = name[i];
        int d = (c >= L'0' && c <= L'9') ? c - L'0' : (c >= L'a' && c <= L'f') ? c - L'a' + 10
                                                  : (c >= L'A' && c <= L'F') ? c - L'A' + 10 : -1;
        if (d < 0) return 0;
        g = (g << 4) | (ULONG)d;
    }
    return g;
}

/* The generation in a log header: LE int32 at offset 4; 0 when unreadable. */
static ULONG header_generation(const WCHAR *path) {
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) return 0;
    BYTE b[8];
    DWORD got = 0;
    BOOL ok = ReadFile(h, b, 8, &got, NULL);
    CloseHandle(h);
    if (!ok || got < 8) return 0;
    LONG g = (LONG)get_le(b + 4, 4);
    return g > 0 ? (ULONG)g : 0;
}

static LONG add_entry(Entries *e, WCHAR bft, const WCHAR *local, const WCHAR *shown, ULONG gen, int current) {
    Entry *it = entries_push(e);
    if (it == NULL) return ERROR_NOT_ENOUGH_MEMORY;
    it->bft = bft;
    it->gen = gen;
    it->current = current;
    if (wcslen(local) >= EMU_MAX || wcslen(shown) >= EMU_MAX) return hrError;
    wcscpy(it->local, local);
    wcscpy(it->shown, shown);
    if (!to_unc(shown, it->unc)) return hrError;
    return S_OK;
}

static LONG database_entries(Entries *e) {
    WCHAR dsa[EMU_MAX], path[EMU_MAX];
    if (!dsa_folder(dsa) || !join_path(dsa, L"ntds.dit", path)) return hrCouldNotConnect;
    return add_entry(e, BFT_NTDS_DATABASE, path, path, 0, 0);
}

/* The numbered logs in the folder, then edb.log under its generation's numbered name, by generation. */
static LONG log_entries(Entries *e) {
    WCHAR dsa[EMU_MAX], pattern[EMU_MAX], path[EMU_MAX], shown[EMU_MAX];
    if (!dsa_folder(dsa) || !join_path(dsa, L"edb*.log", pattern)) return hrCouldNotConnect;
    WIN32_FIND_DATAW fd;
    HANDLE find = FindFirstFileW(pattern, &fd);
    if (find != INVALID_HANDLE_VALUE) {
        do {
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
            ULONG g = numbered_generation(fd.cFileName);
            if (g == 0) continue;
            if (!join_path(dsa, fd.cFileName, path)) {
                FindClose(find);
                return hrError;
            }
            LONG hr = add_entry(e, BFT_LOG, path, path, g, 0);
            if (hr != S_OK) {
                FindClose(find);
                return hr;
            }
        } while (FindNextFileW(find, &fd));
        FindClose(find);
    }
    if (!join_path(dsa, L"edb.log", path)) return hrError;
    ULONG g = header_generation(path);
    int taken = 0;
    for (size_t i = 0; i < e->count; i++)
        if (e->items[i].bft == BFT_LOG && e->items[i].gen == g) taken = 1;
    if (g != 0 && !taken) {
        WCHAR name[32];
        _snwprintf(name, 32, g <= 0xFFFFF ? L"edb%05lX.log" : L"edb%08lX.log", (unsigned long)g);
        name[31] = 0;
        if (!join_path(dsa, name, shown)) return hrError;
        LONG hr = add_entry(e, BFT_LOG, path, shown, g, 1);
        if (hr != S_OK) return hr;
    }
    /* by generation (insertion sort; few items) */
    for (size_t i = 1; i < e->count; i++) {
        if (e->items[i].bft != BFT_LOG) continue;
        Entry tmp = e->items[i];
        size_t j = i;
        while (j > 0 && e->items[j - 1].bft == BFT_LOG && e->items[j - 1].gen > tmp.gen) {
            e->items[j] = e->items[j - 1];
            j--;
        }
        e->items[j] = tmp;
    }
    return S_OK;
}

static LONG location_entries(Entries *e) {
    WCHAR dir[EMU_MAX], path[EMU_MAX];
    if (!restore_folder(dir) || !join_path(dir, L"ntds.dit", path)) return hrCouldNotConnect;
    int doc = env_flag(L"NTDSBCLI_EMU_BFT_DOC_VALUES", 0);
    LONG hr = add_entry(e, BFT_NTDS_DATABASE, path, path, 0, 0);
    if (hr == S_OK) hr = add_entry(e, doc ? BFT_LOG_DIR_DOC : BFT_LOG_DIR, dir, dir, 0, 0);
    if (hr == S_OK) hr = add_entry(e, doc ? BFT_CHECKPOINT_DIR_DOC : BFT_CHECKPOINT_DIR, dir, dir, 0, 0);
    return hr;
}

/* <bft><unc>\0 … \0, allocated for the caller. */
static LONG make_list(const Entries *e, LPWSTR *ppsz, LPDWORD pcb) {
    size_t chars = 1;
    for (size_t i = 0; i < e->count; i++) chars += 1 + wcslen(e->items[i].unc) + 1;
    WCHAR *buf = (WCHAR *)caller_alloc(chars * sizeof(WCHAR));
    if (buf == NULL) return ERROR_NOT_ENOUGH_MEMORY;
    WCHAR *p = buf;
    for (size_t i = 0; i < e->count; i++) {
        *p++ = e->items[i].bft;
        size_t n = wcslen(e->items[i].unc);
        memcpy(p, e->items[i].unc, n * sizeof(WCHAR));
        p += n;
        *p++ = 0;
    }
    *p++ = 0;
    *ppsz = buf;
    *pcb = (DWORD)(chars * sizeof(WCHAR));
    return S_OK;
}

static LONG list_args(LPWSTR *ppsz, LPDWORD pcb) {
    if (ppsz == NULL || pcb == NULL || *ppsz != NULL) return E_PARAM;
    return S_OK;
}

static Ctx *backup_ctx(HBC hbc) {
    Ctx *c = (Ctx *)hbc;
    return ctx_valid(c) && c->kind == CTX_BACKUP ? c : NULL;
}
static Ctx *restore_ctx(HBC hbc) {
    Ctx *c = (Ctx *)hbc;
    return ctx_valid(c) && c->kind == CTX_RESTORE ? c : NULL;
}

/* =================================================== exports =================================================== */

LONG WINAPI DsIsNTDSOnlineW(LPCWSTR szServerName, BOOL *pfNTDSOnline) {
    ENTER(F_DsIsNTDSOnlineW);
    if (pfNTDSOnline == NULL) return leave(F_DsIsNTDSOnlineW, E_PARAM);
    LONG hr = check_server(szServerName);
    if (hr != S_OK) return leave(F_DsIsNTDSOnlineW, hr);
    WCHAR dsa[EMU_MAX];
    if (!dsa_folder(dsa)) return leave(F_DsIsNTDSOnlineW, hrCouldNotConnect);
    *pfNTDSOnline = is_online() ? TRUE : FALSE;
    return leave(F_DsIsNTDSOnlineW, S_OK);
}

LONG WINAPI DsBackupPrepareW(LPCWSTR szBackupServer, ULONG grbit, ULONG btFlag, PVOID *ppvExpiryToken,
                             LPDWORD pcbExpiryTokenSize, HBC *phbc) {
    ENTER(F_DsBackupPrepareW);
    if (ppvExpiryToken == NULL || pcbExpiryTokenSize == NULL) return leave(F_DsBackupPrepareW, hrInvalidParam);
    *ppvExpiryToken = NULL;
    *pcbExpiryTokenSize = 0;
    if (phbc == NULL) return leave(F_DsBackupPrepareW, E_PARAM);
    *phbc = NULL;
    LONG hr = check_server(szBackupServer);
    if (hr != S_OK) return leave(F_DsBackupPrepareW, hr);
    if (grbit != 0) return leave(F_DsBackupPrepareW, E_PARAM);
    if (btFlag == BACKUP_TYPE_LOGS_ONLY) return leave(F_DsBackupPrepareW, hrNyi);
    if (btFlag != BACKUP_TYPE_FULL) return leave(F_DsBackupPrepareW, E_PARAM);
    WCHAR dsa[EMU_MAX];
    if (!dsa_folder(dsa) || !is_online()) return leave(F_DsBackupPrepareW, hrCouldNotConnect);

    BYTE *token = (BYTE *)caller_alloc(TOKEN_SIZE);
    if (token == NULL) return leave(F_DsBackupPrepareW, ERROR_NOT_ENOUGH_MEMORY);
    Ctx *c = ctx_new(CTX_BACKUP);
    if (c == NULL) {
        caller_free(token);
        return leave(F_DsBackupPrepareW, ERROR_NOT_ENOUGH_MEMORY);
    }
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    memcpy(token, TOKEN_MAGIC, 8);
    put_le(token + 8, ((ULONGLONG)now.dwHighDateTime << 32) | now.dwLowDateTime, 8);
    put_le(token + 16, tsl_days(), 4);
    put_le(token + 24, fnv1a64(token, 24), 8);
    *ppvExpiryToken = token;
    *pcbExpiryTokenSize = TOKEN_SIZE;
    *phbc = c;
    return leave(F_DsBackupPrepareW, S_OK);
}

LONG WINAPI DsBackupGetDatabaseNamesW(HBC hbc, LPWSTR *pszAttachmentInfo, LPDWORD pcbSize) {
    ENTER(F_DsBackupGetDatabaseNamesW);
    if (backup_ctx(hbc) == NULL) return leave(F_DsBackupGetDatabaseNamesW, hrInvalidHandle);
    LONG hr = list_args(pszAttachmentInfo, pcbSize);
    if (hr != S_OK) return leave(F_DsBackupGetDatabaseNamesW, hr);
    Entries e = {0};
    hr = database_entries(&e);
    if (hr == S_OK) hr = make_list(&e, pszAttachmentInfo, pcbSize);
    entries_free(&e);
    return leave(F_DsBackupGetDatabaseNamesW, hr);
}

LONG WINAPI DsBackupGetBackupLogsW(HBC hbc, LPWSTR *pszBackupLogFiles, LPDWORD pcbSize) {
    ENTER(F_DsBackupGetBackupLogsW);
    Ctx *c = backup_ctx(hbc);
    if (c == NULL) return leave(F_DsBackupGetBackupLogsW, hrInvalidHandle);
    LONG hr = list_args(pszBackupLogFiles, pcbSize);
    if (hr != S_OK) return leave(F_DsBackupGetBackupLogsW, hr);
    Entries e = {0};
    hr = log_entries(&e);
    WCHAR *listed = NULL;
    size_t listedChars = 0;
    if (hr == S_OK) {
        /* remember the numbered files on disk (not edb.log) for DsBackupTruncateLogs */
        size_t chars = 1;
        for (size_t i = 0; i < e.count; i++)
            if (!e.items[i].current) chars += wcslen(e.items[i].local) + 1;
        listed = (WCHAR *)HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, chars * sizeof(WCHAR));
        if (listed == NULL) hr = ERROR_NOT_ENOUGH_MEMORY;
        else {
            WCHAR *p = listed;
            for (size_t i = 0; i < e.count; i++) {
                if (e.items[i].current) continue;
                size_t n = wcslen(e.items[i].local);
                memcpy(p, e.items[i].local, n * sizeof(WCHAR));
                p += n + 1;
            }
            listedChars = chars;
        }
    }
    if (hr == S_OK) hr = make_list(&e, pszBackupLogFiles, pcbSize);
    if (hr == S_OK) {
        if (c->listedLogs != NULL) HeapFree(GetProcessHeap(), 0, c->listedLogs);
        c->listedLogs = listed;
        c->listedLogsChars = listedChars;
        c->logsListed = 1;
    } else if (listed != NULL) {
        HeapFree(GetProcessHeap(), 0, listed);
    }
    entries_free(&e);
    return leave(F_DsBackupGetBackupLogsW, hr);
}

LONG WINAPI DsBackupOpenFileW(HBC hbc, LPCWSTR szAttachmentName, DWORD cbReadHintSize, LARGE_INTEGER *pliFileSize) {
    ENTER(F_DsBackupOpenFileW);
    Ctx *c = backup_ctx(hbc);
    if (c == NULL) return leave(F_DsBackupOpenFileW, hrInvalidHandle);
    if (c->file != INVALID_HANDLE_VALUE) return leave(F_DsBackupOpenFileW, hrAlreadyOpen);
    if (szAttachmentName == NULL || pliFileSize == NULL || cbReadHintSize % READ_UNIT != 0 || cbReadHintSize < READ_MIN)
        return leave(F_DsBackupOpenFileW, E_PARAM);
    Entries e = {0};
    LONG hr = database_entries(&e);
    if (hr == S_OK) hr = log_entries(&e);
    const Entry *found = NULL;
    for (size_t i = 0; hr == S_OK && i < e.count && found == NULL; i++)
        if (_wcsicmp(szAttachmentName, e.items[i].unc) == 0 || _wcsicmp(szAttachmentName, e.items[i].shown) == 0)
            found = &e.items[i];
    if (hr == S_OK && found == NULL) hr = ERROR_FILE_NOT_FOUND;
    if (hr == S_OK) {
        HANDLE h = CreateFileW(found->local, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                               OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
        LARGE_INTEGER size;
        if (h == INVALID_HANDLE_VALUE) hr = (LONG)GetLastError();
        else if (!GetFileSizeEx(h, &size)) {
            hr = (LONG)GetLastError();
            CloseHandle(h);
        } else {
            c->file = h;
            c->size = (ULONGLONG)size.QuadPart;
            c->pos = 0;
            c->reads = 0;
            *pliFileSize = size;
        }
    }
    entries_free(&e);
    return leave(F_DsBackupOpenFileW, hr);
}

LONG WINAPI DsBackupRead(HBC hbc, PVOID pvBuffer, DWORD cbBuffer, PDWORD pcbRead) {
    ENTER(F_DsBackupRead);
    Ctx *c = backup_ctx(hbc);
    if (c == NULL || c->file == INVALID_HANDLE_VALUE) return leave(F_DsBackupRead, hrInvalidHandle);
    if (pcbRead != NULL) *pcbRead = 0;
    if (pvBuffer == NULL || pcbRead == NULL || cbBuffer % READ_UNIT != 0 || cbBuffer < READ_MIN)
        return leave(F_DsBackupRead, E_PARAM);
    c->reads++;
    if (c->pos >= c->size) return leave(F_DsBackupRead, ERROR_HANDLE_EOF);
    ULONGLONG want = cbBuffer;
    if (c->reads % 3 == 0) want = cbBuffer / 2; /* a short read, as "some transports fragment the buffer" */
    if (want > c->size - c->pos) want = c->size - c->pos;
    LARGE_INTEGER at;
    at.QuadPart = (LONGLONG)c->pos;
    if (!SetFilePointerEx(c->file, at, NULL, FILE_BEGIN)) return leave(F_DsBackupRead, (LONG)GetLastError());
    DWORD got = 0;
    if (!ReadFile(c->file, pvBuffer, (DWORD)want, &got, NULL)) return leave(F_DsBackupRead, (LONG)GetLastError());
    if (got == 0) { /* the file shrank under us */
        c->size = c->pos;
        return leave(F_DsBackupRead, ERROR_HANDLE_EOF);
    }
    c->pos += got;
    *pcbRead = got;
    char extra[48];
    _snprintf(extra, sizeof extra, "read=%lu", (unsigned long)got);
    extra[sizeof extra - 1] = 0;
    trace(FN_NAMES[F_DsBackupRead], S_OK, extra);
    return S_OK;
}

LONG WINAPI DsBackupClose(HBC hbc) {
    ENTER(F_DsBackupClose);
    Ctx *c = backup_ctx(hbc);
    if (c == NULL || c->file == INVALID_HANDLE_VALUE) return leave(F_DsBackupClose, hrInvalidHandle);
    CloseHandle(c->file);
    c->file = INVALID_HANDLE_VALUE;
    c->size = c->pos = 0;
    c->reads = 0;
    return leave(F_DsBackupClose, S_OK);
}

LONG WINAPI DsBackupTruncateLogs(HBC hbc) {
    ENTER(F_DsBackupTruncateLogs);
    Ctx *c = backup_ctx(hbc);
    if (c == NULL) return leave(F_DsBackupTruncateLogs, hrInvalidHandle);
    if (!c->logsListed) return leave(F_DsBackupTruncateLogs, E_PARAM);
    if (on_real_dc()) return leave(F_DsBackupTruncateLogs, ERROR_ACCESS_DENIED);
    LONG first = S_OK;
    for (WCHAR *p = c->listedLogs; p != NULL && *p != 0; p += wcslen(p) + 1) {
        if (!DeleteFileW(p)) {
            DWORD err = GetLastError();
            if (err != ERROR_FILE_NOT_FOUND && err != ERROR_PATH_NOT_FOUND && first == S_OK) first = (LONG)err;
        }
    }
    return leave(F_DsBackupTruncateLogs, first);
}

LONG WINAPI DsBackupEnd(HBC hbc) {
    ENTER(F_DsBackupEnd);
    Ctx *c = backup_ctx(hbc);
    if (c == NULL) return leave(F_DsBackupEnd, hrInvalidHandle);
    ctx_free(c);
    return leave(F_DsBackupEnd, S_OK);
}

VOID WINAPI DsBackupFree(PVOID pvBuffer) {
    LONG ignored;
    fault(F_DsBackupFree, &ignored); /* counted only: a VOID function cannot fail */
    if (pvBuffer == NULL) return;
    int ours = caller_free(pvBuffer);
    trace(FN_NAMES[F_DsBackupFree], S_OK, ours ? NULL : "not-ours");
}

LONG WINAPI DsRestorePrepareW(LPCWSTR szServerName, ULONG rtFlag, PVOID pvExpiryToken, DWORD cbExpiryTokenSize,
                              HBC *phbc) {
    ENTER(F_DsRestorePrepareW);
    if (phbc == NULL) return leave(F_DsRestorePrepareW, E_PARAM);
    *phbc = NULL;
    LONG hr = check_server(szServerName);
    if (hr != S_OK) return leave(F_DsRestorePrepareW, hr);
    if (rtFlag != 0 && rtFlag != RESTORE_TYPE_CATCHUP) return leave(F_DsRestorePrepareW, E_PARAM);
    WCHAR dsa[EMU_MAX];
    if (!dsa_folder(dsa)) return leave(F_DsRestorePrepareW, hrCouldNotConnect);
    int restricted = pvExpiryToken == NULL;
    if (!restricted) {
        const BYTE *t = (const BYTE *)pvExpiryToken;
        if (cbExpiryTokenSize != TOKEN_SIZE || memcmp(t, TOKEN_MAGIC, 8) != 0 || get_le(t + 24, 8) != fnv1a64(t, 24) ||
            get_le(t + 20, 4) != 0)
            return leave(F_DsRestorePrepareW, hrUnknownExpiryTokenFormat);
        ULONGLONG created = get_le(t + 8, 8);
        ULONGLONG days = get_le(t + 16, 4);
        FILETIME nowFt;
        GetSystemTimeAsFileTime(&nowFt);
        ULONGLONG now = ((ULONGLONG)nowFt.dwHighDateTime << 32) | nowFt.dwLowDateTime;
        /* 100-ns units per day: 864000000000; beyond 20 million days the product would overflow (never expires) */
        if (days <= 20000000ULL && now > created && now - created > days * 864000000000ULL)
            return leave(F_DsRestorePrepareW, hrContentsExpired);
        if (is_online()) return leave(F_DsRestorePrepareW, RESTORE_WHILE_ONLINE);
    }
    Ctx *c = ctx_new(CTX_RESTORE);
    if (c == NULL) return leave(F_DsRestorePrepareW, ERROR_NOT_ENOUGH_MEMORY);
    c->restricted = restricted;
    *phbc = c;
    return leave(F_DsRestorePrepareW, S_OK);
}

LONG WINAPI DsRestoreGetDatabaseLocationsW(HBC hbc, LPWSTR *pszDatabaseLocationList, LPDWORD pcbSize) {
    ENTER(F_DsRestoreGetDatabaseLocationsW);
    if (!ctx_valid((Ctx *)hbc)) return leave(F_DsRestoreGetDatabaseLocationsW, hrInvalidHandle);
    LONG hr = list_args(pszDatabaseLocationList, pcbSize);
    if (hr != S_OK) return leave(F_DsRestoreGetDatabaseLocationsW, hr);
    Entries e = {0};
    hr = location_entries(&e);
    if (hr == S_OK) hr = make_list(&e, pszDatabaseLocationList, pcbSize);
    entries_free(&e);
    return leave(F_DsRestoreGetDatabaseLocationsW, hr);
}

static LONG set_sz(HKEY k, const WCHAR *name, const WCHAR *value) {
    return RegSetValueExW(k, name, 0, REG_SZ, (const BYTE *)value, (DWORD)((wcslen(value) + 1) * sizeof(WCHAR)));
}
static LONG set_dword(HKEY k, const WCHAR *name, DWORD value) {
    return RegSetValueExW(k, name, 0, REG_DWORD, (const BYTE *)&value, sizeof value);
}

LONG WINAPI DsRestoreRegisterW(HBC hbc, LPCWSTR szCheckPointFilePath, LPCWSTR szLogPath, EDB_RSTMAPW rgrstmap[],
                               LONG crstmap, LPCWSTR szBackupLogPath, ULONG genLow, ULONG genHigh) {
    ENTER(F_DsRestoreRegisterW);
    Ctx *c = restore_ctx(hbc);
    if (c == NULL) return leave(F_DsRestoreRegisterW, hrInvalidHandle);
    if (c->restricted) return leave(F_DsRestoreRegisterW, hrMissingExpiryToken);
    if (szCheckPointFilePath == NULL || szLogPath == NULL || szBackupLogPath == NULL || szCheckPointFilePath[0] == 0 ||
        szLogPath[0] == 0 || szBackupLogPath[0] == 0 || rgrstmap == NULL || crstmap < 1 || genLow > genHigh)
        return leave(F_DsRestoreRegisterW, E_PARAM);
    size_t chars = 1;
    for (LONG i = 0; i < crstmap; i++) {
        if (rgrstmap[i].wszDatabaseName == NULL || rgrstmap[i].wszNewDatabaseName == NULL)
            return leave(F_DsRestoreRegisterW, E_PARAM);
        chars += wcslen(rgrstmap[i].wszDatabaseName) + 1 + wcslen(rgrstmap[i].wszNewDatabaseName) + 1;
    }
    if (on_real_dc()) return leave(F_DsRestoreRegisterW, ERROR_ACCESS_DENIED);
    WCHAR *multi = (WCHAR *)HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, chars * sizeof(WCHAR));
    if (multi == NULL) return leave(F_DsRestoreRegisterW, ERROR_NOT_ENOUGH_MEMORY);
    WCHAR *p = multi;
    for (LONG i = 0; i < crstmap; i++) {
        const WCHAR *pair[2] = {rgrstmap[i].wszDatabaseName, rgrstmap[i].wszNewDatabaseName};
        for (int j = 0; j < 2; j++) {
            size_t n = wcslen(pair[j]);
            memcpy(p, pair[j], n * sizeof(WCHAR));
            p += n + 1;
        }
    }
    RegDeleteKeyW(HKEY_LOCAL_MACHINE, RESTORE_KEY); /* start afresh: exactly the values below */
    HKEY k;
    LONG hr = RegCreateKeyExW(HKEY_LOCAL_MACHINE, RESTORE_KEY, 0, NULL, REG_OPTION_NON_VOLATILE, KEY_SET_VALUE, NULL, &k,
                              NULL);
    if (hr == ERROR_SUCCESS) {
        static const BYTE notRecovered[1] = {0x00};
        if (hr == ERROR_SUCCESS) hr = set_sz(k, L"BackupLogPath", szBackupLogPath);
        if (hr == ERROR_SUCCESS) hr = set_sz(k, L"CheckpointFilePath", szCheckPointFilePath);
        if (hr == ERROR_SUCCESS) hr = set_sz(k, L"LogPath", szLogPath);
        if (hr == ERROR_SUCCESS)
            hr = RegSetValueExW(k, L"NTDS Database recovered", 0, REG_BINARY, notRecovered, sizeof notRecovered);
        if (hr == ERROR_SUCCESS) hr = set_dword(k, L"LowLog Number", genLow);
        if (hr == ERROR_SUCCESS) hr = set_dword(k, L"HighLog Number", genHigh);
        if (hr == ERROR_SUCCESS) hr = set_dword(k, L"NTDS_RstMap Size", (DWORD)crstmap);
        if (hr == ERROR_SUCCESS)
            hr = RegSetValueExW(k, L"NTDS_RstMap", 0, REG_MULTI_SZ, (const BYTE *)multi, (DWORD)(chars * sizeof(WCHAR)));
        RegCloseKey(k);
    }
    HeapFree(GetProcessHeap(), 0, multi);
    return leave(F_DsRestoreRegisterW, hr);
}

LONG WINAPI DsRestoreRegisterComplete(HBC hbc, LONG hrRestoreState) {
    ENTER(F_DsRestoreRegisterComplete);
    Ctx *c = restore_ctx(hbc);
    if (c == NULL) return leave(F_DsRestoreRegisterComplete, hrInvalidHandle);
    if (c->restricted) return leave(F_DsRestoreRegisterComplete, hrMissingExpiryToken);
    if (on_real_dc()) return leave(F_DsRestoreRegisterComplete, ERROR_ACCESS_DENIED);
    HKEY k;
    LONG hr = RegCreateKeyExW(HKEY_LOCAL_MACHINE, EMU_KEY, 0, NULL, REG_OPTION_NON_VOLATILE, KEY_SET_VALUE, NULL, &k, NULL);
    if (hr == ERROR_SUCCESS) {
        hr = set_dword(k, L"Emulator RegisterComplete HRESULT", (DWORD)hrRestoreState);
        RegCloseKey(k);
    }
    return leave(F_DsRestoreRegisterComplete, hr == ERROR_SUCCESS ? S_OK : hr);
}

LONG WINAPI DsRestoreEnd(HBC hbc) {
    ENTER(F_DsRestoreEnd);
    Ctx *c = restore_ctx(hbc);
    if (c == NULL) return leave(F_DsRestoreEnd, hrInvalidHandle);
    ctx_free(c);
    return leave(F_DsRestoreEnd, S_OK);
}

LONG WINAPI DsSetCurrentBackupLogW(LPCWSTR szServerName, DWORD dwCurrentLog) {
    ENTER(F_DsSetCurrentBackupLogW);
    (void)dwCurrentLog;
    return leave(F_DsSetCurrentBackupLogW, check_server(szServerName));
}

LONG WINAPI DsSetAuthIdentityW(LPCWSTR szUserName, LPCWSTR szDomainName, LPCWSTR szPassword) {
    ENTER(F_DsSetAuthIdentityW);
    (void)szUserName;
    (void)szDomainName;
    (void)szPassword;
    return leave(F_DsSetAuthIdentityW, S_OK);
}

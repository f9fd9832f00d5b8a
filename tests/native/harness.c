/*
 * harness.c — drives an ntdsbcli.dll (the emulator, tests/native/ntdsbcli-emu.c) through LoadLibrary/GetProcAddress
 * exactly as a client would, and prints what happened, one record per line, for tests/native/emulator.test.ts:
 *
 *   <record> key=value key=value …
 *
 * Values are ASCII: codes as 0x%08X, strings and buffers as hex (UTF-16LE bytes for strings), so no code page is
 * involved. Scenarios (argv[2]):
 *
 * SERVER "@self" stands for \\NAME, NAME being NTDSBCLI_EMU_COMPUTER if set, else GetComputerNameW.
 *
 *   harness.exe DLL backup SERVER READSIZE [truncate]
 *       the documented backup sequence; every file of both lists read to the end (sizes, short reads, FNV-1a 64)
 *   harness.exe DLL restore SERVER TOKENHEX CHECKPOINT LOGPATH BACKUPLOGPATH GENLOW GENHIGH OLDDB NEWDB COMPLETEHR
 *       the documented restore sequence, registering the given values
 *   harness.exe DLL errors SERVER OTHERDLL DSA8 [TOKENHEX …]
 *       every error case, one "case" record each; OTHERDLL's exports; DSA8 a folder with 8-digit log names;
 *       each TOKENHEX is given to DsRestorePrepareW (record "case argtoken<i>")
 *
 * Exit code: 0 when the scenario ran (whatever the codes), 2 on a usage or load error.
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

typedef LONG(WINAPI *PF_DsIsNTDSOnlineW)(LPCWSTR, BOOL *);
typedef LONG(WINAPI *PF_DsBackupPrepareW)(LPCWSTR, ULONG, ULONG, PVOID *, LPDWORD, HBC *);
typedef LONG(WINAPI *PF_List)(HBC, LPWSTR *, LPDWORD);
typedef LONG(WINAPI *PF_DsBackupOpenFileW)(HBC, LPCWSTR, DWORD, LARGE_INTEGER *);
typedef LONG(WINAPI *PF_DsBackupRead)(HBC, PVOID, DWORD, PDWORD);
typedef LONG(WINAPI *PF_Hbc)(HBC);
typedef VOID(WINAPI *PF_DsBackupFree)(PVOID);
typedef LONG(WINAPI *PF_DsRestorePrepareW)(LPCWSTR, ULONG, PVOID, DWORD, HBC *);
typedef LONG(WINAPI *PF_DsRestoreRegisterW)(HBC, LPCWSTR, LPCWSTR, EDB_RSTMAPW *, LONG, LPCWSTR, ULONG, ULONG);
typedef LONG(WINAPI *PF_DsRestoreRegisterComplete)(HBC, LONG);
typedef LONG(WINAPI *PF_DsSetCurrentBackupLogW)(LPCWSTR, DWORD);
typedef LONG(WINAPI *PF_DsSetAuthIdentityW)(LPCWSTR, LPCWSTR, LPCWSTR);

static const char *const EXPORTS[] = {
    "DsIsNTDSOnlineW",   "DsBackupPrepareW",       "DsBackupGetDatabaseNamesW",      "DsBackupOpenFileW",
    "DsBackupRead",      "DsBackupClose",          "DsBackupGetBackupLogsW",         "DsBackupTruncateLogs",
    "DsBackupEnd",       "DsBackupFree",           "DsRestorePrepareW",              "DsRestoreGetDatabaseLocationsW",
    "DsRestoreRegisterW", "DsRestoreRegisterComplete", "DsRestoreEnd",               "DsSetCurrentBackupLogW",
    "DsSetAuthIdentityW",
};
#define N_EXPORTS (sizeof EXPORTS / sizeof EXPORTS[0])

static struct {
    PF_DsIsNTDSOnlineW IsOnline;
    PF_DsBackupPrepareW Prepare;
    PF_List Names;
    PF_DsBackupOpenFileW Open;
    PF_DsBackupRead Read;
    PF_Hbc Close;
    PF_List Logs;
    PF_Hbc Truncate;
    PF_Hbc End;
    PF_DsBackupFree Free;
    PF_DsRestorePrepareW RPrepare;
    PF_List Locations;
    PF_DsRestoreRegisterW Register;
    PF_DsRestoreRegisterComplete Complete;
    PF_Hbc REnd;
    PF_DsSetCurrentBackupLogW SetLog;
    PF_DsSetAuthIdentityW SetAuth;
} api;

#define BIND(field, type, name)                                                                                      \
    do {                                                                                                             \
        api.field = (type)(void (*)(void))GetProcAddress(dll, name);                                                 \
        if (api.field == NULL) {                                                                                     \
            printf("error missing-export=%s\n", name);                                                               \
            missing = 1;                                                                                             \
        }                                                                                                            \
    } while (0)

#define S_OK_ 0L
#define ERROR_HANDLE_EOF_ 38L
#define BACKUP_TYPE_FULL 0x01
#define RESTORE_TYPE_CATCHUP 0x04

/* ---------------------------------------------------------------------------------------------- output helpers */

static void print_hex(const void *p, size_t n) {
    const BYTE *b = (const BYTE *)p;
    for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

static void print_whex(const WCHAR *s) { print_hex(s, wcslen(s) * sizeof(WCHAR)); }

static void print_utf8(const WCHAR *s) {
    char buf[1024];
    int n = WideCharToMultiByte(CP_UTF8, 0, s, -1, buf, sizeof buf, NULL, NULL);
    if (n <= 0) buf[0] = 0;
    fputs(buf, stdout);
}

static ULONGLONG fnv_update(ULONGLONG h, const BYTE *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static size_t hex_to_bytes(const WCHAR *hex, BYTE *out, size_t cap) {
    size_t n = 0;
    for (size_t i = 0; hex[i] && hex[i + 1] && n < cap; i += 2) {
        WCHAR two[3] = {hex[i], hex[i + 1], 0};
        out[n++] = (BYTE)wcstoul(two, NULL, 16);
    }
    return n;
}

/* ------------------------------------------------------------------------------------------------- scenarios */

static WCHAR g_server[512];
static WCHAR g_computer[MAX_COMPUTERNAME_LENGTH + 64];
static WCHAR g_computerOverride[MAX_COMPUTERNAME_LENGTH + 64]; /* NTDSBCLI_EMU_COMPUTER at start, or empty */

/* Prints a list record and its raw bytes; returns the buffer (the caller frees it) or NULL. */
static WCHAR *get_list(const char *fn, PF_List f, HBC h) {
    LPWSTR list = NULL;
    DWORD cb = 0;
    LONG hr = f(h, &list, &cb);
    printf("list fn=%s hr=0x%08lX size=%lu data=", fn, (unsigned long)hr, (unsigned long)cb);
    if (hr == S_OK_ && list != NULL) print_hex(list, cb);
    printf("\n");
    return hr == S_OK_ ? list : NULL;
}

/* Opens, reads to the end, closes one file; prints one "file" record. */
static void read_file(HBC h, const WCHAR *name, DWORD readSize) {
    LARGE_INTEGER size;
    size.QuadPart = -1;
    LONG hr = api.Open(h, name, readSize, &size);
    printf("file name=");
    print_whex(name);
    printf(" open=0x%08lX", (unsigned long)hr);
    if (hr != S_OK_) {
        printf("\n");
        return;
    }
    BYTE *buf = (BYTE *)malloc(readSize);
    ULONGLONG total = 0, h64 = 0xcbf29ce484222325ULL;
    unsigned reads = 0, shortReads = 0;
    LONG endHr = 0;
    DWORD endRead = 0xFFFFFFFF;
    char sizes[8192];
    size_t used = 0;
    sizes[0] = 0;
    for (int guard = 0; guard < 1000000; guard++) {
        DWORD got = 0xFFFFFFFF;
        LONG r = api.Read(h, buf, readSize, &got);
        if (r != S_OK_) {
            endHr = r;
            endRead = got;
            break;
        }
        reads++;
        ULONGLONG remaining = (ULONGLONG)size.QuadPart - total;
        ULONGLONG full = remaining < readSize ? remaining : readSize;
        if (got < full) shortReads++;
        if (used + 16 < sizeof sizes) used += (size_t)snprintf(sizes + used, sizeof sizes - used, "%s%lu", reads > 1 ? "," : "", (unsigned long)got);
        h64 = fnv_update(h64, buf, got);
        total += got;
    }
    free(buf);
    LONG closeHr = api.Close(h);
    printf(" size=%lld total=%llu reads=%u short=%u fnv=%016llx end=0x%08lX endRead=%lu close=0x%08lX sizes=%s\n",
           (long long)size.QuadPart, (unsigned long long)total, reads, shortReads, (unsigned long long)h64,
           (unsigned long)endHr, (unsigned long)endRead, (unsigned long)closeHr, sizes);
}

static void read_all(HBC h, const WCHAR *list, DWORD readSize) {
    for (const WCHAR *p = list; p != NULL && *p != 0; p += wcslen(p) + 1) read_file(h, p + 1, readSize);
}

static int scenario_backup(int argc, WCHAR **argv) {
    if (argc < 5) return 2;
    DWORD readSize = (DWORD)wcstoul(argv[4], NULL, 0);
    int truncate = argc > 5 && wcscmp(argv[5], L"truncate") == 0;
    BOOL online = -1;
    LONG hr = api.IsOnline(g_server, &online);
    printf("online hr=0x%08lX online=%d\n", (unsigned long)hr, (int)online);
    PVOID token = NULL;
    DWORD cbToken = 0;
    HBC h = NULL;
    hr = api.Prepare(g_server, 0, BACKUP_TYPE_FULL, &token, &cbToken, &h);
    printf("prepare hr=0x%08lX tokenSize=%lu token=", (unsigned long)hr, (unsigned long)cbToken);
    if (token != NULL) print_hex(token, cbToken);
    printf("\n");
    if (hr != S_OK_) return 0;
    WCHAR *names = get_list("DsBackupGetDatabaseNamesW", api.Names, h);
    read_all(h, names, readSize);
    WCHAR *logs = get_list("DsBackupGetBackupLogsW", api.Logs, h);
    read_all(h, logs, readSize);
    WCHAR *locations = get_list("DsRestoreGetDatabaseLocationsW", api.Locations, h);
    if (truncate) printf("truncate hr=0x%08lX\n", (unsigned long)api.Truncate(h));
    api.Free(names);
    api.Free(logs);
    api.Free(locations);
    api.Free(token);
    printf("end hr=0x%08lX\n", (unsigned long)api.End(h));
    return 0;
}

static int scenario_restore(int argc, WCHAR **argv) {
    if (argc < 13) return 2;
    BYTE token[4096];
    size_t cbToken = hex_to_bytes(argv[4], token, sizeof token);
    BOOL online = -1;
    LONG hr = api.IsOnline(g_server, &online);
    printf("online hr=0x%08lX online=%d\n", (unsigned long)hr, (int)online);
    HBC h = NULL;
    hr = api.RPrepare(g_server, RESTORE_TYPE_CATCHUP, token, (DWORD)cbToken, &h);
    printf("rprepare hr=0x%08lX\n", (unsigned long)hr);
    if (hr != S_OK_) return 0;
    WCHAR *locations = get_list("DsRestoreGetDatabaseLocationsW", api.Locations, h);
    api.Free(locations);
    EDB_RSTMAPW map = {argv[10], argv[11]};
    hr = api.Register(h, argv[5], argv[6], &map, 1, argv[7], (ULONG)wcstoul(argv[8], NULL, 0),
                      (ULONG)wcstoul(argv[9], NULL, 0));
    printf("register hr=0x%08lX\n", (unsigned long)hr);
    hr = api.Complete(h, (LONG)wcstoul(argv[12], NULL, 0));
    printf("complete hr=0x%08lX\n", (unsigned long)hr);
    printf("rend hr=0x%08lX\n", (unsigned long)api.REnd(h));
    return 0;
}

/* ----------------------------------------------------------------------------------------------- error cases */

#define CASE(id, expr) printf("case %s hr=0x%08lX\n", (id), (unsigned long)(expr))

static void setenv_w(const WCHAR *name, const WCHAR *value) { SetEnvironmentVariableW(name, value); }

static HBC backup_prepare(PVOID *token, DWORD *cb) {
    HBC h = NULL;
    *token = NULL;
    *cb = 0;
    LONG hr = api.Prepare(g_server, 0, BACKUP_TYPE_FULL, token, cb, &h);
    if (hr != S_OK_) printf("setup-failed prepare hr=0x%08lX\n", (unsigned long)hr);
    return h;
}

static void print_exports(const char *which, const WCHAR *path) {
    HMODULE m = LoadLibraryW(path);
    if (m == NULL) {
        printf("exports dll=%s load=%lu\n", which, (unsigned long)GetLastError());
        return;
    }
    printf("exports dll=%s present=", which);
    int first = 1;
    for (size_t i = 0; i < N_EXPORTS; i++) {
        if (GetProcAddress(m, EXPORTS[i]) == NULL) continue;
        printf("%s%s", first ? "" : ",", EXPORTS[i]);
        first = 0;
    }
    printf(" missing=");
    first = 1;
    for (size_t i = 0; i < N_EXPORTS; i++) {
        if (GetProcAddress(m, EXPORTS[i]) != NULL) continue;
        printf("%s%s", first ? "" : ",", EXPORTS[i]);
        first = 0;
    }
    printf("\n");
    FreeLibrary(m);
}

static int scenario_errors(int argc, WCHAR **argv, const WCHAR *selfDll) {
    if (argc < 6) return 2;
    const WCHAR *otherDll = argv[4];
    const WCHAR *dsa8 = argv[5];
    WCHAR dsa[2048], path[4096], other[512];
    GetEnvironmentVariableW(L"NTDSBCLI_EMU_DSA", dsa, 2048);
    BOOL online;
    BYTE junk[64];
    memset(junk, 0, sizeof junk);
    HBC bogus = (HBC)junk;

    /* --- server names, DsIsNTDSOnline --- */
    CASE("online-null-server", api.IsOnline(NULL, &online));
    CASE("online-empty-server", api.IsOnline(L"", &online));
    CASE("online-only-backslashes", api.IsOnline(L"\\\\", &online));
    CASE("online-other-server", api.IsOnline(L"\\\\NOT-THIS-HOST", &online));
    CASE("online-null-out", api.IsOnline(g_server, NULL));
    online = -1;
    CASE("online-without-backslashes", api.IsOnline(g_computer, &online));
    printf("value online-without-backslashes online=%d\n", (int)online);
    _snwprintf(other, 512, L"\\\\%ls", g_computer);
    other[511] = 0;
    _wcslwr(other);
    CASE("online-lowercase", api.IsOnline(other, &online));
    setenv_w(L"NTDSBCLI_EMU_ONLINE", L"0");
    online = -1;
    CASE("online-offline", api.IsOnline(g_server, &online));
    printf("value online-offline online=%d\n", (int)online);
    setenv_w(L"NTDSBCLI_EMU_ONLINE", NULL); /* default: online */
    online = -1;
    CASE("online-default", api.IsOnline(g_server, &online));
    printf("value online-default online=%d\n", (int)online);
    setenv_w(L"NTDSBCLI_EMU_DSA", NULL);
    CASE("online-no-dsa", api.IsOnline(g_server, &online));
    setenv_w(L"NTDSBCLI_EMU_DSA", dsa);
    setenv_w(L"NTDSBCLI_EMU_COMPUTER", L"EMU_DC");
    CASE("online-underscore-even-if-own-name", api.IsOnline(L"\\\\EMU_DC", &online));
    setenv_w(L"NTDSBCLI_EMU_COMPUTER", L"EMUDC01");
    CASE("online-computer-override", api.IsOnline(L"EMUDC01", &online));
    CASE("online-computer-override-real-name", api.IsOnline(g_server, &online));
    {
        PVOID t;
        DWORD cb;
        HBC h = NULL;
        CASE("prepare-computer-override", api.Prepare(L"\\\\emudc01", 0, BACKUP_TYPE_FULL, &t, &cb, &h));
        WCHAR *l = get_list("override-DsBackupGetDatabaseNamesW", api.Names, h);
        api.Free(l);
        api.Free(t);
        CASE("end-computer-override", api.End(h));
    }
    setenv_w(L"NTDSBCLI_EMU_COMPUTER", g_computerOverride[0] ? g_computerOverride : NULL);

    /* --- DsBackupPrepare --- */
    {
        PVOID t = NULL;
        DWORD cb = 0;
        HBC h = NULL;
        CASE("prepare-null-token", api.Prepare(g_server, 0, BACKUP_TYPE_FULL, NULL, &cb, &h));
        CASE("prepare-null-token-size", api.Prepare(g_server, 0, BACKUP_TYPE_FULL, &t, NULL, &h));
        CASE("prepare-null-hbc", api.Prepare(g_server, 0, BACKUP_TYPE_FULL, &t, &cb, NULL));
        printf("value prepare-null-hbc token-null=%d\n", t == NULL);
        CASE("prepare-grbit", api.Prepare(g_server, 1, BACKUP_TYPE_FULL, &t, &cb, &h));
        CASE("prepare-incremental", api.Prepare(g_server, 0, 0x4, &t, &cb, &h));
        CASE("prepare-logs-only", api.Prepare(g_server, 0, 0x2, &t, &cb, &h));
        CASE("prepare-type-zero", api.Prepare(g_server, 0, 0, &t, &cb, &h));
        CASE("prepare-other-server", api.Prepare(L"\\\\NOT-THIS-HOST", 0, BACKUP_TYPE_FULL, &t, &cb, &h));
        CASE("prepare-null-server", api.Prepare(NULL, 0, BACKUP_TYPE_FULL, &t, &cb, &h));
        setenv_w(L"NTDSBCLI_EMU_ONLINE", L"0");
        CASE("prepare-offline", api.Prepare(g_server, 0, BACKUP_TYPE_FULL, &t, &cb, &h));
        printf("value prepare-offline token-null=%d hbc-null=%d\n", t == NULL, h == NULL);
        setenv_w(L"NTDSBCLI_EMU_ONLINE", L"1");
    }

    /* --- one backup context: lists, open, read, close --- */
    PVOID token;
    DWORD cbToken;
    HBC h = backup_prepare(&token, &cbToken);
    {
        LPWSTR notNull = (LPWSTR)junk;
        DWORD cb = 0;
        CASE("names-not-null-on-entry", api.Names(h, &notNull, &cb));
        printf("value names-not-null-on-entry untouched=%d\n", notNull == (LPWSTR)junk);
        LPWSTR l = NULL;
        CASE("names-null-size", api.Names(h, &l, NULL));
        CASE("names-null-list", api.Names(h, NULL, &cb));
        CASE("logs-not-null-on-entry", api.Logs(h, &notNull, &cb));
        CASE("locations-not-null-on-entry", api.Locations(h, &notNull, &cb));
    }
    CASE("truncate-before-logs", api.Truncate(h));
    WCHAR *names = get_list("DsBackupGetDatabaseNamesW", api.Names, h);
    const WCHAR *dbUnc = names != NULL ? names + 1 : L"";
    LARGE_INTEGER size;
    CASE("open-hint-8192", api.Open(h, dbUnc, 8192, &size));
    CASE("open-hint-24577", api.Open(h, dbUnc, 24577, &size));
    CASE("open-hint-0", api.Open(h, dbUnc, 0, &size));
    CASE("open-hint-40960", api.Open(h, dbUnc, 40960, &size)); /* a multiple of 8192, ≥ 24576: fine */
    CASE("close-after-hint-40960", api.Close(h));
    CASE("open-null-size", api.Open(h, dbUnc, 24576, NULL));
    CASE("open-null-name", api.Open(h, NULL, 24576, &size));
    _snwprintf(path, 4096, L"%ls.missing", dbUnc);
    path[4095] = 0;
    CASE("open-unknown-name", api.Open(h, path, 24576, &size));
    CASE("open-with-bft-prefix", api.Open(h, names != NULL ? names : L"", 24576, &size));
    _snwprintf(path, 4096, L"%ls\\edb.log", dsa);
    path[4095] = 0;
    CASE("open-edb-log-by-own-name", api.Open(h, path, 24576, &size));
    _snwprintf(path, 4096, L"%ls\\edb.chk", dsa);
    path[4095] = 0;
    CASE("open-checkpoint", api.Open(h, path, 24576, &size));
    {
        DWORD got;
        BYTE *buf = (BYTE *)malloc(65536);
        CASE("read-no-file", api.Read(h, buf, 65536, &got));
        CASE("close-no-file", api.Close(h));
        _snwprintf(path, 4096, L"%ls\\NTDS.DIT", dsa);
        path[4095] = 0;
        size.QuadPart = -1;
        CASE("open-local-path-other-case", api.Open(h, path, 24576, &size));
        printf("value open-local-path-other-case size=%lld\n", (long long)size.QuadPart);
        CASE("open-second", api.Open(h, dbUnc, 24576, &size));
        CASE("read-8192", api.Read(h, buf, 8192, &got));
        CASE("read-30000", api.Read(h, buf, 30000, &got));
        CASE("read-0", api.Read(h, buf, 0, &got));
        CASE("read-null-buffer", api.Read(h, NULL, 65536, &got));
        CASE("read-null-count", api.Read(h, buf, 65536, NULL));
        setenv_w(L"NTDSBCLI_EMU_FAIL", L"DsBackupRead:0xC8000212");
        CASE("fail-read-always-1", api.Read(h, buf, 65536, &got));
        CASE("fail-read-always-2", api.Read(h, buf, 65536, &got));
        setenv_w(L"NTDSBCLI_EMU_FAIL", L"DsBackupRead:0xC8000212@2");
        CASE("fail-read-nth-1", api.Read(h, buf, 65536, &got));
        CASE("fail-read-nth-2", api.Read(h, buf, 65536, &got));
        CASE("fail-read-nth-3", api.Read(h, buf, 65536, &got));
        setenv_w(L"NTDSBCLI_EMU_FAIL", L" dsbackupclose:5 ; DsSetAuthIdentityW:1,DsIsNTDSOnlineW:0xC7FF0007");
        CASE("fail-list-close", api.Close(h));
        CASE("fail-list-auth", api.SetAuth(NULL, NULL, NULL));
        CASE("fail-list-online", api.IsOnline(g_server, &online));
        CASE("fail-list-other-function", api.SetLog(g_server, 3));
        setenv_w(L"NTDSBCLI_EMU_FAIL", L"DsBackupRead:garbage,DsBackupClose");
        CASE("fail-malformed-ignored", api.Read(h, buf, 65536, &got));
        setenv_w(L"NTDSBCLI_EMU_FAIL", NULL);
        CASE("close", api.Close(h));
        CASE("close-again", api.Close(h));
        free(buf);
    }
    WCHAR *logs = get_list("DsBackupGetBackupLogsW", api.Logs, h);
    {
        /* the last entry is edb.log under its numbered name */
        const WCHAR *last = NULL;
        for (const WCHAR *p = logs; p != NULL && *p != 0; p += wcslen(p) + 1) last = p;
        size.QuadPart = -1;
        CASE("open-current-log-numbered-name", api.Open(h, last != NULL ? last + 1 : L"", 24576, &size));
        printf("value open-current-log-numbered-name size=%lld\n", (long long)size.QuadPart);
        CASE("close-current-log", api.Close(h));
    }
    /* locations on a backup context, and their variants */
    WCHAR *loc = get_list("DsRestoreGetDatabaseLocationsW", api.Locations, h);
    api.Free(loc);
    setenv_w(L"NTDSBCLI_EMU_BFT_DOC_VALUES", L"1");
    loc = get_list("doc-DsRestoreGetDatabaseLocationsW", api.Locations, h);
    api.Free(loc);
    setenv_w(L"NTDSBCLI_EMU_BFT_DOC_VALUES", NULL);
    setenv_w(L"NTDSBCLI_EMU_RESTORE_DIR", L"C:/Restore Target/NTDS/");
    loc = get_list("restoredir-DsRestoreGetDatabaseLocationsW", api.Locations, h);
    api.Free(loc);
    setenv_w(L"NTDSBCLI_EMU_RESTORE_DIR", NULL);
    /* 8-digit generations */
    setenv_w(L"NTDSBCLI_EMU_DSA", dsa8);
    WCHAR *logs8 = get_list("dsa8-DsBackupGetBackupLogsW", api.Logs, h);
    {
        const WCHAR *last = NULL;
        for (const WCHAR *p = logs8; p != NULL && *p != 0; p += wcslen(p) + 1) last = p;
        size.QuadPart = -1;
        CASE("dsa8-open-current-log", api.Open(h, last != NULL ? last + 1 : L"", 24576, &size));
        printf("value dsa8-open-current-log size=%lld\n", (long long)size.QuadPart);
        CASE("dsa8-close", api.Close(h));
    }
    api.Free(logs8);
    setenv_w(L"NTDSBCLI_EMU_DSA", dsa);

    /* --- handles --- */
    {
        LPWSTR l = NULL;
        DWORD cb, got;
        BYTE buf[32768];
        EDB_RSTMAPW map = {L"a", L"b"};
        const HBC bad[2] = {NULL, bogus};
        const char *kind[2] = {"null", "unknown"};
        char id[64];
        for (int i = 0; i < 2; i++) {
#define HCASE(fn, expr) (snprintf(id, sizeof id, "%s-hbc-%s", kind[i], fn), CASE(id, expr))
            HCASE("names", api.Names(bad[i], &l, &cb));
            HCASE("logs", api.Logs(bad[i], &l, &cb));
            HCASE("locations", api.Locations(bad[i], &l, &cb));
            HCASE("open", api.Open(bad[i], dbUnc, 24576, &size));
            HCASE("read", api.Read(bad[i], buf, 32768, &got));
            HCASE("close", api.Close(bad[i]));
            HCASE("truncate", api.Truncate(bad[i]));
            HCASE("end", api.End(bad[i]));
            HCASE("register", api.Register(bad[i], L"c", L"l", &map, 1, L"b", 1, 2));
            HCASE("complete", api.Complete(bad[i], 0));
            HCASE("rend", api.REnd(bad[i]));
        }
        CASE("rend-on-backup-context", api.REnd(h));
        CASE("register-on-backup-context", api.Register(h, L"c", L"l", &map, 1, L"b", 1, 2));
        CASE("complete-on-backup-context", api.Complete(h, 0));
        api.Free(NULL);
        api.Free(junk); /* not ours: ignored */
        CASE("set-current-backup-log", api.SetLog(g_server, 5));
        CASE("set-current-backup-log-other-server", api.SetLog(L"\\\\NOT-THIS-HOST", 5));
        CASE("set-auth-identity", api.SetAuth(L"user", L"DOMAIN", L"secret"));
    }
    api.Free(names);
    api.Free(logs);
    api.Free(token);
    CASE("end", api.End(h));
    CASE("end-again", api.End(h));
    CASE("read-after-end", api.Read(h, junk, 32768, &cbToken));

    /* --- DsRestorePrepare --- */
    h = backup_prepare(&token, &cbToken); /* a valid token */
    CASE("end-token-source", api.End(h));
    setenv_w(L"NTDSBCLI_EMU_ONLINE", L"0");
    {
        HBC r = NULL;
        CASE("rprepare-null-hbc", api.RPrepare(g_server, RESTORE_TYPE_CATCHUP, token, cbToken, NULL));
        CASE("rprepare-other-server", api.RPrepare(L"\\\\NOT-THIS-HOST", RESTORE_TYPE_CATCHUP, token, cbToken, &r));
        CASE("rprepare-empty-server", api.RPrepare(L"", RESTORE_TYPE_CATCHUP, token, cbToken, &r));
        CASE("rprepare-authoritative", api.RPrepare(g_server, 0x1, token, cbToken, &r));
        CASE("rprepare-online-flag", api.RPrepare(g_server, 0x2, token, cbToken, &r));
        CASE("rprepare-flag-5", api.RPrepare(g_server, 0x5, token, cbToken, &r));
        CASE("rprepare-flag-0", api.RPrepare(g_server, 0, token, cbToken, &r));
        CASE("rend-flag-0", api.REnd(r));
        CASE("rprepare-catchup", api.RPrepare(g_server, RESTORE_TYPE_CATCHUP, token, cbToken, &r));
        CASE("rend-catchup", api.REnd(r));
        CASE("rend-again", api.REnd(r));
        BYTE bad[64];
        memset(bad, 0, sizeof bad);
        CASE("rprepare-zero-token", api.RPrepare(g_server, RESTORE_TYPE_CATCHUP, bad, 32, &r));
        CASE("rprepare-token-size-0", api.RPrepare(g_server, RESTORE_TYPE_CATCHUP, token, 0, &r));
        CASE("rprepare-token-size-31", api.RPrepare(g_server, RESTORE_TYPE_CATCHUP, token, 31, &r));
        memcpy(bad, token, 32);
        bad[12] ^= 1; /* the creation time changed: the checksum no longer matches */
        CASE("rprepare-token-tampered", api.RPrepare(g_server, RESTORE_TYPE_CATCHUP, bad, 32, &r));
        memcpy(bad, token, 32);
        memcpy(bad + 32, "extra", 5);
        CASE("rprepare-token-size-37", api.RPrepare(g_server, RESTORE_TYPE_CATCHUP, bad, 37, &r));
        setenv_w(L"NTDSBCLI_EMU_ONLINE", L"1");
        CASE("rprepare-online", api.RPrepare(g_server, RESTORE_TYPE_CATCHUP, token, cbToken, &r));
        printf("value rprepare-online hbc-null=%d\n", r == NULL);
        /* restricted: no token (allowed while online: it only reads locations) */
        CASE("rprepare-restricted", api.RPrepare(g_server, RESTORE_TYPE_CATCHUP, NULL, 0, &r));
        WCHAR *l = get_list("restricted-DsRestoreGetDatabaseLocationsW", api.Locations, r);
        api.Free(l);
        EDB_RSTMAPW map = {L"C:\\Windows\\NTDS\\ntds.dit", L"C:\\Windows\\NTDS\\ntds.dit"};
        CASE("restricted-register", api.Register(r, L"C:\\Windows\\NTDS", L"C:\\Windows\\NTDS", &map, 1, L"C:\\Windows\\NTDS", 1, 4));
        CASE("restricted-complete", api.Complete(r, 0));
        CASE("restricted-end", api.REnd(r));
        setenv_w(L"NTDSBCLI_EMU_ONLINE", L"0");
        /* DsRestoreRegister argument checks (nothing is written) */
        CASE("rprepare-for-register", api.RPrepare(g_server, RESTORE_TYPE_CATCHUP, token, cbToken, &r));
        const WCHAR *d = L"C:\\Windows\\NTDS";
        EDB_RSTMAPW nullMember = {L"C:\\Windows\\NTDS\\ntds.dit", NULL};
        CASE("register-null-checkpoint", api.Register(r, NULL, d, &map, 1, d, 1, 4));
        CASE("register-null-log", api.Register(r, d, NULL, &map, 1, d, 1, 4));
        CASE("register-null-backup-log", api.Register(r, d, d, &map, 1, NULL, 1, 4));
        CASE("register-empty-log", api.Register(r, d, L"", &map, 1, d, 1, 4));
        CASE("register-null-map", api.Register(r, d, d, NULL, 1, d, 1, 4));
        CASE("register-crstmap-0", api.Register(r, d, d, &map, 0, d, 1, 4));
        CASE("register-crstmap-negative", api.Register(r, d, d, &map, -1, d, 1, 4));
        CASE("register-null-map-member", api.Register(r, d, d, &nullMember, 1, d, 1, 4));
        CASE("register-low-above-high", api.Register(r, d, d, &map, 1, d, 5, 4));
        CASE("rend-register", api.REnd(r));
        /* an expired token: tombstone lifetime 0 days */
        api.Free(token);
        setenv_w(L"NTDSBCLI_EMU_ONLINE", L"1");
        setenv_w(L"NTDSBCLI_EMU_TSL_DAYS", L"0");
        h = backup_prepare(&token, &cbToken);
        printf("value tsl0-token token=");
        print_hex(token, cbToken);
        printf("\n");
        CASE("end-tsl0", api.End(h));
        setenv_w(L"NTDSBCLI_EMU_TSL_DAYS", NULL);
        setenv_w(L"NTDSBCLI_EMU_ONLINE", L"0");
        Sleep(50);
        CASE("rprepare-expired", api.RPrepare(g_server, RESTORE_TYPE_CATCHUP, token, cbToken, &r));
        api.Free(token);
        /* tokens made by the test */
        for (int i = 6; i < argc; i++) {
            BYTE t[256];
            size_t n = hex_to_bytes(argv[i], t, sizeof t);
            char id[32];
            snprintf(id, sizeof id, "argtoken%d", i - 6);
            r = NULL;
            CASE(id, api.RPrepare(g_server, RESTORE_TYPE_CATCHUP, t, (DWORD)n, &r));
            if (r != NULL) api.REnd(r);
        }
    }
    setenv_w(L"NTDSBCLI_EMU_ONLINE", NULL);

    /* --- exports of both DLLs --- */
    print_exports("self", selfDll);
    print_exports("other", otherDll);
    return 0;
}

/* ------------------------------------------------------------------------------------------------------ main */

int wmain(int argc, WCHAR **argv) {
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (argc < 4) {
        fprintf(stderr, "usage: harness.exe DLL backup|restore|errors SERVER …\n");
        return 2;
    }
    HMODULE dll = LoadLibraryW(argv[1]);
    if (dll == NULL) {
        printf("error load=%lu\n", (unsigned long)GetLastError());
        return 2;
    }
    int missing = 0;
    BIND(IsOnline, PF_DsIsNTDSOnlineW, "DsIsNTDSOnlineW");
    BIND(Prepare, PF_DsBackupPrepareW, "DsBackupPrepareW");
    BIND(Names, PF_List, "DsBackupGetDatabaseNamesW");
    BIND(Open, PF_DsBackupOpenFileW, "DsBackupOpenFileW");
    BIND(Read, PF_DsBackupRead, "DsBackupRead");
    BIND(Close, PF_Hbc, "DsBackupClose");
    BIND(Logs, PF_List, "DsBackupGetBackupLogsW");
    BIND(Truncate, PF_Hbc, "DsBackupTruncateLogs");
    BIND(End, PF_Hbc, "DsBackupEnd");
    BIND(Free, PF_DsBackupFree, "DsBackupFree");
    BIND(RPrepare, PF_DsRestorePrepareW, "DsRestorePrepareW");
    BIND(Locations, PF_List, "DsRestoreGetDatabaseLocationsW");
    BIND(Register, PF_DsRestoreRegisterW, "DsRestoreRegisterW");
    BIND(Complete, PF_DsRestoreRegisterComplete, "DsRestoreRegisterComplete");
    BIND(REnd, PF_Hbc, "DsRestoreEnd");
    BIND(SetLog, PF_DsSetCurrentBackupLogW, "DsSetCurrentBackupLogW");
    BIND(SetAuth, PF_DsSetAuthIdentityW, "DsSetAuthIdentityW");
    if (missing) return 2;
    /* the computer name the DLL compares with: GetComputerNameW, or the emulator's override when set */
    DWORD n = MAX_COMPUTERNAME_LENGTH + 64;
    n = GetEnvironmentVariableW(L"NTDSBCLI_EMU_COMPUTER", g_computerOverride, MAX_COMPUTERNAME_LENGTH + 64);
    if (n == 0 || n >= MAX_COMPUTERNAME_LENGTH + 64) g_computerOverride[0] = 0;
    n = MAX_COMPUTERNAME_LENGTH + 64;
    if (g_computerOverride[0] != 0) wcscpy(g_computer, g_computerOverride);
    else if (!GetComputerNameW(g_computer, &n)) g_computer[0] = 0;
    if (wcscmp(argv[3], L"@self") == 0) _snwprintf(g_server, 511, L"\\\\%ls", g_computer);
    else wcsncpy(g_server, argv[3], 511);
    g_server[511] = 0;
    printf("computer name=");
    print_utf8(g_computer);
    printf(" server=");
    print_utf8(g_server);
    printf("\n");
    int rc = 2;
    if (wcscmp(argv[2], L"backup") == 0) rc = scenario_backup(argc, argv);
    else if (wcscmp(argv[2], L"restore") == 0) rc = scenario_restore(argc, argv);
    else if (wcscmp(argv[2], L"errors") == 0) rc = scenario_errors(argc, argv, argv[1]);
    printf("done rc=%d\n", rc);
    fflush(stdout);
    return rc;
}

/*
 * vssapi-emu.c — an emulated vssapi.dll for TESTS ONLY.
 *
 * Exports CreateVssBackupComponentsInternal and VssFreeSnapshotPropertiesInternal (the names the SDK's inline
 * CreateVssBackupComponents / VssFreeSnapshotProperties call). The IVssBackupComponents object it hands out implements
 * the calls of a full backup with the NTDS writer (the sequence in src/platform/vss/requester.ts) over folders on the Wine drive, in the vtable order of mingw-w64's vsbackup.h (IVssBackupComponentsVtbl,
 * IVssExamineWriterMetadataVtbl, IVssWMComponentVtbl), vss.h (IVssAsyncVtbl) and vswriter.h (IVssWMFiledescVtbl):
 * the vtables below ARE those header structs, so the slot of every method is the header's, and the static asserts
 * pin the indexes the requester in src/platform/vss uses. Every slot not implemented returns E_NOTIMPL.
 * Built by scripts/build-emu.sh (mingw-w64, x64) into build/native/vss/vssapi.dll.
 *
 * Configuration: environment variables, read when needed.
 *   VSSAPI_EMU_NTDS        Windows path of the folder holding ntds.dit (the writer's DATABASE_FILES path). Required
 *                          for the NTDS writer to be listed.
 *   VSSAPI_EMU_NTDS_LOGS   the folder of edb*.log and edb.chk (default: VSSAPI_EMU_NTDS).
 *   VSSAPI_EMU_SNAPSHOTS   the folder standing for \\?\GLOBALROOT\Device: DoSnapshotSet copies the writer's files of each
 *                          volume in the set to <this>\HarddiskVolumeShadowCopy<N>\<path below the volume root>, and
 *                          that folder is the snapshot's device object. Deleting the snapshot removes it.
 *   VSSAPI_EMU_WRITER      "missing": the NTDS writer is not listed (it failed Identify, or this is no DC).
 *   VSSAPI_EMU_WRITER_FAILS_AT  PrepareForBackup | DoSnapshotSet | BackupComplete: after that step the NTDS writer's
 *                          status is VSS_WS_FAILED_AT_PREPARE_BACKUP (7) / _FREEZE (9) / _BACKUP_COMPLETE (12) with
 *                          VSS_E_WRITERERROR_NONRETRYABLE; the step itself succeeds (as with VSS: only the status says).
 *   VSSAPI_EMU_FAIL        "Method:0xHRESULT[,…]": that method fails with the value before doing anything; for the
 *                          asynchronous ones (GatherWriterMetadata, GatherWriterStatus, PrepareForBackup, DoSnapshotSet,
 *                          BackupComplete) the value arrives through IVssAsync::QueryStatus, as VSS reports vetoes;
 *                          "Method!:0xHRESULT" makes such a method itself return the value instead.
 *                          "CreateVssBackupComponents:0x80070005" makes the export itself fail (not elevated).
 *   VSSAPI_EMU_PENDING     "Method:ms[,…]": that asynchronous method's operation takes ms milliseconds: until then
 *                          QueryStatus says VSS_S_ASYNC_PENDING and Wait(t) sleeps up to t (a slow writer freeze, for
 *                          the interruption tests); IVssAsync::Cancel ends it as VSS_S_ASYNC_CANCELLED.
 *   VSSAPI_EMU_WATCH       Windows path of a file (the archive): DoSnapshotSet, SetBackupSucceeded and BackupComplete log
 *                          "watch=present" or "watch=absent", so a test sees what existed when the writer was told.
 *   VSSAPI_EMU_LOG         Windows path of the call log: one line per call, "<Method> <hr>[ details]", appended.
 *                          The final Release of the backup components object logs "Release final snapshots=<left>
 *                          deleted=<n> live=<interfaces the caller still holds>".
 * Order rules enforced (VSS_E_BAD_STATE otherwise): InitializeForBackup first; GatherWriterMetadata once; AddComponent
 * after it; AddToSnapshotSet after StartSnapshotSet; PrepareForBackup before DoSnapshotSet; SetBackupSucceeded and
 * BackupComplete only after a successful DoSnapshotSet.
 * Not thread-safe (not needed).
 */
#define WIN32_LEAN_AND_MEAN
#ifndef UNICODE
#define UNICODE
#endif
#include <windows.h>
#include <objbase.h>
#include <initguid.h> /* defines the IIDs the VSS headers declare */
#include <oleauto.h>
#include <stddef.h>
#include <stdio.h>
#include <stdarg.h>
#include <wchar.h>
#include <vss.h>
#include <vswriter.h>
#include <vsbackup.h>
#include <vsserror.h>

/* The vtable indexes the requester calls (reference §3); a header whose layout differed would fail to build. */
#define SLOT(T, m) (offsetof(T, m) / sizeof(void *))
_Static_assert(SLOT(IVssBackupComponentsVtbl, InitializeForBackup) == 5, "vsbackup.h order");
_Static_assert(SLOT(IVssBackupComponentsVtbl, SetBackupState) == 6, "vsbackup.h order");
_Static_assert(SLOT(IVssBackupComponentsVtbl, GatherWriterMetadata) == 9, "vsbackup.h order");
_Static_assert(SLOT(IVssBackupComponentsVtbl, AddComponent) == 13, "vsbackup.h order");
_Static_assert(SLOT(IVssBackupComponentsVtbl, PrepareForBackup) == 14, "vsbackup.h order");
_Static_assert(SLOT(IVssBackupComponentsVtbl, GetWriterStatus) == 19, "vsbackup.h order");
_Static_assert(SLOT(IVssBackupComponentsVtbl, SetBackupSucceeded) == 20, "vsbackup.h order");
_Static_assert(SLOT(IVssBackupComponentsVtbl, SaveAsXML) == 26, "vsbackup.h order");
_Static_assert(SLOT(IVssBackupComponentsVtbl, BackupComplete) == 27, "vsbackup.h order");
_Static_assert(SLOT(IVssBackupComponentsVtbl, SetContext) == 35, "vsbackup.h order");
_Static_assert(SLOT(IVssBackupComponentsVtbl, StartSnapshotSet) == 36, "vsbackup.h order");
_Static_assert(SLOT(IVssBackupComponentsVtbl, DoSnapshotSet) == 38, "vsbackup.h order");
_Static_assert(SLOT(IVssBackupComponentsVtbl, DeleteSnapshots) == 39, "vsbackup.h order");
_Static_assert(SLOT(IVssBackupComponentsVtbl, GetSnapshotProperties) == 42, "vsbackup.h order");
_Static_assert(SLOT(IVssBackupComponentsVtbl, IsVolumeSupported) == 44, "vsbackup.h order");
_Static_assert(sizeof(IVssBackupComponentsVtbl) / sizeof(void *) == 51, "vsbackup.h: 51 slots");
_Static_assert(SLOT(IVssAsyncVtbl, QueryStatus) == 5, "vss.h order");
_Static_assert(SLOT(IVssExamineWriterMetadataVtbl, GetComponent) == 7, "vsbackup.h order");
_Static_assert(SLOT(IVssWMComponentVtbl, GetDatabaseLogFile) == 7, "vsbackup.h order");
_Static_assert(SLOT(IVssWMFiledescVtbl, GetBackupTypeMask) == 7, "vswriter.h order");
_Static_assert(offsetof(VSS_SNAPSHOT_PROP, m_pwszSnapshotDeviceObject) == 40, "vss.h layout");
_Static_assert(offsetof(VSS_COMPONENTINFO, cDatabases) == 56, "vsbackup.h layout");

#define EMU_MAX 1024
#define MAX_VOLUMES 4
static const GUID NTDS_WRITER = {0xb2014c9e, 0x8711, 0x4c5c, {0xa5, 0xa9, 0x3c, 0xf3, 0x84, 0x48, 0x47, 0x57}};
static const GUID NTDS_INSTANCE = {0x5a0c1f4e, 0x0000, 0x4e55, {0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}};
static const GUID OTHER_WRITER = {0xafbab4a2, 0x367d, 0x4d15, {0xa5, 0x86, 0x71, 0xdb, 0xb1, 0x8f, 0x84, 0x85}};
static const GUID EMU_PROVIDER = {0x5a0c1f4e, 0x0000, 0x4e55, {0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02}};

/* ---- configuration, logging, fault injection ---- */

static BOOL env(const WCHAR *name, WCHAR *buf, DWORD n) {
    DWORD got = GetEnvironmentVariableW(name, buf, n);
    return got > 0 && got < n;
}

static void emu_log(const char *fmt, ...) {
    WCHAR path[EMU_MAX];
    if (!env(L"VSSAPI_EMU_LOG", path, EMU_MAX)) return;
    FILE *f = _wfopen(path, L"ab"); /* binary: one \n per line, no \r */
    if (!f) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
}

/* The injected failure for a method, or S_OK. */
static HRESULT injected(const char *method) {
    WCHAR spec[EMU_MAX];
    if (!env(L"VSSAPI_EMU_FAIL", spec, EMU_MAX)) return S_OK;
    char s[EMU_MAX];
    WideCharToMultiByte(CP_UTF8, 0, spec, -1, s, EMU_MAX, NULL, NULL);
    size_t len = strlen(method);
    for (char *p = s; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        if (strncmp(p, method, len) == 0 && p[len] == ':') return (HRESULT)strtoul(p + len + 1, NULL, 16);
    }
    return S_OK;
}

static HRESULT done(const char *method, HRESULT hr, const char *detail) {
    emu_log("%s 0x%08lX%s%s", method, (unsigned long)hr, detail && *detail ? " " : "", detail ? detail : "");
    return hr;
}

/* How long the operation of an asynchronous method stays pending (VSSAPI_EMU_PENDING), 0 for none. */
static DWORD pending_ms(const char *method) {
    WCHAR spec[EMU_MAX];
    if (!env(L"VSSAPI_EMU_PENDING", spec, EMU_MAX)) return 0;
    char s[EMU_MAX];
    WideCharToMultiByte(CP_UTF8, 0, spec, -1, s, EMU_MAX, NULL, NULL);
    size_t len = strlen(method);
    for (char *p = s; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        if (strncmp(p, method, len) == 0 && p[len] == ':') return (DWORD)strtoul(p + len + 1, NULL, 10);
    }
    return 0;
}

/* " watch=present|absent" for VSSAPI_EMU_WATCH, or "". */
static const char *watched(void) {
    WCHAR path[EMU_MAX];
    if (!env(L"VSSAPI_EMU_WATCH", path, EMU_MAX)) return "";
    return GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES ? " watch=absent" : " watch=present";
}

static void guid_text(const GUID *g, char *out) {
    sprintf(out, "{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", (unsigned long)g->Data1, g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2],
            g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

static WCHAR *co_string(const WCHAR *s) {
    size_t n = (wcslen(s) + 1) * sizeof(WCHAR);
    WCHAR *p = CoTaskMemAlloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

/* Objects handed out and not yet released by the caller (async, metadata, components, file descriptors). */
static LONG g_live = 0;

static HRESULT STDMETHODCALLTYPE not_implemented(void *self) {
    (void)self;
    emu_log("(unimplemented slot) 0x%08lX", (unsigned long)E_NOTIMPL);
    return E_NOTIMPL;
}

#define FILL(vt)                                                                                   \
    do {                                                                                           \
        void **slot_ = (void **)&(vt);                                                             \
        for (size_t i_ = 0; i_ < sizeof(vt) / sizeof(void *); i_++) slot_[i_] = (void *)not_implemented; \
    } while (0)

/* ---- the writer's state (the NTDS writer and one other) ---- */

typedef struct Writer {
    BOOL listed;
    VSS_WRITER_STATE state;
    HRESULT failure;
} Writer;
static Writer g_ntds = {TRUE, VSS_WS_STABLE, S_OK};

static void writer_after(const char *step, VSS_WRITER_STATE ok) {
    WCHAR at[64];
    char a[64] = "";
    if (env(L"VSSAPI_EMU_WRITER_FAILS_AT", at, 64)) WideCharToMultiByte(CP_UTF8, 0, at, -1, a, 64, NULL, NULL);
    if (strcmp(a, step) != 0) {
        if (g_ntds.state < VSS_WS_FAILED_AT_IDENTIFY) g_ntds.state = ok;
        return;
    }
    g_ntds.state = strcmp(step, "PrepareForBackup") == 0 ? VSS_WS_FAILED_AT_PREPARE_BACKUP
                   : strcmp(step, "DoSnapshotSet") == 0   ? VSS_WS_FAILED_AT_FREEZE
                                                          : VSS_WS_FAILED_AT_BACKUP_COMPLETE;
    g_ntds.failure = VSS_E_WRITERERROR_NONRETRYABLE;
}

/* The writer's folders: database, and logs + checkpoint. */
static BOOL ntds_dirs(WCHAR *db, WCHAR *logs) {
    if (!env(L"VSSAPI_EMU_NTDS", db, EMU_MAX)) return FALSE;
    if (!env(L"VSSAPI_EMU_NTDS_LOGS", logs, EMU_MAX)) wcscpy(logs, db);
    return TRUE;
}

/* ---- IVssAsync ---- */

typedef struct Async {
    IVssAsync iface;
    LONG refs;
    HRESULT status;
    ULONGLONG readyAt; /* GetTickCount64 when a pending operation finishes; 0: finished */
} Async;
static IVssAsyncVtbl async_vtbl;

static HRESULT STDMETHODCALLTYPE async_qi(IVssAsync *This, REFIID riid, void **out) {
    if (!out) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IVssAsync)) {
        *out = This;
        This->lpVtbl->AddRef(This);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE async_addref(IVssAsync *This) { return (ULONG)InterlockedIncrement(&((Async *)This)->refs); }
static ULONG STDMETHODCALLTYPE async_release(IVssAsync *This) {
    Async *a = (Async *)This;
    LONG r = InterlockedDecrement(&a->refs);
    if (r == 0) {
        g_live--;
        HeapFree(GetProcessHeap(), 0, a);
    }
    return (ULONG)r;
}
static BOOL async_pending(Async *a) {
    if (a->readyAt && GetTickCount64() >= a->readyAt) a->readyAt = 0;
    return a->readyAt != 0;
}
static HRESULT STDMETHODCALLTYPE async_cancel(IVssAsync *This) {
    ((Async *)This)->status = VSS_S_ASYNC_CANCELLED;
    ((Async *)This)->readyAt = 0;
    return done("IVssAsync::Cancel", S_OK, NULL);
}
static HRESULT STDMETHODCALLTYPE async_wait(IVssAsync *This, DWORD ms) {
    Async *a = (Async *)This;
    /* Every operation has finished when it returns its async object, unless VSSAPI_EMU_PENDING delays it. */
    if (async_pending(a)) {
        ULONGLONG left = a->readyAt - GetTickCount64();
        Sleep(ms == INFINITE || ms > left ? (DWORD)left : ms);
    }
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE async_query(IVssAsync *This, HRESULT *status, INT *reserved) {
    (void)reserved;
    if (!status) return E_INVALIDARG;
    Async *a = (Async *)This;
    *status = SUCCEEDED(a->status) && async_pending(a) ? VSS_S_ASYNC_PENDING : a->status;
    return S_OK;
}

/* Hands out an async object whose status is `status` (VSS_S_ASYNC_FINISHED or the operation's failure). */
static HRESULT new_async(IVssAsync **out, HRESULT status, const char *method) {
    Async *a = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *a);
    if (!a) return E_OUTOFMEMORY;
    a->iface.lpVtbl = &async_vtbl;
    a->refs = 1;
    a->status = status;
    DWORD ms = pending_ms(method);
    if (ms) a->readyAt = GetTickCount64() + ms;
    g_live++;
    *out = &a->iface;
    return S_OK;
}

/* ---- IVssWMFiledesc ---- */

typedef struct Filedesc {
    IVssWMFiledesc iface;
    LONG refs;
    WCHAR path[EMU_MAX];
    WCHAR spec[64];
} Filedesc;
static IVssWMFiledescVtbl filedesc_vtbl;

static ULONG STDMETHODCALLTYPE fd_addref(IVssWMFiledesc *This) { return (ULONG)InterlockedIncrement(&((Filedesc *)This)->refs); }
static ULONG STDMETHODCALLTYPE fd_release(IVssWMFiledesc *This) {
    Filedesc *f = (Filedesc *)This;
    LONG r = InterlockedDecrement(&f->refs);
    if (r == 0) {
        g_live--;
        HeapFree(GetProcessHeap(), 0, f);
    }
    return (ULONG)r;
}
static HRESULT STDMETHODCALLTYPE fd_qi(IVssWMFiledesc *This, REFIID riid, void **out) {
    (void)riid;
    *out = This;
    fd_addref(This);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fd_path(IVssWMFiledesc *This, BSTR *out) {
    *out = SysAllocString(((Filedesc *)This)->path);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fd_spec(IVssWMFiledesc *This, BSTR *out) {
    *out = SysAllocString(((Filedesc *)This)->spec);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fd_recursive(IVssWMFiledesc *This, boolean *out) {
    (void)This;
    *out = 0;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE fd_mask(IVssWMFiledesc *This, DWORD *out) {
    (void)This;
    *out = 0xF0F; /* filespecBackupType 3855, as the NTDS writer publishes it */
    return S_OK;
}

static HRESULT new_filedesc(const WCHAR *path, const WCHAR *spec, IVssWMFiledesc **out) {
    Filedesc *f = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *f);
    if (!f) return E_OUTOFMEMORY;
    f->iface.lpVtbl = &filedesc_vtbl;
    f->refs = 1;
    lstrcpynW(f->path, path, EMU_MAX);
    lstrcpynW(f->spec, spec, 64);
    g_live++;
    *out = &f->iface;
    return S_OK;
}

/* ---- IVssWMComponent: the NTDS writer's one DATABASE component ---- */

typedef struct Component {
    IVssWMComponent iface;
    LONG refs;
} Component;
static IVssWMComponentVtbl component_vtbl;

/* "C:_Windows_NTDS" for C:\Windows\NTDS: the database folder with its separators as underscores. */
static void logical_path(WCHAR *out) {
    WCHAR db[EMU_MAX], logs[EMU_MAX];
    if (!ntds_dirs(db, logs)) db[0] = 0;
    size_t n = wcslen(db);
    while (n > 0 && db[n - 1] == L'\\') db[--n] = 0;
    for (WCHAR *p = db; *p; p++)
        if (*p == L'\\') *p = L'_';
    wcscpy(out, db);
}

static ULONG STDMETHODCALLTYPE comp_addref(IVssWMComponent *This) { return (ULONG)InterlockedIncrement(&((Component *)This)->refs); }
static ULONG STDMETHODCALLTYPE comp_release(IVssWMComponent *This) {
    Component *c = (Component *)This;
    LONG r = InterlockedDecrement(&c->refs);
    if (r == 0) {
        g_live--;
        HeapFree(GetProcessHeap(), 0, c);
    }
    return (ULONG)r;
}
static HRESULT STDMETHODCALLTYPE comp_qi(IVssWMComponent *This, REFIID riid, void **out) {
    (void)riid;
    *out = This;
    comp_addref(This);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE comp_info(IVssWMComponent *This, PVSSCOMPONENTINFO *out) {
    (void)This;
    VSS_COMPONENTINFO *i = CoTaskMemAlloc(sizeof *i);
    if (!i) return E_OUTOFMEMORY;
    memset(i, 0, sizeof *i);
    WCHAR lp[EMU_MAX];
    logical_path(lp);
    i->type = VSS_CT_DATABASE;
    i->bstrLogicalPath = SysAllocString(lp);
    i->bstrComponentName = SysAllocString(L"ntds");
    i->bstrCaption = SysAllocString(L"");
    i->dwComponentFlags = VSS_CF_BACKUP_RECOVERY | VSS_CF_APP_ROLLBACK_RECOVERY;
    i->cFileCount = 0;
    i->cDatabases = 1;
    i->cLogFiles = 2;
    *out = i;
    return done("IVssWMComponent::GetComponentInfo", S_OK, NULL);
}
static HRESULT STDMETHODCALLTYPE comp_free_info(IVssWMComponent *This, PVSSCOMPONENTINFO info) {
    (void)This;
    VSS_COMPONENTINFO *i = (VSS_COMPONENTINFO *)info;
    if (!i) return S_OK;
    SysFreeString(i->bstrLogicalPath);
    SysFreeString(i->bstrComponentName);
    SysFreeString(i->bstrCaption);
    CoTaskMemFree(i);
    return done("IVssWMComponent::FreeComponentInfo", S_OK, NULL);
}
static HRESULT STDMETHODCALLTYPE comp_file(IVssWMComponent *This, UINT i, IVssWMFiledesc **out) {
    (void)This;
    (void)i;
    *out = NULL;
    return VSS_E_OBJECT_NOT_FOUND;
}
static HRESULT STDMETHODCALLTYPE comp_db_file(IVssWMComponent *This, UINT i, IVssWMFiledesc **out) {
    (void)This;
    WCHAR db[EMU_MAX], logs[EMU_MAX];
    if (i != 0 || !ntds_dirs(db, logs)) return VSS_E_OBJECT_NOT_FOUND;
    return new_filedesc(db, L"ntds.dit", out);
}
static HRESULT STDMETHODCALLTYPE comp_log_file(IVssWMComponent *This, UINT i, IVssWMFiledesc **out) {
    (void)This;
    WCHAR db[EMU_MAX], logs[EMU_MAX];
    if (i > 1 || !ntds_dirs(db, logs)) return VSS_E_OBJECT_NOT_FOUND;
    return new_filedesc(logs, i == 0 ? L"edb*.log" : L"edb.chk", out);
}

/* ---- IVssExamineWriterMetadata ---- */

typedef struct Metadata {
    IVssExamineWriterMetadata iface;
    LONG refs;
    BOOL ntds;
} Metadata;
static IVssExamineWriterMetadataVtbl metadata_vtbl;

static ULONG STDMETHODCALLTYPE md_addref(IVssExamineWriterMetadata *This) { return (ULONG)InterlockedIncrement(&((Metadata *)This)->refs); }
static ULONG STDMETHODCALLTYPE md_release(IVssExamineWriterMetadata *This) {
    Metadata *m = (Metadata *)This;
    LONG r = InterlockedDecrement(&m->refs);
    if (r == 0) {
        g_live--;
        HeapFree(GetProcessHeap(), 0, m);
    }
    return (ULONG)r;
}
static HRESULT STDMETHODCALLTYPE md_qi(IVssExamineWriterMetadata *This, REFIID riid, void **out) {
    (void)riid;
    *out = This;
    md_addref(This);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE md_identity(IVssExamineWriterMetadata *This, VSS_ID *inst, VSS_ID *writer, BSTR *name, VSS_USAGE_TYPE *usage, VSS_SOURCE_TYPE *source) {
    BOOL ntds = ((Metadata *)This)->ntds;
    if (inst) *inst = ntds ? NTDS_INSTANCE : OTHER_WRITER;
    if (writer) *writer = ntds ? NTDS_WRITER : OTHER_WRITER;
    if (name) *name = SysAllocString(ntds ? L"NTDS" : L"Registry Writer");
    if (usage) *usage = VSS_UT_SYSTEMSERVICE;
    if (source) *source = ntds ? VSS_ST_TRANSACTEDDB : VSS_ST_OTHER;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE md_counts(IVssExamineWriterMetadata *This, UINT *includes, UINT *excludes, UINT *components) {
    *includes = 0;
    *excludes = 0;
    *components = ((Metadata *)This)->ntds ? 1 : 0;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE md_component(IVssExamineWriterMetadata *This, UINT i, IVssWMComponent **out) {
    if (!((Metadata *)This)->ntds || i != 0) return VSS_E_OBJECT_NOT_FOUND;
    Component *c = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *c);
    if (!c) return E_OUTOFMEMORY;
    c->iface.lpVtbl = &component_vtbl;
    c->refs = 1;
    g_live++;
    *out = &c->iface;
    return S_OK;
}

static HRESULT new_metadata(BOOL ntds, IVssExamineWriterMetadata **out) {
    Metadata *m = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *m);
    if (!m) return E_OUTOFMEMORY;
    m->iface.lpVtbl = &metadata_vtbl;
    m->refs = 1;
    m->ntds = ntds;
    g_live++;
    *out = &m->iface;
    return S_OK;
}

/* ---- snapshots: folders that stand for \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN ---- */

typedef struct Snapshot {
    GUID id;
    WCHAR volume[MAX_PATH];
    WCHAR device[EMU_MAX];
    BOOL exists;
} Snapshot;

static LONG g_shadow_counter = 0;

static void mkdir_p(const WCHAR *path) {
    WCHAR p[EMU_MAX];
    lstrcpynW(p, path, EMU_MAX);
    for (WCHAR *s = p + 3; *s; s++) {
        if (*s != L'\\') continue;
        *s = 0;
        CreateDirectoryW(p, NULL);
        *s = L'\\';
    }
    CreateDirectoryW(p, NULL);
}

static void rm_tree(const WCHAR *dir) {
    WCHAR pattern[EMU_MAX], child[EMU_MAX];
    _snwprintf(pattern, EMU_MAX, L"%ls\\*", dir);
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0) continue;
            _snwprintf(child, EMU_MAX, L"%ls\\%ls", dir, fd.cFileName);
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) rm_tree(child);
            else DeleteFileW(child);
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryW(dir);
}

/* Copies the files matching `spec` in `dir` into the snapshot when `dir` is on the snapshot's volume. */
static int copy_into(const Snapshot *s, const WCHAR *dir, const WCHAR *spec) {
    size_t vl = wcslen(s->volume);
    if (_wcsnicmp(dir, s->volume, vl) != 0) return 0;
    WCHAR target[EMU_MAX], pattern[EMU_MAX], from[EMU_MAX], to[EMU_MAX];
    _snwprintf(target, EMU_MAX, L"%ls\\%ls", s->device, dir + vl);
    mkdir_p(target);
    _snwprintf(pattern, EMU_MAX, L"%ls\\%ls", dir, spec);
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE) return 0;
    int n = 0;
    do {
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
        _snwprintf(from, EMU_MAX, L"%ls\\%ls", dir, fd.cFileName);
        _snwprintf(to, EMU_MAX, L"%ls\\%ls", target, fd.cFileName);
        if (CopyFileW(from, to, FALSE)) n++;
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    return n;
}

static HRESULT materialize(Snapshot *s) {
    WCHAR root[EMU_MAX], db[EMU_MAX], logs[EMU_MAX];
    if (!env(L"VSSAPI_EMU_SNAPSHOTS", root, EMU_MAX)) return VSS_E_UNEXPECTED;
    _snwprintf(s->device, EMU_MAX, L"%ls\\HarddiskVolumeShadowCopy%ld", root, InterlockedIncrement(&g_shadow_counter));
    mkdir_p(s->device);
    s->exists = TRUE;
    if (ntds_dirs(db, logs)) {
        copy_into(s, db, L"ntds.dit");
        copy_into(s, logs, L"edb*.log");
        copy_into(s, logs, L"edb.chk");
    }
    return S_OK;
}

/* ---- IVssBackupComponents ---- */

typedef struct Backup {
    IVssBackupComponents iface;
    LONG refs;
    BOOL initialized, stateSet, gathered, componentAdded, setStarted, prepared, snapshotDone, completed, aborted, succeeded;
    GUID setId;
    int nSnapshots;
    Snapshot snaps[MAX_VOLUMES];
    int deleted;
} Backup;
static IVssBackupComponentsVtbl backup_vtbl;

#define B(This) ((Backup *)(This))
#define CHECK(name)                                  \
    do {                                             \
        HRESULT inj_ = injected(name);               \
        if (FAILED(inj_)) return done(name, inj_, "injected"); \
    } while (0)

static HRESULT STDMETHODCALLTYPE bc_qi(IVssBackupComponents *This, REFIID riid, void **out) {
    if (!out) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IVssBackupComponents)) {
        *out = This;
        This->lpVtbl->AddRef(This);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE bc_addref(IVssBackupComponents *This) { return (ULONG)InterlockedIncrement(&B(This)->refs); }

static int delete_snapshots(Backup *b) {
    int n = 0;
    for (int i = 0; i < b->nSnapshots; i++) {
        if (!b->snaps[i].exists) continue;
        rm_tree(b->snaps[i].device);
        b->snaps[i].exists = FALSE;
        n++;
    }
    b->deleted += n;
    return n;
}

static ULONG STDMETHODCALLTYPE bc_release(IVssBackupComponents *This) {
    Backup *b = B(This);
    LONG r = InterlockedDecrement(&b->refs);
    if (r == 0) {
        /* Releasing the last reference deletes the snapshots of a VSS_CTX_BACKUP set (auto-release). */
        int left = delete_snapshots(b);
        emu_log("Release final snapshots=%d deleted=%d live=%ld completed=%d aborted=%d", left, b->deleted, (long)g_live, b->completed, b->aborted);
        HeapFree(GetProcessHeap(), 0, b);
    }
    return (ULONG)r;
}

static HRESULT STDMETHODCALLTYPE bc_initialize(IVssBackupComponents *This, BSTR xml) {
    CHECK("InitializeForBackup");
    if (B(This)->initialized) return done("InitializeForBackup", VSS_E_BAD_STATE, "twice");
    B(This)->initialized = TRUE;
    return done("InitializeForBackup", S_OK, xml ? "xml" : "NULL");
}

static HRESULT STDMETHODCALLTYPE bc_set_context(IVssBackupComponents *This, LONG context) {
    CHECK("SetContext");
    if (!B(This)->initialized) return done("SetContext", VSS_E_BAD_STATE, NULL);
    char d[32];
    sprintf(d, "context=%ld", (long)context);
    return done("SetContext", context == VSS_CTX_BACKUP ? S_OK : VSS_E_UNSUPPORTED_CONTEXT, d);
}

static HRESULT STDMETHODCALLTYPE bc_set_backup_state(IVssBackupComponents *This, boolean select, boolean bootable, VSS_BACKUP_TYPE type, boolean partial) {
    CHECK("SetBackupState");
    if (!B(This)->initialized) return done("SetBackupState", VSS_E_BAD_STATE, NULL);
    B(This)->stateSet = TRUE;
    char d[96];
    sprintf(d, "select=%d bootable=%d type=%d partial=%d", select, bootable, (int)type, partial);
    return done("SetBackupState", S_OK, d);
}

static HRESULT STDMETHODCALLTYPE bc_gather_metadata(IVssBackupComponents *This, IVssAsync **out) {
    CHECK("GatherWriterMetadata!");
    if (!B(This)->initialized || B(This)->gathered) return done("GatherWriterMetadata", VSS_E_BAD_STATE, NULL);
    B(This)->gathered = TRUE;
    WCHAR w[32];
    g_ntds.listed = !(env(L"VSSAPI_EMU_WRITER", w, 32) && wcscmp(w, L"missing") == 0);
    HRESULT inj = injected("GatherWriterMetadata");
    HRESULT hr = new_async(out, FAILED(inj) ? inj : VSS_S_ASYNC_FINISHED, "GatherWriterMetadata");
    return done("GatherWriterMetadata", hr, FAILED(inj) ? "async-failure" : NULL);
}

static HRESULT STDMETHODCALLTYPE bc_metadata_count(IVssBackupComponents *This, UINT *n) {
    if (!B(This)->gathered) return done("GetWriterMetadataCount", VSS_E_BAD_STATE, NULL);
    *n = g_ntds.listed ? 2 : 1;
    return done("GetWriterMetadataCount", S_OK, NULL);
}

static HRESULT STDMETHODCALLTYPE bc_metadata(IVssBackupComponents *This, UINT i, VSS_ID *inst, IVssExamineWriterMetadata **out) {
    if (!B(This)->gathered) return done("GetWriterMetadata", VSS_E_BAD_STATE, NULL);
    UINT n = g_ntds.listed ? 2 : 1;
    if (i >= n) return done("GetWriterMetadata", VSS_E_OBJECT_NOT_FOUND, NULL);
    BOOL ntds = i == 1;
    if (inst) *inst = ntds ? NTDS_INSTANCE : OTHER_WRITER;
    return done("GetWriterMetadata", new_metadata(ntds, out), ntds ? "NTDS" : "other");
}

static HRESULT STDMETHODCALLTYPE bc_free_metadata(IVssBackupComponents *This) {
    (void)This;
    return done("FreeWriterMetadata", S_OK, NULL);
}

static HRESULT STDMETHODCALLTYPE bc_add_component(IVssBackupComponents *This, VSS_ID inst, VSS_ID writer, VSS_COMPONENT_TYPE type, LPCWSTR path, LPCWSTR name) {
    CHECK("AddComponent");
    if (!B(This)->gathered || !B(This)->stateSet) return done("AddComponent", VSS_E_BAD_STATE, NULL);
    WCHAR lp[EMU_MAX];
    logical_path(lp);
    if (!g_ntds.listed || !IsEqualGUID(&inst, &NTDS_INSTANCE) || !IsEqualGUID(&writer, &NTDS_WRITER) || type != VSS_CT_DATABASE || !name || wcscmp(name, L"ntds") != 0 ||
        (path && wcscmp(path, lp) != 0)) {
        return done("AddComponent", VSS_E_OBJECT_NOT_FOUND, NULL);
    }
    B(This)->componentAdded = TRUE;
    char d[EMU_MAX];
    sprintf(d, "writer=NTDS component=%ls path=%ls", name, path ? path : L"");
    return done("AddComponent", S_OK, d);
}

static HRESULT STDMETHODCALLTYPE bc_start_set(IVssBackupComponents *This, VSS_ID *id) {
    CHECK("StartSnapshotSet");
    Backup *b = B(This);
    if (!b->initialized || b->setStarted) return done("StartSnapshotSet", VSS_E_BAD_STATE, NULL);
    b->setStarted = TRUE;
    CoCreateGuid(&b->setId);
    *id = b->setId;
    return done("StartSnapshotSet", S_OK, NULL);
}

static HRESULT STDMETHODCALLTYPE bc_volume_supported(IVssBackupComponents *This, VSS_ID provider, VSS_PWSZ volume, WINBOOL *ok) {
    (void)This;
    (void)provider;
    CHECK("IsVolumeSupported");
    size_t n = volume ? wcslen(volume) : 0;
    *ok = n >= 3 && volume[n - 1] == L'\\';
    char d[MAX_PATH + 16];
    sprintf(d, "%ls", volume ? volume : L"");
    return done("IsVolumeSupported", S_OK, d);
}

static HRESULT STDMETHODCALLTYPE bc_add_to_set(IVssBackupComponents *This, VSS_PWSZ volume, VSS_ID provider, VSS_ID *id) {
    (void)provider;
    CHECK("AddToSnapshotSet");
    Backup *b = B(This);
    if (!b->setStarted || b->prepared) return done("AddToSnapshotSet", VSS_E_BAD_STATE, NULL);
    size_t n = volume ? wcslen(volume) : 0;
    if (n < 3 || n >= MAX_PATH || volume[n - 1] != L'\\') return done("AddToSnapshotSet", E_INVALIDARG, NULL);
    if (b->nSnapshots == MAX_VOLUMES) return done("AddToSnapshotSet", VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED, NULL);
    Snapshot *s = &b->snaps[b->nSnapshots++];
    wcscpy(s->volume, volume);
    CoCreateGuid(&s->id);
    *id = s->id;
    char d[MAX_PATH + 16];
    sprintf(d, "%ls", volume);
    return done("AddToSnapshotSet", S_OK, d);
}

static HRESULT STDMETHODCALLTYPE bc_prepare(IVssBackupComponents *This, IVssAsync **out) {
    CHECK("PrepareForBackup!");
    Backup *b = B(This);
    if (!b->stateSet || !b->setStarted || b->prepared) return done("PrepareForBackup", VSS_E_BAD_STATE, NULL);
    HRESULT inj = injected("PrepareForBackup");
    if (SUCCEEDED(inj)) {
        b->prepared = TRUE;
        writer_after("PrepareForBackup", VSS_WS_STABLE);
    }
    char d[32];
    sprintf(d, "components=%d", b->componentAdded ? 1 : 0);
    return done("PrepareForBackup", new_async(out, FAILED(inj) ? inj : VSS_S_ASYNC_FINISHED, "PrepareForBackup"), d);
}

static HRESULT STDMETHODCALLTYPE bc_do_snapshot(IVssBackupComponents *This, IVssAsync **out) {
    CHECK("DoSnapshotSet!");
    Backup *b = B(This);
    if (!b->prepared || b->snapshotDone || b->aborted) return done("DoSnapshotSet", VSS_E_BAD_STATE, NULL);
    HRESULT status = injected("DoSnapshotSet");
    if (SUCCEEDED(status)) {
        status = VSS_S_ASYNC_FINISHED;
        for (int i = 0; i < b->nSnapshots && SUCCEEDED(status); i++) status = materialize(&b->snaps[i]);
        if (SUCCEEDED(status)) status = VSS_S_ASYNC_FINISHED;
        b->snapshotDone = SUCCEEDED(status);
        writer_after("DoSnapshotSet", VSS_WS_WAITING_FOR_BACKUP_COMPLETE);
    }
    char d[64];
    sprintf(d, "volumes=%d%s", b->nSnapshots, watched());
    return done("DoSnapshotSet", new_async(out, status, "DoSnapshotSet"), d);
}

static HRESULT STDMETHODCALLTYPE bc_abort(IVssBackupComponents *This) {
    CHECK("AbortBackup");
    B(This)->aborted = TRUE;
    int n = delete_snapshots(B(This));
    char d[32];
    sprintf(d, "deleted=%d", n);
    return done("AbortBackup", S_OK, d);
}

static HRESULT STDMETHODCALLTYPE bc_gather_status(IVssBackupComponents *This, IVssAsync **out) {
    if (!B(This)->gathered) return done("GatherWriterStatus", VSS_E_BAD_STATE, NULL);
    HRESULT inj = injected("GatherWriterStatus");
    return done("GatherWriterStatus", new_async(out, FAILED(inj) ? inj : VSS_S_ASYNC_FINISHED, "GatherWriterStatus"), NULL);
}
static HRESULT STDMETHODCALLTYPE bc_status_count(IVssBackupComponents *This, UINT *n) {
    (void)This;
    *n = g_ntds.listed ? 2 : 1;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_free_status(IVssBackupComponents *This) {
    (void)This;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE bc_status(IVssBackupComponents *This, UINT i, VSS_ID *inst, VSS_ID *writer, BSTR *name, VSS_WRITER_STATE *state, HRESULT *failure) {
    (void)This;
    BOOL ntds = i == 1 && g_ntds.listed;
    if (i >= (g_ntds.listed ? 2u : 1u)) return VSS_E_OBJECT_NOT_FOUND;
    if (inst) *inst = ntds ? NTDS_INSTANCE : OTHER_WRITER;
    if (writer) *writer = ntds ? NTDS_WRITER : OTHER_WRITER;
    if (name) *name = SysAllocString(ntds ? L"NTDS" : L"Registry Writer");
    if (state) *state = ntds ? g_ntds.state : VSS_WS_STABLE;
    if (failure) *failure = ntds ? g_ntds.failure : S_OK;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE bc_set_succeeded(IVssBackupComponents *This, VSS_ID inst, VSS_ID writer, VSS_COMPONENT_TYPE type, LPCWSTR path, LPCWSTR name, boolean ok) {
    (void)path;
    CHECK("SetBackupSucceeded");
    if (!B(This)->snapshotDone) return done("SetBackupSucceeded", VSS_E_BAD_STATE, NULL);
    if (!IsEqualGUID(&inst, &NTDS_INSTANCE) || !IsEqualGUID(&writer, &NTDS_WRITER) || type != VSS_CT_DATABASE || !name || wcscmp(name, L"ntds") != 0) {
        return done("SetBackupSucceeded", VSS_E_OBJECT_NOT_FOUND, NULL);
    }
    B(This)->succeeded = ok != 0;
    char d[64];
    sprintf(d, "succeeded=%d%s", ok ? 1 : 0, watched());
    return done("SetBackupSucceeded", S_OK, d);
}

static HRESULT STDMETHODCALLTYPE bc_save_xml(IVssBackupComponents *This, BSTR *out) {
    CHECK("SaveAsXML");
    Backup *b = B(This);
    WCHAR lp[EMU_MAX], xml[4 * EMU_MAX];
    char set[64];
    logical_path(lp);
    guid_text(&b->setId, set);
    _snwprintf(xml, 4 * EMU_MAX,
               L"<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\" version=\"1.2\" bootableSystemStateBackup=\"no\" selectComponents=\"yes\" "
               L"backupType=\"FULL\" snapshotSetId=\"%hs\"><WRITER_COMPONENTS instanceId=\"{5a0c1f4e-0000-4e55-8000-000000000001}\" "
               L"writerId=\"{b2014c9e-8711-4c5c-a5a9-3cf384484757}\"><COMPONENT logicalPath=\"%ls\" componentName=\"ntds\" componentType=\"database\"/>"
               L"</WRITER_COMPONENTS></BACKUP_COMPONENTS>",
               set, lp);
    *out = SysAllocString(xml);
    return done("SaveAsXML", S_OK, NULL);
}

static HRESULT STDMETHODCALLTYPE bc_complete(IVssBackupComponents *This, IVssAsync **out) {
    CHECK("BackupComplete!");
    Backup *b = B(This);
    if (!b->snapshotDone || b->aborted) return done("BackupComplete", VSS_E_BAD_STATE, NULL);
    HRESULT inj = injected("BackupComplete");
    if (SUCCEEDED(inj)) {
        b->completed = TRUE;
        writer_after("BackupComplete", VSS_WS_STABLE);
    }
    char d[64];
    sprintf(d, "%s%s", b->succeeded ? "recorded" : "not-recorded", watched());
    return done("BackupComplete", new_async(out, FAILED(inj) ? inj : VSS_S_ASYNC_FINISHED, "BackupComplete"), d);
}

static HRESULT STDMETHODCALLTYPE bc_delete(IVssBackupComponents *This, VSS_ID id, VSS_OBJECT_TYPE type, WINBOOL force, LONG *deleted, VSS_ID *failed) {
    (void)force;
    Backup *b = B(This);
    LONG n = 0;
    for (int i = 0; i < b->nSnapshots; i++) {
        Snapshot *s = &b->snaps[i];
        BOOL match = type == VSS_OBJECT_SNAPSHOT_SET ? IsEqualGUID(&id, &b->setId) : IsEqualGUID(&id, &s->id);
        if (!match || !s->exists) continue;
        rm_tree(s->device);
        s->exists = FALSE;
        n++;
    }
    b->deleted += n;
    if (deleted) *deleted = n;
    if (failed) *failed = GUID_NULL;
    char d[32];
    sprintf(d, "deleted=%ld", (long)n);
    return done("DeleteSnapshots", n > 0 ? S_OK : VSS_E_OBJECT_NOT_FOUND, d);
}

static HRESULT STDMETHODCALLTYPE bc_snapshot_props(IVssBackupComponents *This, VSS_ID id, VSS_SNAPSHOT_PROP *p) {
    CHECK("GetSnapshotProperties");
    Backup *b = B(This);
    for (int i = 0; i < b->nSnapshots; i++) {
        Snapshot *s = &b->snaps[i];
        if (!IsEqualGUID(&id, &s->id) || !s->exists) continue;
        memset(p, 0, sizeof *p);
        WCHAR computer[MAX_COMPUTERNAME_LENGTH + 1] = L"EMU";
        DWORD cn = MAX_COMPUTERNAME_LENGTH + 1;
        GetComputerNameW(computer, &cn);
        p->m_SnapshotId = s->id;
        p->m_SnapshotSetId = b->setId;
        p->m_lSnapshotsCount = b->nSnapshots;
        p->m_pwszSnapshotDeviceObject = co_string(s->device);
        p->m_pwszOriginalVolumeName = co_string(s->volume);
        p->m_pwszOriginatingMachine = co_string(computer);
        p->m_pwszServiceMachine = co_string(computer);
        p->m_ProviderId = EMU_PROVIDER;
        p->m_lSnapshotAttributes = VSS_VOLSNAP_ATTR_NO_AUTORECOVERY;
        FILETIME ft;
        GetSystemTimeAsFileTime(&ft);
        p->m_tsCreationTimestamp = ((LONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
        p->m_eStatus = VSS_SS_CREATED;
        return done("GetSnapshotProperties", S_OK, NULL);
    }
    return done("GetSnapshotProperties", VSS_E_OBJECT_NOT_FOUND, NULL);
}

static void init_vtables(void) {
    static BOOL ready = FALSE;
    if (ready) return;
    ready = TRUE;
    FILL(async_vtbl);
    async_vtbl.QueryInterface = async_qi;
    async_vtbl.AddRef = async_addref;
    async_vtbl.Release = async_release;
    async_vtbl.Cancel = async_cancel;
    async_vtbl.Wait = async_wait;
    async_vtbl.QueryStatus = async_query;

    FILL(filedesc_vtbl);
    filedesc_vtbl.QueryInterface = fd_qi;
    filedesc_vtbl.AddRef = fd_addref;
    filedesc_vtbl.Release = fd_release;
    filedesc_vtbl.GetPath = fd_path;
    filedesc_vtbl.GetFilespec = fd_spec;
    filedesc_vtbl.GetRecursive = fd_recursive;
    filedesc_vtbl.GetBackupTypeMask = fd_mask;

    FILL(component_vtbl);
    component_vtbl.QueryInterface = comp_qi;
    component_vtbl.AddRef = comp_addref;
    component_vtbl.Release = comp_release;
    component_vtbl.GetComponentInfo = comp_info;
    component_vtbl.FreeComponentInfo = comp_free_info;
    component_vtbl.GetFile = comp_file;
    component_vtbl.GetDatabaseFile = comp_db_file;
    component_vtbl.GetDatabaseLogFile = comp_log_file;

    FILL(metadata_vtbl);
    metadata_vtbl.QueryInterface = md_qi;
    metadata_vtbl.AddRef = md_addref;
    metadata_vtbl.Release = md_release;
    metadata_vtbl.GetIdentity = md_identity;
    metadata_vtbl.GetFileCounts = md_counts;
    metadata_vtbl.GetComponent = md_component;

    FILL(backup_vtbl);
    backup_vtbl.QueryInterface = bc_qi;
    backup_vtbl.AddRef = bc_addref;
    backup_vtbl.Release = bc_release;
    backup_vtbl.InitializeForBackup = bc_initialize;
    backup_vtbl.SetBackupState = bc_set_backup_state;
    backup_vtbl.GatherWriterMetadata = bc_gather_metadata;
    backup_vtbl.GetWriterMetadataCount = bc_metadata_count;
    backup_vtbl.GetWriterMetadata = bc_metadata;
    backup_vtbl.FreeWriterMetadata = bc_free_metadata;
    backup_vtbl.AddComponent = bc_add_component;
    backup_vtbl.PrepareForBackup = bc_prepare;
    backup_vtbl.AbortBackup = bc_abort;
    backup_vtbl.GatherWriterStatus = bc_gather_status;
    backup_vtbl.GetWriterStatusCount = bc_status_count;
    backup_vtbl.FreeWriterStatus = bc_free_status;
    backup_vtbl.GetWriterStatus = bc_status;
    backup_vtbl.SetBackupSucceeded = bc_set_succeeded;
    backup_vtbl.SaveAsXML = bc_save_xml;
    backup_vtbl.BackupComplete = bc_complete;
    backup_vtbl.SetContext = bc_set_context;
    backup_vtbl.StartSnapshotSet = bc_start_set;
    backup_vtbl.AddToSnapshotSet = bc_add_to_set;
    backup_vtbl.DoSnapshotSet = bc_do_snapshot;
    backup_vtbl.DeleteSnapshots = bc_delete;
    backup_vtbl.GetSnapshotProperties = bc_snapshot_props;
    backup_vtbl.IsVolumeSupported = bc_volume_supported;
}

/* ---- exports ---- */

HRESULT STDAPICALLTYPE CreateVssBackupComponentsInternal(IVssBackupComponents **out) {
    if (!out) return done("CreateVssBackupComponents", E_INVALIDARG, NULL);
    HRESULT inj = injected("CreateVssBackupComponents");
    if (FAILED(inj)) return done("CreateVssBackupComponents", inj, "injected");
    init_vtables();
    Backup *b = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *b);
    if (!b) return E_OUTOFMEMORY;
    b->iface.lpVtbl = &backup_vtbl;
    b->refs = 1;
    g_ntds.state = VSS_WS_STABLE;
    g_ntds.failure = S_OK;
    *out = &b->iface;
    return done("CreateVssBackupComponents", S_OK, NULL);
}

void APIENTRY VssFreeSnapshotPropertiesInternal(VSS_SNAPSHOT_PROP *p) {
    if (!p) return;
    CoTaskMemFree(p->m_pwszSnapshotDeviceObject);
    CoTaskMemFree(p->m_pwszOriginalVolumeName);
    CoTaskMemFree(p->m_pwszOriginatingMachine);
    CoTaskMemFree(p->m_pwszServiceMachine);
    CoTaskMemFree(p->m_pwszExposedName);
    CoTaskMemFree(p->m_pwszExposedPath);
    memset(p, 0, sizeof *p);
    emu_log("VssFreeSnapshotProperties 0x00000000");
}

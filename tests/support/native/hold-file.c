/*
 * hold-file.c: holds a file open without sharing, as NTDS holds ntds.dit, for the CLI suites under Wine
 * (tests/support/wine-cli.ts). Wine keeps share modes among Windows handles only, so a file the Linux test process
 * holds open is not "in use" for the Windows exe; this Windows process in the same prefix makes it so.
 *
 *   hold-file.exe FILE FLAG     opens FILE (read, share mode 0), creates FLAG, and holds FILE until FLAG is
 *                               deleted (or 120 s pass); exit 0, or 1 when FILE cannot be opened
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv) {
  if (argc != 3) {
    fputs("usage: hold-file.exe FILE FLAG\n", stderr);
    return 2;
  }
  HANDLE file = CreateFileW(argv[1], GENERIC_READ, 0, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
  if (file == INVALID_HANDLE_VALUE) {
    fprintf(stderr, "hold-file: cannot open the file (Win32 error %lu)\n", GetLastError());
    return 1;
  }
  HANDLE flag = CreateFileW(argv[2], GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
  if (flag == INVALID_HANDLE_VALUE) {
    fprintf(stderr, "hold-file: cannot create the flag file (Win32 error %lu)\n", GetLastError());
    return 1;
  }
  CloseHandle(flag);
  for (int i = 0; i < 1200 && GetFileAttributesW(argv[2]) != INVALID_FILE_ATTRIBUTES; i++) Sleep(100);
  CloseHandle(file);
  return 0;
}

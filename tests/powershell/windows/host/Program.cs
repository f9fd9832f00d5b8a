// pwsh.exe for the Windows tests: PowerShell 7's own entry point (what pwsh.exe's Main calls), plus one fix for Wine.
// Under Wine a console program started with pipes or files instead of a terminal gets no usable console, and
// ConsoleHost then fails on the console output buffer ("Invalid handle"). When CONOUT$ cannot be opened, this
// process starts itself again, with the same command line and the same three standard handles inherited and
// CREATE_NO_WINDOW, which gives the child a console; it returns the child's exit code.
using System;
using System.Runtime.InteropServices;

namespace AdbWindowsPwsh;

public static class Program
{
    private const string Guard = "ADB_PWSH_RELAUNCHED";

    public static int Main(string[] args)
    {
        if (Environment.GetEnvironmentVariable(Guard) is null && !Native.HasConsole())
        {
            Environment.SetEnvironmentVariable(Guard, "1");
            return Native.RunSelfWithConsole();
        }
        return Microsoft.PowerShell.UnmanagedPSEntry.Start(args, args.Length);
    }
}

internal static class Native
{
    private const uint GenericRead = 0x80000000, GenericWrite = 0x40000000, OpenExisting = 3;
    private const uint CreateNoWindow = 0x08000000, HandleFlagInherit = 1, Infinite = 0xFFFFFFFF;
    private const int StartfUseStdHandles = 0x100;
    private const int StdInput = -10, StdOutput = -11, StdError = -12;

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    private struct StartupInfo
    {
        public int cb;
        public IntPtr lpReserved, lpDesktop, lpTitle;
        public int dwX, dwY, dwXSize, dwYSize, dwXCountChars, dwYCountChars, dwFillAttribute, dwFlags;
        public short wShowWindow, cbReserved2;
        public IntPtr lpReserved2, hStdInput, hStdOutput, hStdError;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ProcessInformation
    {
        public IntPtr hProcess, hThread;
        public int dwProcessId, dwThreadId;
    }

    [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern IntPtr CreateFileW(string name, uint access, uint share, IntPtr security, uint disposition, uint flags, IntPtr template);
    [DllImport("kernel32")] private static extern bool CloseHandle(IntPtr handle);
    [DllImport("kernel32")] private static extern IntPtr GetStdHandle(int which);
    [DllImport("kernel32")] private static extern bool SetHandleInformation(IntPtr handle, uint mask, uint flags);
    [DllImport("kernel32")] private static extern IntPtr GetCommandLineW();
    [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool CreateProcessW(IntPtr application, IntPtr commandLine, IntPtr processSecurity, IntPtr threadSecurity,
        bool inheritHandles, uint flags, IntPtr environment, IntPtr directory, ref StartupInfo startup, out ProcessInformation info);
    [DllImport("kernel32")] private static extern uint WaitForSingleObject(IntPtr handle, uint ms);
    [DllImport("kernel32")] private static extern bool GetExitCodeProcess(IntPtr process, out uint code);

    public static bool HasConsole()
    {
        IntPtr h = CreateFileW("CONOUT$", GenericRead | GenericWrite, 3, IntPtr.Zero, OpenExisting, 0, IntPtr.Zero);
        if (h == new IntPtr(-1)) return false;
        CloseHandle(h);
        return true;
    }

    public static int RunSelfWithConsole()
    {
        var startup = new StartupInfo { cb = Marshal.SizeOf<StartupInfo>(), dwFlags = StartfUseStdHandles };
        startup.hStdInput = GetStdHandle(StdInput);
        startup.hStdOutput = GetStdHandle(StdOutput);
        startup.hStdError = GetStdHandle(StdError);
        foreach (IntPtr h in new[] { startup.hStdInput, startup.hStdOutput, startup.hStdError })
        {
            if (h != IntPtr.Zero && h != new IntPtr(-1)) SetHandleInformation(h, HandleFlagInherit, HandleFlagInherit);
        }
        // CreateProcessW may write into the command line: give it its own copy.
        IntPtr commandLine = Marshal.StringToHGlobalUni(Marshal.PtrToStringUni(GetCommandLineW()));
        try
        {
            if (!CreateProcessW(IntPtr.Zero, commandLine, IntPtr.Zero, IntPtr.Zero, true, CreateNoWindow, IntPtr.Zero, IntPtr.Zero, ref startup, out ProcessInformation info))
            {
                Console.Error.WriteLine($"pwsh: no console, and starting itself with one failed (error {Marshal.GetLastWin32Error()})");
                return 1;
            }
            WaitForSingleObject(info.hProcess, Infinite);
            GetExitCodeProcess(info.hProcess, out uint code);
            CloseHandle(info.hThread);
            CloseHandle(info.hProcess);
            return unchecked((int)code);
        }
        finally
        {
            Marshal.FreeHGlobal(commandLine);
        }
    }
}

// A PSHost that records what the engine writes to the host (What-if lines, Out-Default output, prompts) instead of
// showing it, and answers confirmation prompts the way the test asked: "yes", "no", or "fail" (a host that cannot
// prompt, like a scheduled task or a remote session without a console).
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace AdbPsHost;

public sealed class CaptureHost : PSHost
{
    private readonly CaptureUi _ui;
    private readonly Guid _id = Guid.NewGuid();

    public CaptureHost(string confirmAnswer) => _ui = new CaptureUi(confirmAnswer);

    public IReadOnlyList<string> Lines => _ui.Lines;
    public IReadOnlyList<string> Prompts => _ui.Prompts;

    public override string Name => "adb-pshost";
    public override Version Version => new(1, 0);
    public override Guid InstanceId => _id;
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override void EnterNestedPrompt() => throw new NotSupportedException("nested prompts are not supported by the test host");
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }
}

internal sealed class CaptureUi : PSHostUserInterface
{
    private readonly string _confirm;
    private readonly StringBuilder _partial = new();
    private readonly RawUi _raw = new();
    public List<string> Lines { get; } = new();
    public List<string> Prompts { get; } = new();

    public CaptureUi(string confirm) => _confirm = confirm;

    public override PSHostRawUserInterface RawUI => _raw;

    private Exception CannotPrompt(string what) =>
        new HostException($"the test host cannot prompt ({what}): it stands for a non-interactive session");

    public override string ReadLine() => throw CannotPrompt("ReadLine");
    public override SecureString ReadLineAsSecureString() => throw CannotPrompt("ReadLineAsSecureString");

    public override void Write(string value) => _partial.Append(value);
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => _partial.Append(value);

    public override void WriteLine(string value)
    {
        _partial.Append(value);
        foreach (var line in _partial.ToString().Split('\n')) Lines.Add(line.TrimEnd('\r'));
        _partial.Clear();
    }

    public override void WriteDebugLine(string message) => Lines.Add("DEBUG: " + message);
    public override void WriteVerboseLine(string message) => Lines.Add("VERBOSE: " + message);
    public override void WriteWarningLine(string message) => Lines.Add("WARNING: " + message);
    public override void WriteErrorLine(string value) => Lines.Add("ERROR: " + value);
    // Progress records are reported from the PowerShell.Streams.Progress collection, not from here.
    public override void WriteProgress(long sourceId, ProgressRecord record) { }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
        throw CannotPrompt($"Prompt: {caption} {message}");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        throw CannotPrompt("PromptForCredential");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw CannotPrompt("PromptForCredential");

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        Prompts.Add($"{caption}\n{message}");
        if (_confirm == "fail") throw CannotPrompt($"PromptForChoice: {caption}");
        // ShouldProcess offers Yes, Yes to All, No, No to All, Suspend: answer with the first label that matches.
        var wanted = _confirm == "yes" ? "&Yes" : "&No";
        for (var i = 0; i < choices.Count; i++) if (choices[i].Label == wanted) return i;
        throw CannotPrompt($"no choice labelled {wanted}");
    }
}

internal sealed class RawUi : PSHostRawUserInterface
{
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override Size BufferSize { get; set; } = new(200, 3000);
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; }
    public override bool KeyAvailable => false;
    public override Size MaxPhysicalWindowSize => new(200, 100);
    public override Size MaxWindowSize => new(200, 100);
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get; set; } = new(200, 100);
    public override string WindowTitle { get; set; } = "adb-pshost";
    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new HostException("the test host cannot read keys");
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
}

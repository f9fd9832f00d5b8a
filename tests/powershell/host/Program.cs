// adb-pshost: the test host for the ADDatabaseBackup PowerShell module (tests/powershell/). Real pwsh, Pester and
// PSScriptAnalyzer cannot be installed on the build machines; the PowerShell 7.6.9 engine (NuGet
// System.Management.Automation) can. This host runs the engine with its default session state (the ~58 core
// commands) plus two clearly marked TEST SHIMS, ConvertFrom-Json and ConvertTo-Json (JsonShims.cs), and prints one
// JSON document per call.
//
//   adb-pshost run SCRIPT.ps1 [--var NAME=VALUE]... [--confirm yes|no|fail]
//       runs the script in a fresh runspace and reports every output object (type names and properties), the error,
//       warning, verbose, debug, information and progress streams, the lines written to the host (What if: ...) and
//       the confirmation prompts, and a terminating error if one ended the run
//   adb-pshost lint FILE...            parse errors, functions, parameters, comment-based help, commands called
//   adb-pshost formatdata FORMAT.ps1xml TYPES.ps1xml
//       loads the files with the engine's FormatTable and TypeTable loaders; reports load errors and the view types
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace AdbPsHost;

public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            if (args.Length == 0) return Usage();
            JsonNode report = args[0] switch
            {
                "run" => Run(args.Skip(1).ToArray()),
                "lint" => new JsonObject
                {
                    ["engine"] = typeof(PSObject).Assembly.GetName().Version?.ToString(),
                    ["approvedVerbs"] = Lint.ApprovedVerbs(),
                    ["files"] = new JsonArray(args.Skip(1).Select(f => (JsonNode?)Lint.File(Path.GetFullPath(f))).ToArray()),
                },
                "formatdata" => FormatData(args[1], args[2]),
                _ => throw new ArgumentException($"unknown mode '{args[0]}'"),
            };
            Console.Out.Write(report.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
            Console.Out.WriteLine();
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"adb-pshost: {e}");
            return 1;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: adb-pshost run SCRIPT [--var NAME=VALUE]... [--confirm yes|no|fail] | lint FILE... | formatdata FORMAT TYPES");
        return 2;
    }

    private static JsonObject Run(string[] args)
    {
        var script = Path.GetFullPath(args[0]);
        var vars = new Dictionary<string, string>();
        var confirm = "fail";
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--var") { var kv = args[++i]; var eq = kv.IndexOf('='); vars[kv[..eq]] = kv[(eq + 1)..]; }
            else if (args[i] == "--confirm") confirm = args[++i];
            else throw new ArgumentException($"unknown option '{args[i]}'");
        }

        var iss = InitialSessionState.CreateDefault2();
        // TEST SHIMS: the Utility module is not part of the engine package (see JsonShims.cs).
        iss.Commands.Add(new SessionStateCmdletEntry("ConvertFrom-Json", typeof(ConvertFromJsonShim), null));
        iss.Commands.Add(new SessionStateCmdletEntry("ConvertTo-Json", typeof(ConvertToJsonShim), null));
        var host = new CaptureHost(confirm);
        using var rs = RunspaceFactory.CreateRunspace(host, iss);
        rs.Open();
        foreach (var kv in vars) rs.SessionStateProxy.SetVariable(kv.Key, kv.Value);
        using var ps = PowerShell.Create();
        ps.Runspace = rs;
        ps.AddCommand(script);
        var output = new PSDataCollection<PSObject>();
        JsonNode? terminating = null;
        try
        {
            ps.Invoke(null, output);
        }
        catch (RuntimeException e)
        {
            terminating = Report.Error(e.ErrorRecord);
        }
        catch (Exception e)
        {
            terminating = new JsonObject { ["exceptionType"] = e.GetType().FullName, ["message"] = e.Message, ["text"] = e.ToString() };
        }
        var s = ps.Streams;
        return new JsonObject
        {
            ["output"] = new JsonArray(output.Select(o => Report.Value(o)).ToArray()),
            ["errors"] = new JsonArray(s.Error.Select(e => (JsonNode?)Report.Error(e)).ToArray()),
            ["warnings"] = new JsonArray(s.Warning.Select(w => (JsonNode?)JsonValue.Create(w.Message)).ToArray()),
            ["verbose"] = new JsonArray(s.Verbose.Select(w => (JsonNode?)JsonValue.Create(w.Message)).ToArray()),
            ["debug"] = new JsonArray(s.Debug.Select(w => (JsonNode?)JsonValue.Create(w.Message)).ToArray()),
            ["information"] = new JsonArray(s.Information.Select(i => (JsonNode?)new JsonObject
            {
                ["message"] = i.MessageData?.ToString(),
                ["tags"] = new JsonArray(i.Tags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
                ["source"] = i.Source,
            }).ToArray()),
            ["progress"] = new JsonArray(s.Progress.Select(p => (JsonNode?)Report.Progress(p)).ToArray()),
            ["host"] = new JsonArray(host.Lines.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
            ["prompts"] = new JsonArray(host.Prompts.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
            ["hadErrors"] = ps.HadErrors,
            ["terminating"] = terminating,
        };
    }

    private static JsonObject FormatData(string formatFile, string typesFile)
    {
        var report = new JsonObject();
        try
        {
            _ = new FormatTable(new[] { Path.GetFullPath(formatFile) });
            report["formatErrors"] = new JsonArray();
        }
        catch (FormatTableLoadException e)
        {
            report["formatErrors"] = new JsonArray(e.Errors.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
        }
        try
        {
            _ = new TypeTable(new[] { Path.GetFullPath(typesFile) });
            report["typesErrors"] = new JsonArray();
        }
        catch (TypeTableLoadException e)
        {
            report["typesErrors"] = new JsonArray(e.Errors.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
        }
        var doc = new XmlDocument();
        doc.Load(formatFile);
        var views = new JsonArray();
        foreach (XmlNode view in doc.SelectNodes("/Configuration/ViewDefinitions/View")!)
        {
            views.Add(new JsonObject
            {
                ["name"] = view.SelectSingleNode("Name")?.InnerText,
                ["typeNames"] = new JsonArray(view.SelectNodes("ViewSelectedBy/TypeName")!.Cast<XmlNode>().Select(n => (JsonNode?)JsonValue.Create(n.InnerText)).ToArray()),
                ["control"] = view.SelectSingleNode("TableControl|ListControl|WideControl|CustomControl")?.Name,
            });
        }
        report["views"] = views;
        var types = new XmlDocument();
        types.Load(typesFile);
        report["types"] = new JsonArray(types.SelectNodes("/Types/Type/Name")!.Cast<XmlNode>().Select(n => (JsonNode?)JsonValue.Create(n.InnerText)).ToArray());
        return report;
    }
}

// Facts about PowerShell files from the engine's own parser (System.Management.Automation.Language.Parser.ParseFile):
// parse errors, every function with its CmdletBinding, parameters and comment-based help, every command called,
// and the approved verbs read by reflection from the engine's Verbs* classes. The rules are asserted in the ava test
// (tests/powershell/static.test.ts); this only reports.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;
using System.Text.Json.Nodes;

namespace AdbPsHost;

public static class Lint
{
    public static JsonArray ApprovedVerbs()
    {
        var types = new[] { typeof(VerbsCommon), typeof(VerbsCommunications), typeof(VerbsData), typeof(VerbsDiagnostic),
            typeof(VerbsLifecycle), typeof(VerbsOther), typeof(VerbsSecurity) };
        var verbs = new JsonArray();
        foreach (var t in types)
            foreach (var f in t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.FieldType == typeof(string)))
                verbs.Add(new JsonObject { ["verb"] = (string?)f.GetValue(null), ["group"] = t.Name.Substring("Verbs".Length) });
        return verbs;
    }

    public static JsonObject File(string path)
    {
        var ast = Parser.ParseFile(path, out var tokens, out var errors);
        var functions = new JsonArray();
        foreach (var f in ast.FindAll(a => a is FunctionDefinitionAst, true).Cast<FunctionDefinitionAst>())
            functions.Add(Function(f));
        var commands = new JsonArray();
        foreach (var c in ast.FindAll(a => a is CommandAst, true).Cast<CommandAst>())
            commands.Add(new JsonObject { ["name"] = c.GetCommandName(), ["line"] = c.Extent.StartLineNumber });
        var methodCalls = new JsonArray();
        foreach (var m in ast.FindAll(a => a is InvokeMemberExpressionAst, true).Cast<InvokeMemberExpressionAst>())
            methodCalls.Add(new JsonObject { ["target"] = m.Expression.Extent.Text, ["member"] = m.Member.Extent.Text, ["line"] = m.Extent.StartLineNumber });
        return new JsonObject
        {
            ["path"] = path,
            ["parseErrors"] = new JsonArray(errors.Select(e => (JsonNode?)new JsonObject
            {
                ["message"] = e.Message,
                ["line"] = e.Extent.StartLineNumber,
                ["id"] = e.ErrorId,
            }).ToArray()),
            ["scriptHelp"] = Help(ast.GetHelpContent()),
            ["scriptParameters"] = ast.ParamBlock is null ? new JsonArray() : Parameters(ast.ParamBlock),
            ["functions"] = functions,
            ["commands"] = commands,
            ["methodCalls"] = methodCalls,
            ["variables"] = new JsonArray(ast.FindAll(a => a is VariableExpressionAst, true).Cast<VariableExpressionAst>()
                .Select(v => v.VariablePath.UserPath).Distinct(StringComparer.OrdinalIgnoreCase).Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
        };
    }

    private static JsonObject Function(FunctionDefinitionAst f)
    {
        var paramBlock = f.Body.ParamBlock;
        var binding = paramBlock?.Attributes.FirstOrDefault(a => a.TypeName.Name.Equals("CmdletBinding", StringComparison.OrdinalIgnoreCase));
        var outputTypes = paramBlock?.Attributes.Where(a => a.TypeName.Name.Equals("OutputType", StringComparison.OrdinalIgnoreCase))
            .SelectMany(a => a.PositionalArguments.Select(p => p.Extent.Text)) ?? Enumerable.Empty<string>();
        var shouldProcessCalls = f.Body.FindAll(a => a is InvokeMemberExpressionAst m && m.Member.Extent.Text == "ShouldProcess", true).Count();
        return new JsonObject
        {
            ["name"] = f.Name,
            ["line"] = f.Extent.StartLineNumber,
            ["nested"] = f.Parent is not NamedBlockAst { Parent: ScriptBlockAst { Parent: null } },
            ["cmdletBinding"] = binding is not null,
            ["supportsShouldProcess"] = NamedBool(binding, "SupportsShouldProcess"),
            ["confirmImpact"] = NamedText(binding, "ConfirmImpact"),
            ["defaultParameterSetName"] = NamedText(binding, "DefaultParameterSetName"),
            ["outputTypes"] = new JsonArray(outputTypes.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
            ["shouldProcessCalls"] = shouldProcessCalls,
            ["parameters"] = paramBlock is null ? new JsonArray() : Parameters(paramBlock),
            ["help"] = Help(f.GetHelpContent()),
        };
    }

    private static JsonArray Parameters(ParamBlockAst block)
    {
        var list = new JsonArray();
        foreach (var p in block.Parameters)
        {
            var types = p.Attributes.OfType<TypeConstraintAst>().Select(t => t.TypeName.FullName).ToList();
            var attrs = p.Attributes.OfType<AttributeAst>().ToList();
            var sets = new JsonArray();
            var flags = new JsonObject();
            foreach (var a in attrs.Where(a => a.TypeName.Name.Equals("Parameter", StringComparison.OrdinalIgnoreCase)))
            {
                var set = NamedText(a, "ParameterSetName");
                sets.Add(new JsonObject
                {
                    ["set"] = set is null ? null : JsonValue.Create(set.Trim('\'', '"')),
                    ["mandatory"] = NamedBool(a, "Mandatory") ?? false,
                    ["valueFromPipeline"] = NamedBool(a, "ValueFromPipeline") ?? false,
                    ["valueFromPipelineByPropertyName"] = NamedBool(a, "ValueFromPipelineByPropertyName") ?? false,
                });
            }
            var aliases = attrs.Where(a => a.TypeName.Name.Equals("Alias", StringComparison.OrdinalIgnoreCase))
                .SelectMany(a => a.PositionalArguments).Select(x => (JsonNode?)JsonValue.Create(x.Extent.Text.Trim('\'', '"'))).ToArray();
            foreach (var a in attrs.Where(a => !a.TypeName.Name.Equals("Parameter", StringComparison.OrdinalIgnoreCase) && !a.TypeName.Name.Equals("Alias", StringComparison.OrdinalIgnoreCase)))
                flags[a.TypeName.Name] = a.Extent.Text;
            list.Add(new JsonObject
            {
                ["name"] = p.Name.VariablePath.UserPath,
                ["type"] = types.Count > 0 ? types[^1] : null,
                ["aliases"] = new JsonArray(aliases),
                ["parameterAttributes"] = sets,
                ["otherAttributes"] = flags,
                ["default"] = p.DefaultValue?.Extent.Text,
            });
        }
        return list;
    }

    private static bool? NamedBool(AttributeAst? a, string name)
    {
        var n = a?.NamedArguments.FirstOrDefault(x => x.ArgumentName.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (n is null) return null;
        if (n.ExpressionOmitted) return true;
        var text = n.Argument.Extent.Text;
        return text.Equals("$true", StringComparison.OrdinalIgnoreCase) || text == "1";
    }

    private static string? NamedText(AttributeAst? a, string name) =>
        a?.NamedArguments.FirstOrDefault(x => x.ArgumentName.Equals(name, StringComparison.OrdinalIgnoreCase))?.Argument.Extent.Text.Trim('\'', '"');

    private static JsonNode? Help(CommentHelpInfo? h)
    {
        if (h is null) return null;
        var parameters = new JsonObject();
        foreach (var kv in h.Parameters) parameters[kv.Key] = kv.Value;
        JsonArray Arr(IEnumerable<string> xs) => new(xs.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
        return new JsonObject
        {
            ["synopsis"] = h.Synopsis,
            ["description"] = h.Description,
            ["parameters"] = parameters,
            ["examples"] = Arr(h.Examples),
            ["inputs"] = Arr(h.Inputs),
            ["outputs"] = Arr(h.Outputs),
            ["notes"] = h.Notes,
            ["links"] = Arr(h.Links),
        };
    }
}

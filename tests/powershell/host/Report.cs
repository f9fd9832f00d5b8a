// Turns what a PowerShell run produced (output objects, every stream, error records) into JSON the ava tests read.
using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Numerics;
using System.Text.Json.Nodes;

namespace AdbPsHost;

public static class Report
{
    private const int MaxDepth = 6;

    public static JsonNode? Value(object? v, int depth = 0)
    {
        if (v is PSObject pso)
        {
            var b = pso.BaseObject;
            if (b is PSCustomObject) return Properties(pso, depth);
            if (IsScalar(b)) return Value(b, depth);
            if (b is ErrorRecord er) return Error(er);
            if (b is IDictionary || (b is IEnumerable && b is not string)) return Value(b, depth);
            return Properties(pso, depth);
        }
        switch (v)
        {
            case null: return null;
            case string s: return JsonValue.Create(s);
            case bool b: return JsonValue.Create(b);
            case char c: return JsonValue.Create(c.ToString());
            case int or long or short or sbyte or byte or ushort or uint:
                return JsonValue.Create(Convert.ToInt64(v, CultureInfo.InvariantCulture));
            case ulong ul: return JsonValue.Create(ul);
            case double d: return double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(d.ToString(CultureInfo.InvariantCulture));
            case float f: return JsonValue.Create((double)f);
            case decimal m: return JsonValue.Create(m);
            case BigInteger bi: return JsonValue.Create(bi.ToString(CultureInfo.InvariantCulture));
            case DateTime dt:
                return new JsonObject { ["@datetime"] = dt.ToString("o", CultureInfo.InvariantCulture), ["kind"] = dt.Kind.ToString() };
            case Enum en: return JsonValue.Create(en.ToString());
            case Guid g: return JsonValue.Create(g.ToString());
            case ErrorRecord er: return Error(er);
        }
        if (depth >= MaxDepth) return JsonValue.Create(v.ToString());
        if (v is IDictionary dict)
        {
            var o = new JsonObject { ["@types"] = new JsonArray(JsonValue.Create(v.GetType().FullName)) };
            foreach (DictionaryEntry kv in dict) o[kv.Key.ToString()!] = Value(kv.Value, depth + 1);
            return o;
        }
        if (v is IEnumerable items)
        {
            var a = new JsonArray();
            foreach (var i in items) a.Add(Value(i, depth + 1));
            return a;
        }
        return Properties(PSObject.AsPSObject(v), depth);
    }

    private static bool IsScalar(object b) =>
        b is string or bool or char or int or long or short or sbyte or byte or ushort or uint or ulong or double or float
            or decimal or BigInteger or DateTime or Enum or Guid;

    private static JsonNode Properties(PSObject pso, int depth)
    {
        var o = new JsonObject { ["@types"] = new JsonArray(pso.TypeNames.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()) };
        if (depth >= MaxDepth)
        {
            o["@string"] = pso.ToString();
            return o;
        }
        foreach (var p in pso.Properties)
        {
            if (!p.IsGettable || o.ContainsKey(p.Name)) continue;
            object? val;
            try { val = p.Value; } catch (Exception) { continue; }
            o[p.Name] = Value(val, depth + 1);
        }
        return o;
    }

    public static JsonObject Error(ErrorRecord e)
    {
        var data = new JsonObject();
        foreach (DictionaryEntry kv in e.Exception.Data) data[kv.Key.ToString()!] = Value(kv.Value, 3);
        return new JsonObject
        {
            ["fqid"] = e.FullyQualifiedErrorId,
            ["category"] = e.CategoryInfo.Category.ToString(),
            ["reason"] = e.CategoryInfo.Reason,
            ["activity"] = e.CategoryInfo.Activity,
            ["targetName"] = e.CategoryInfo.TargetName,
            ["targetObject"] = Value(e.TargetObject, 4),
            ["exceptionType"] = e.Exception.GetType().FullName,
            ["message"] = e.Exception.Message,
            ["errorDetails"] = e.ErrorDetails?.Message,
            ["recommendedAction"] = e.ErrorDetails?.RecommendedAction,
            ["command"] = e.InvocationInfo?.MyCommand?.Name,
            ["data"] = data,
            ["text"] = e.ToString(),
        };
    }

    public static JsonObject Progress(ProgressRecord p) => new()
    {
        ["activityId"] = p.ActivityId,
        ["parentActivityId"] = p.ParentActivityId,
        ["activity"] = p.Activity,
        ["status"] = p.StatusDescription,
        ["currentOperation"] = p.CurrentOperation,
        ["percent"] = p.PercentComplete,
        ["recordType"] = p.RecordType.ToString(),
    };
}

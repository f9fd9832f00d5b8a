// TEST SHIMS — registered only by this test host, never shipped. The System.Management.Automation package holds the
// PowerShell engine but not the Microsoft.PowerShell.Utility module, so ConvertFrom-Json and ConvertTo-Json are
// missing here. The module calls them (they exist in Windows PowerShell 5.1 and in PowerShell 7), so these two
// cmdlets stand in for them, written from PowerShell 7's documented behaviour so that the module's own code runs:
//
//   ConvertFrom-Json: pipeline strings are joined and parsed as one document; objects become PSCustomObject (or an
//     ordered hashtable with -AsHashtable), arrays are enumerated unless -NoEnumerate, integers are Int64 (BigInteger
//     when larger), other numbers Double, and strings in ISO 8601 date form become DateTime (Kind Utc for a
//     trailing Z, Local for an offset, Unspecified without zone) as PowerShell 6+ does; -Depth limits nesting (1024).
//   ConvertTo-Json: -Depth defaults to 2; deeper objects are written as their ToString() with a warning, as
//     PowerShell does; hashtables/dictionaries and PSCustomObjects become objects, other enumerables arrays, enums
//     numbers (strings with -EnumsAsStrings), DateTime ISO 8601 strings, other objects their public properties
//     (a [switch] becomes {"IsPresent": ...} as in PowerShell); indented unless -Compress.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AdbPsHost;

[Cmdlet(VerbsData.ConvertFrom, "Json")]
public sealed class ConvertFromJsonShim : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string InputObject { get; set; } = "";

    [Parameter] public SwitchParameter AsHashtable { get; set; }
    [Parameter] [ValidateRange(1, int.MaxValue)] public int Depth { get; set; } = 1024;
    [Parameter] public SwitchParameter NoEnumerate { get; set; }

    private readonly List<string> _buffer = new();

    protected override void ProcessRecord() => _buffer.Add(InputObject);

    private static readonly Regex IsoDate = new(
        @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?$", RegexOptions.CultureInvariant);

    protected override void EndProcessing()
    {
        var text = string.Join("\n", _buffer);
        if (string.IsNullOrWhiteSpace(text)) return;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = Depth, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"Conversion from JSON failed with error: {e.Message}", e),
                "System.ArgumentException", ErrorCategory.ParserError, text));
            return;
        }
        using (doc) WriteObject(Convert(doc.RootElement), !NoEnumerate);
    }

    private object? Convert(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                if (AsHashtable)
                {
                    var h = new OrderedHashtable();
                    foreach (var p in e.EnumerateObject()) h[p.Name] = Convert(p.Value);
                    return h;
                }
                var o = new PSObject();
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var p in e.EnumerateObject())
                {
                    if (!seen.Add(p.Name))
                        throw new InvalidOperationException($"Cannot convert the JSON string because it contains keys with different casing or duplicates: '{p.Name}'.");
                    o.Properties.Add(new PSNoteProperty(p.Name, Convert(p.Value)));
                }
                return o;
            case JsonValueKind.Array:
                return e.EnumerateArray().Select(Convert).ToArray();
            case JsonValueKind.String:
                var s = e.GetString()!;
                if (IsoDate.IsMatch(s) && DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var dt))
                    return dt;
                return s;
            case JsonValueKind.Number:
                if (e.TryGetInt64(out var l)) return l;
                var raw = e.GetRawText();
                if (!raw.Contains('.') && !raw.Contains('e') && !raw.Contains('E')) return BigInteger.Parse(raw, CultureInfo.InvariantCulture);
                return e.GetDouble();
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            default: return null;
        }
    }
}

[Cmdlet(VerbsData.ConvertTo, "Json")]
public sealed class ConvertToJsonShim : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowNull]
    public object? InputObject { get; set; }

    [Parameter] [ValidateRange(0, 100)] public int Depth { get; set; } = 2;
    [Parameter] public SwitchParameter Compress { get; set; }
    [Parameter] public SwitchParameter EnumsAsStrings { get; set; }
    [Parameter] public SwitchParameter AsArray { get; set; }

    private readonly List<object?> _inputs = new();
    private bool _warned;

    protected override void ProcessRecord() => _inputs.Add(InputObject);

    protected override void EndProcessing()
    {
        if (_inputs.Count == 0) return;
        object? root = _inputs.Count == 1 && !AsArray ? _inputs[0] : _inputs.ToArray();
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = !Compress, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false }))
            Write(w, root, 0);
        WriteObject(Encoding.UTF8.GetString(ms.ToArray()));
    }

    private void Write(Utf8JsonWriter w, object? value, int depth)
    {
        if (value is PSObject pso)
        {
            if (pso.BaseObject is PSCustomObject) { WriteProperties(w, pso, depth); return; }
            value = pso.BaseObject;
        }
        switch (value)
        {
            case null: w.WriteNullValue(); return;
            case DBNull: w.WriteNullValue(); return;
            case string s: w.WriteStringValue(s); return;
            case char c: w.WriteStringValue(c.ToString()); return;
            case bool b: w.WriteBooleanValue(b); return;
            case Enum en:
                if (EnumsAsStrings) w.WriteStringValue(en.ToString());
                else w.WriteNumberValue(System.Convert.ToInt64(en, CultureInfo.InvariantCulture));
                return;
            case int or long or short or sbyte or byte or ushort or uint:
                w.WriteNumberValue(System.Convert.ToInt64(value, CultureInfo.InvariantCulture)); return;
            case ulong ul: w.WriteNumberValue(ul); return;
            case double d: w.WriteNumberValue(d); return;
            case float f: w.WriteNumberValue(f); return;
            case decimal m: w.WriteNumberValue(m); return;
            case BigInteger bi: w.WriteRawValue(bi.ToString(CultureInfo.InvariantCulture)); return;
            case DateTime dt: w.WriteStringValue(dt.ToString("o", CultureInfo.InvariantCulture)); return;
            case DateTimeOffset dto: w.WriteStringValue(dto.ToString("o", CultureInfo.InvariantCulture)); return;
            case Guid g: w.WriteStringValue(g.ToString()); return;
            case Uri u: w.WriteStringValue(u.OriginalString); return;
        }
        if (depth > Depth)
        {
            if (!_warned) WriteWarning($"Resulting JSON is truncated as serialization has exceeded the set depth of {Depth}.");
            _warned = true;
            w.WriteStringValue(value.ToString());
            return;
        }
        if (value is IDictionary dict)
        {
            w.WriteStartObject();
            foreach (DictionaryEntry kv in dict)
            {
                w.WritePropertyName(kv.Key.ToString()!);
                Write(w, kv.Value, depth + 1);
            }
            w.WriteEndObject();
            return;
        }
        if (value is IEnumerable items)
        {
            w.WriteStartArray();
            foreach (var item in items) Write(w, item, depth + 1);
            w.WriteEndArray();
            return;
        }
        WriteProperties(w, PSObject.AsPSObject(value), depth);
    }

    private void WriteProperties(Utf8JsonWriter w, PSObject o, int depth)
    {
        if (depth > Depth)
        {
            if (!_warned) WriteWarning($"Resulting JSON is truncated as serialization has exceeded the set depth of {Depth}.");
            _warned = true;
            w.WriteStringValue(o.ToString());
            return;
        }
        w.WriteStartObject();
        foreach (var p in o.Properties)
        {
            if (!p.IsGettable) continue;
            object? v;
            try { v = p.Value; } catch (GetValueException) { continue; }
            w.WritePropertyName(p.Name);
            Write(w, v, depth + 1);
        }
        w.WriteEndObject();
    }
}

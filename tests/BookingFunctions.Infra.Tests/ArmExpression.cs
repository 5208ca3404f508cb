using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace BookingFunctions.Infra.Tests;

/// <summary>
/// Evaluates the part of the ARM expression language the templates use for settings: string and number literals,
/// parameters(), variables(), format(), concat(), toLower(), if() with a known condition, length(), copyIndex(),
/// resourceId() (as "⟨scope⟩/providers/type/name"), property access and indexing.
/// Anything that depends on Azure (reference(), uniqueString(), deployer() …) becomes an opaque token, "⟨its text⟩":
/// the same expression always gives the same token, so two settings that must agree can still be compared.
/// </summary>
internal sealed class ArmExpression
{
    private readonly string _text;
    private readonly ArmScope _scope;
    private int _at;

    private ArmExpression(string text, ArmScope scope)
    {
        _text = text;
        _scope = scope;
    }

    public static bool IsExpression(string value) => value.StartsWith('[') && !value.StartsWith("[[", StringComparison.Ordinal) && value.EndsWith(']');

    public static JsonNode? Evaluate(string value, ArmScope scope)
    {
        var parser = new ArmExpression(value[1..^1], scope);
        var result = parser.Expression();
        parser.Skip();
        return parser._at == parser._text.Length ? result : Opaque(value);
    }

    public static JsonNode Opaque(string text) => JsonValue.Create($"⟨{text}⟩");

    private JsonNode? Expression()
    {
        var start = _at;
        var value = Primary();
        while (true)
        {
            Skip();
            if (Peek('.'))
            {
                _at++;
                var name = Identifier();
                value = value is JsonObject o ? o[name]?.DeepClone() : Opaque(_text[start.._at]);
            }
            else if (Peek('['))
            {
                _at++;
                var index = Expression();
                Expect(']');
                value = value is JsonArray a && index is JsonValue i && i.TryGetValue(out int n) && n >= 0 && n < a.Count
                    ? a[n]?.DeepClone()
                    : Opaque(_text[start.._at]);
            }
            else
            {
                return value;
            }
        }
    }

    private JsonNode? Primary()
    {
        Skip();
        if (Peek('\''))
        {
            return JsonValue.Create(StringLiteral());
        }

        if (_at < _text.Length && (char.IsAsciiDigit(_text[_at]) || _text[_at] == '-'))
        {
            var start = _at++;
            while (_at < _text.Length && char.IsAsciiDigit(_text[_at]))
            {
                _at++;
            }

            return JsonValue.Create(long.Parse(_text[start.._at], CultureInfo.InvariantCulture));
        }

        var callStart = _at;
        var function = Identifier();
        Expect('(');
        var args = new List<JsonNode?>();
        Skip();
        while (!Peek(')'))
        {
            args.Add(Expression());
            Skip();
            if (Peek(','))
            {
                _at++;
            }
        }

        Expect(')');
        var text = _text[callStart.._at];
        return function.ToLowerInvariant() switch
        {
            "parameters" when args is [JsonValue p] => _scope.Parameter(p.ToString()),
            "variables" when args is [JsonValue v] => _scope.Variable(v.ToString()),
            "format" when args is [JsonValue f, ..] => JsonValue.Create(Format(f.ToString(), args.Skip(1).ToList())),
            "concat" when args.All(a => a is JsonValue) => JsonValue.Create(string.Concat(args.Select(Text))),
            "tolower" when args is [JsonValue s] && !IsOpaque(s) => JsonValue.Create(s.ToString().ToLowerInvariant()),
            "if" when args is [JsonValue c, var whenTrue, var whenFalse] && c.TryGetValue(out bool condition) => condition ? whenTrue : whenFalse,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            "createarray" => new JsonArray(args.Select(a => a?.DeepClone()).ToArray()),
            "createobject" when args.Count % 2 == 0 && args.Where((_, i) => i % 2 == 0).All(k => k is JsonValue) =>
                new JsonObject(Enumerable.Range(0, args.Count / 2).Select(i => KeyValuePair.Create(Text(args[2 * i]), args[2 * i + 1]?.DeepClone()))),
            "length" when args is [JsonArray array] => JsonValue.Create(array.Count),
            "copyindex" when args.Count == 0 && _scope.CopyIndex is { } index => JsonValue.Create(index),
            // an id that ends in the names it was given, so a role definition's GUID can be read off it
            "subscriptionresourceid" or "resourceid" when args.Count >= 2 =>
                JsonValue.Create($"⟨scope⟩/providers/{string.Join('/', args.Select(Text))}"),
            _ => Opaque(text),
        };
    }

    private static bool IsOpaque(JsonValue value) => value.ToString().StartsWith('⟨');

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => node.ToJsonString(),
    };

    private static string Format(string format, List<JsonNode?> args)
    {
        var result = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] == '{' && i + 2 < format.Length && char.IsAsciiDigit(format[i + 1]))
            {
                var close = format.IndexOf('}', i);
                var index = int.Parse(format[(i + 1)..close], CultureInfo.InvariantCulture);
                result.Append(index < args.Count ? Text(args[index]) : "");
                i = close;
            }
            else
            {
                result.Append(format[i]);
            }
        }

        return result.ToString();
    }

    private string StringLiteral()
    {
        Expect('\'');
        var result = new StringBuilder();
        while (true)
        {
            if (_at >= _text.Length)
            {
                throw new FormatException($"Unterminated string in [{_text}]");
            }

            if (_text[_at] == '\'')
            {
                if (_at + 1 < _text.Length && _text[_at + 1] == '\'')
                {
                    result.Append('\'');
                    _at += 2;
                    continue;
                }

                _at++;
                return result.ToString();
            }

            result.Append(_text[_at++]);
        }
    }

    private string Identifier()
    {
        Skip();
        var start = _at;
        while (_at < _text.Length && (char.IsAsciiLetterOrDigit(_text[_at]) || _text[_at] is '_' or '$'))
        {
            _at++;
        }

        if (start == _at)
        {
            throw new FormatException($"Expected a name at {_at} in [{_text}]");
        }

        return _text[start.._at];
    }

    private void Expect(char c)
    {
        Skip();
        if (!Peek(c))
        {
            throw new FormatException($"Expected '{c}' at {_at} in [{_text}]");
        }

        _at++;
    }

    private bool Peek(char c) => _at < _text.Length && _text[_at] == c;

    private void Skip()
    {
        while (_at < _text.Length && char.IsWhiteSpace(_text[_at]))
        {
            _at++;
        }
    }
}

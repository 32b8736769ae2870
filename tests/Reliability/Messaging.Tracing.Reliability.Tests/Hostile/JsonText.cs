using System.Globalization;
using System.Text;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>
/// Writes JSON text by hand, so that any string — control characters, <c>\u0000</c>, lone surrogates — becomes a JSON
/// string literal (RFC 8259 §7 allows any code unit escaped), and the database, not the writer, decides what it stores.
/// </summary>
public static class JsonText
{
    /// <summary>A JSON string literal for <paramref name="value"/> (<c>null</c> for null); every character outside printable ASCII escaped as <c>\uXXXX</c>.</summary>
    /// <param name="value">The string.</param>
    /// <returns>The literal.</returns>
    public static string Quote(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var json = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\')
            {
                json.Append('\\').Append(c);
            }
            else if (c is >= ' ' and <= '~')
            {
                json.Append(c);
            }
            else
            {
                json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return json.Append('"').ToString();
    }
}

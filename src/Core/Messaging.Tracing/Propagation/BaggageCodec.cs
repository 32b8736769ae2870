using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using OpenTelemetry;

namespace Messaging.Tracing.Propagation;

/// <summary>
/// Reads and writes the W3C <c>baggage</c> value (https://www.w3.org/TR/baggage/) as OpenTelemetry
/// <see cref="Baggage"/>, from and to UTF-8 bytes or characters.
/// </summary>
/// <remarks>
/// <para>The grammar is W3C Baggage's ("Definition"): <c>key OWS "=" OWS value *( OWS ";" OWS property )</c>, a key a token,
/// a value baggage octets with percent-encoding, a property <c>key OWS "=" OWS value</c> or <c>key OWS</c>. Percent-decoded
/// bytes that are not UTF-8 are replaced with U+FFFD, in values and property values ("value", "property"). On output only
/// what must be encoded is: code points outside <c>baggage-octet</c> (as UTF-8) and <c>%</c>, with upper-case hex (a space
/// is <c>%20</c>, a <c>+</c> stays a <c>+</c>); anything encoded beyond that on input decodes to the same value.</para>
/// <para>Member properties are carried: <see cref="Parse(ReadOnlySpan{char}, Func{string, bool}?)"/> keeps them with the
/// member (read them with <see cref="BaggageProperties"/>), and formatting writes a member with the properties it was
/// received with, in canonical form (no white space, values re-encoded as values are, order and repeated names kept),
/// unless its value was changed since. A member with an invalid property is invalid as a whole.</para>
/// <para>Members are kept or dropped whole, never cut ("Limits"): an invalid member (key not a token, a character outside
/// <c>baggage-octet</c>, a broken percent escape, an invalid property) is dropped and the others are kept. At most
/// <see cref="MaxMembers"/> members and <see cref="MaxLength"/> bytes are kept, counting each member's whole canonical text,
/// properties included, and the commas between members; past them whole members are dropped. W3C Baggage asks for at least
/// 64 members and 8192 bytes. Nothing that starts past the first <see cref="MaxLength"/> bytes of a value is read, and a
/// member whose received text is longer than <see cref="MaxLength"/> is dropped unread, so hostile input costs little.
/// When a key repeats, the last member wins, with its properties, as in OpenTelemetry's own propagator.</para>
/// </remarks>
public static class BaggageCodec
{
    /// <summary>Most members carried. W3C Baggage ("Limits") asks for at least 64; 180 is the bound of its grammar's list.</summary>
    public const int MaxMembers = 180;

    /// <summary>Most bytes of a <c>baggage</c> value carried, whole members with their properties (W3C Baggage, "Limits": at least 8192).</summary>
    public const int MaxLength = 8192;

    // Percent-encoding uses upper-case hex digits (RFC 3986 §2.1).
    private const string UpperHex = "0123456789ABCDEF";

    // tchar of RFC 9110 §5.6.2, the characters of a key.
    private const string TokenCharacterList = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>The characters a value carries as they are: every <c>baggage-octet</c> but <c>%</c> (W3C Baggage, "value").</summary>
    private static readonly SearchValues<char> PlainValueCharacters = SearchValues.Create(PlainValueCharacterList());

    private static readonly SearchValues<byte> PlainValueBytes = SearchValues.Create(Encoding.ASCII.GetBytes(PlainValueCharacterList()));

    private static readonly SearchValues<char> TokenCharacters = SearchValues.Create(TokenCharacterList);

    private static readonly SearchValues<byte> TokenBytes = SearchValues.Create(Encoding.ASCII.GetBytes(TokenCharacterList));

    // Scratch space of the calling thread, taken while in use (a filter that formats or parses baggage itself gets new
    // ones), so formatting and parsing allocate only their result.
    [ThreadStatic]
    private static KeyValuePair<string, string>[]? t_selectedMembers;

    [ThreadStatic]
    private static Dictionary<string, string>? t_parsedMembers;

    /// <summary>Parses a <c>baggage</c> value given as characters.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="keyFilter">Optional: only keys it accepts are kept.</param>
    /// <returns>The baggage; empty when nothing valid was found.</returns>
    public static Baggage Parse(ReadOnlySpan<char> value, Func<string, bool>? keyFilter = null) => ParseCore(value, keyFilter, out _);

    /// <summary>Parses a <c>baggage</c> value given as UTF-8 bytes.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="keyFilter">Optional: only keys it accepts are kept.</param>
    /// <returns>The baggage; empty when nothing valid was found.</returns>
    public static Baggage Parse(ReadOnlySpan<byte> value, Func<string, bool>? keyFilter = null) => ParseCore(value, keyFilter, out _);

    /// <summary>Parses a <c>baggage</c> value given as characters, telling whether any member was dropped.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="keyFilter">Optional: only keys it accepts are kept (a key it refuses is not "dropped").</param>
    /// <param name="complete"><see langword="false"/> when a member was invalid or past the limits.</param>
    /// <returns>The baggage; empty when nothing valid was found.</returns>
    internal static Baggage Parse(ReadOnlySpan<char> value, Func<string, bool>? keyFilter, out bool complete) => ParseCore(value, keyFilter, out complete);

    /// <summary>Parses a <c>baggage</c> value given as UTF-8 bytes, telling whether any member was dropped.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="keyFilter">Optional: only keys it accepts are kept (a key it refuses is not "dropped").</param>
    /// <param name="complete"><see langword="false"/> when a member was invalid or past the limits.</param>
    /// <returns>The baggage; empty when nothing valid was found.</returns>
    internal static Baggage Parse(ReadOnlySpan<byte> value, Func<string, bool>? keyFilter, out bool complete) => ParseCore(value, keyFilter, out complete);

    /// <summary>Formats baggage as a <c>baggage</c> string.</summary>
    /// <param name="baggage">The members to write.</param>
    /// <param name="keyFilter">Optional: only keys it accepts are written.</param>
    /// <returns>The value, or <see langword="null"/> when no member is written.</returns>
    public static string? Format(IEnumerable<KeyValuePair<string, string>> baggage, Func<string, bool>? keyFilter = null)
    {
        byte[]? bytes = FormatUtf8(baggage, keyFilter);
        return bytes is null ? null : Encoding.ASCII.GetString(bytes);
    }

    /// <summary>Formats baggage as a <c>baggage</c> value in ASCII bytes.</summary>
    /// <param name="baggage">The members to write.</param>
    /// <param name="keyFilter">Optional: only keys it accepts are written.</param>
    /// <returns>The value, or <see langword="null"/> when no member is written.</returns>
    public static byte[]? FormatUtf8(IEnumerable<KeyValuePair<string, string>> baggage, Func<string, bool>? keyFilter = null)
    {
        ArgumentNullException.ThrowIfNull(baggage);
        return FormatCore(baggage.GetEnumerator(), keyFilter);
    }

    /// <summary>
    /// <see cref="FormatUtf8(IEnumerable{KeyValuePair{string, string}}, Func{string, bool}?)"/> for OpenTelemetry's
    /// <see cref="Baggage"/>, enumerated without boxing its enumerator (the inject path).
    /// </summary>
    internal static byte[]? FormatUtf8(Baggage baggage, Func<string, bool>? keyFilter) => FormatCore(baggage.GetEnumerator(), keyFilter);

    /// <summary>Generic over the enumerator so <see cref="Baggage"/>'s struct enumerator is not boxed.</summary>
    private static byte[]? FormatCore<TEnumerator>(TEnumerator members, Func<string, bool>? keyFilter)
        where TEnumerator : IEnumerator<KeyValuePair<string, string>>
    {
        var selection = new MemberSelection(keyFilter, stackalloc int[MaxMembers]);
        try
        {
            while (members.MoveNext() && selection.Consider(members.Current))
            {
            }

            return selection.ToUtf8();
        }
        finally
        {
            selection.Release();
            members.Dispose();
        }
    }

    private static Baggage ParseCore<T>(ReadOnlySpan<T> value, Func<string, bool>? keyFilter, out bool complete)
        where T : unmanaged, IBinaryInteger<T>
    {
        complete = true;
        // Baggage.Create copies the members into a dictionary of its own: collect them in the thread's scratch one.
        Dictionary<string, string> items = t_parsedMembers ?? new Dictionary<string, string>(StringComparer.Ordinal);
        t_parsedMembers = null;
        try
        {
            Dictionary<string, BaggageMemberProperties>? withProperties = null;
            int length = 0;
            int position = 0;

            // Members that start past MaxLength cannot be carried; stop there so hostile input costs little. Past
            // MaxMembers keys, a later value of a key already read still wins (the last value wins, at the limit too).
            while (position < value.Length && position <= MaxLength)
            {
                int comma = value[position..].IndexOf(T.CreateTruncating(','));
                int end = comma < 0 ? value.Length : position + comma;
                if (!TryParseMember(value[position..end], out string? key, out string? item, out int size, out BaggageMemberProperties? properties))
                {
                    complete &= IsBlank(value[position..end]);
                }
                else if (length + size + (length > 0 ? 1 : 0) > MaxLength || (items.Count >= MaxMembers && !items.ContainsKey(key)))
                {
                    complete = false;
                }
                else if (keyFilter is null || Accepts(keyFilter, key))
                {
                    items[key] = item;
                    length += size + (length > 0 ? 1 : 0);

                    // The last member of a key wins with its properties, or without any.
                    if (properties is not null)
                    {
                        (withProperties ??= new Dictionary<string, BaggageMemberProperties>(StringComparer.Ordinal))[key] = properties;
                    }
                    else
                    {
                        withProperties?.Remove(key);
                    }
                }

                position = end + 1;
            }

            // Members left unread (past MaxLength) are dropped too.
            complete &= position >= value.Length || IsBlank(value[position..]);

            if (withProperties is not null)
            {
                // On the key instances the dictionary holds (a repeated key keeps its first instance): Baggage.Create keeps them.
                foreach (KeyValuePair<string, string> member in items)
                {
                    if (withProperties.TryGetValue(member.Key, out BaggageMemberProperties? properties))
                    {
                        BaggageProperties.Attach(member.Key, properties);
                    }
                }
            }

            return items.Count == 0 ? default : Baggage.Create(items);
        }
        finally
        {
            items.Clear();
            t_parsedMembers = items;
        }
    }

    internal static bool Accepts(Func<string, bool> keyFilter, string key)
    {
        try
        {
            return keyFilter(key);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Diagnostics.MessagingTracingEventSource.Log.CallbackFailed("baggage key filter", ex);
            return false;
        }
    }

    /// <summary>
    /// Parses one list member (W3C Baggage, "Definition"); <paramref name="size"/> is the length of its canonical text, the
    /// one formatting writes (properties included).
    /// </summary>
    private static bool TryParseMember<T>(ReadOnlySpan<T> member, out string key, out string value, out int size, out BaggageMemberProperties? properties)
        where T : unmanaged, IBinaryInteger<T>
    {
        key = value = string.Empty;
        size = 0;
        properties = null;
        member = TrimOws(member);
        int semicolon = member.IndexOf(T.CreateTruncating(';'));
        ReadOnlySpan<T> pair = semicolon < 0 ? member : member[..semicolon];
        int equals = pair.IndexOf(T.CreateTruncating('='));
        if (equals < 0 || member.Length > MaxLength)
        {
            return false;
        }

        ReadOnlySpan<T> rawKey = TrimOws(pair[..equals]);
        if (rawKey.IsEmpty || !IsToken(rawKey) || !TryDecode(TrimOws(pair[(equals + 1)..]), out value, out int valueSize))
        {
            return false;
        }

        size = rawKey.Length + 1 + valueSize;
        if (semicolon >= 0)
        {
            if (!TryParseProperties(member[(semicolon + 1)..], value, out properties))
            {
                return false;
            }

            size += properties.Encoded.Length;
        }

        key = ToAsciiString(rawKey);
        return true;
    }

    /// <summary>
    /// Parses the properties after a member's value (<c>property *( OWS ";" OWS property )</c>, W3C Baggage, "property"): each
    /// <c>key OWS "=" OWS value</c> or <c>key OWS</c>, a key a token; an empty or invalid one makes them all invalid.
    /// </summary>
    private static bool TryParseProperties<T>(ReadOnlySpan<T> text, string memberValue, [NotNullWhen(true)] out BaggageMemberProperties? properties)
        where T : unmanaged, IBinaryInteger<T>
    {
        properties = null;
        var parsed = new List<BaggageProperty>();
        int encodedLength = 0;
        while (true)
        {
            int semicolon = text.IndexOf(T.CreateTruncating(';'));
            ReadOnlySpan<T> property = TrimOws(semicolon < 0 ? text : text[..semicolon]);
            int equals = property.IndexOf(T.CreateTruncating('='));
            ReadOnlySpan<T> name = equals < 0 ? property : TrimOws(property[..equals]);
            if (name.IsEmpty || !IsToken(name))
            {
                return false;
            }

            // ";name" or ";name=value", the value encoded as values are.
            encodedLength += 1 + name.Length;
            string? propertyValue = null;
            if (equals >= 0)
            {
                if (!TryDecode(TrimOws(property[(equals + 1)..]), out propertyValue, out int valueSize))
                {
                    return false;
                }

                encodedLength += 1 + valueSize;
            }

            parsed.Add(new BaggageProperty(ToAsciiString(name), propertyValue));
            if (semicolon < 0)
            {
                break;
            }

            text = text[(semicolon + 1)..];
        }

        var encoded = new byte[encodedLength];
        int written = 0;
        foreach (BaggageProperty property in parsed)
        {
            encoded[written++] = (byte)';';
            written += Encoding.ASCII.GetBytes(property.Name, encoded.AsSpan(written));
            if (property.Value is not null)
            {
                encoded[written++] = (byte)'=';
                written += WriteValue(property.Value, encoded.AsSpan(written));
            }
        }

        properties = new BaggageMemberProperties(memberValue, encoded, parsed.AsReadOnly());
        return true;
    }

    /// <summary>
    /// Decodes a value (<c>*baggage-octet</c> with percent-encoding, W3C Baggage, "value"): false for a character outside
    /// <c>baggage-octet</c> or a broken escape; percent-decoded bytes that are not UTF-8 become U+FFFD.
    /// <paramref name="encodedSize"/> is the length of its canonical encoding.
    /// </summary>
    private static bool TryDecode<T>(ReadOnlySpan<T> raw, out string value, out int encodedSize)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (ContainsOnly(raw, PlainValueCharacters, PlainValueBytes))
        {
            // Nothing percent-encoded (the usual value): the characters are the value and its canonical encoding.
            value = ToAsciiString(raw);
            encodedSize = raw.Length;
            return true;
        }

        value = string.Empty;
        encodedSize = 0;
        Span<byte> decoded = raw.Length <= 256 ? stackalloc byte[raw.Length] : new byte[raw.Length];
        int decodedLength = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            int c = int.CreateTruncating(raw[i]);
            if (c == '%')
            {
                if (i + 2 >= raw.Length
                    || !TryHexDigit(int.CreateTruncating(raw[i + 1]), out int high)
                    || !TryHexDigit(int.CreateTruncating(raw[i + 2]), out int low))
                {
                    return false;
                }

                decoded[decodedLength++] = (byte)((high << 4) | low);
                i += 2;
            }
            else if (IsBaggageOctet(c))
            {
                decoded[decodedLength++] = (byte)c;
            }
            else
            {
                return false;
            }
        }

        // Encoding.UTF8 replaces each maximal invalid subsequence with U+FFFD, as W3C Baggage ("value") asks.
        value = Encoding.UTF8.GetString(decoded[..decodedLength]);
        encodedSize = EncodedLength(value);
        return true;
    }

    private static string ToAsciiString<T>(ReadOnlySpan<T> ascii)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(char))
        {
            return new string(MemoryMarshal.Cast<T, char>(ascii));
        }

        if (typeof(T) == typeof(byte))
        {
            return Encoding.ASCII.GetString(MemoryMarshal.Cast<T, byte>(ascii));
        }

        Span<char> chars = ascii.Length <= 256 ? stackalloc char[ascii.Length] : new char[ascii.Length];
        for (int i = 0; i < ascii.Length; i++)
        {
            chars[i] = (char)ushort.CreateTruncating(ascii[i]);
        }

        return new string(chars);
    }

    /// <summary>Size of the encoded member with its properties, or 0 when it is not written (filtered out or key not a token).</summary>
    private static int EncodedSize(KeyValuePair<string, string> item, Func<string, bool>? keyFilter)
    {
        if (string.IsNullOrEmpty(item.Key) || !IsToken(item.Key.AsSpan()) || (keyFilter is not null && !Accepts(keyFilter, item.Key)))
        {
            return 0;
        }

        int size = item.Key.Length + 1 + EncodedLength(item.Value);
        if (BaggageProperties.AnyAttached && BaggageProperties.TryFind(item, out BaggageMemberProperties? properties))
        {
            size += properties.Encoded.Length;
        }

        return size;
    }

    /// <summary>Writes a member of <see cref="EncodedSize"/> bytes: the key, <c>=</c>, the value and the properties received with it.</summary>
    private static int WriteMember(KeyValuePair<string, string> item, Span<byte> destination)
    {
        // Keys are tokens (ASCII): they copy as they are.
        _ = Ascii.FromUtf16(item.Key, destination, out int written);
        destination[written++] = (byte)'=';
        written += WriteValue(item.Value, destination[written..]);

        // Room left is the properties' (EncodedSize found them; the table never changes what it holds for a key).
        if (written < destination.Length && BaggageProperties.TryFind(item, out BaggageMemberProperties? properties))
        {
            properties.Encoded.CopyTo(destination[written..]);
            written += properties.Encoded.Length;
        }

        return written;
    }

    /// <summary>Length of a value percent-encoded as <see cref="WriteValue"/> writes it.</summary>
    private static int EncodedLength(ReadOnlySpan<char> value)
    {
        int plain = PlainPrefixLength(value);
        int size = plain;
        foreach (Rune rune in value[plain..].EnumerateRunes())
        {
            size += IsPlain(rune) ? 1 : 3 * rune.Utf8SequenceLength;
        }

        return size;
    }

    /// <summary>
    /// Writes a value percent-encoding only what must be (W3C Baggage, "value"): code points outside <c>baggage-octet</c>, as
    /// UTF-8 (a lone surrogate as U+FFFD), and <c>%</c>.
    /// </summary>
    private static int WriteValue(ReadOnlySpan<char> value, Span<byte> destination)
    {
        // The plain prefix of the value is ASCII: it copies as it is.
        int plain = PlainPrefixLength(value);
        _ = Ascii.FromUtf16(value[..plain], destination, out int written);

        Span<byte> utf8 = stackalloc byte[4];
        foreach (Rune rune in value[plain..].EnumerateRunes())
        {
            if (IsPlain(rune))
            {
                destination[written++] = (byte)rune.Value;
                continue;
            }

            int count = rune.EncodeToUtf8(utf8);
            for (int i = 0; i < count; i++)
            {
                destination[written++] = (byte)'%';
                destination[written++] = (byte)UpperHex[utf8[i] >> 4];
                destination[written++] = (byte)UpperHex[utf8[i] & 0xF];
            }
        }

        return written;
    }

    /// <summary>How many leading characters of a value need no percent-encoding (all of them, usually).</summary>
    private static int PlainPrefixLength(ReadOnlySpan<char> value)
    {
        int escaped = value.IndexOfAnyExcept(PlainValueCharacters);
        return escaped < 0 ? value.Length : escaped;
    }

    private static bool IsPlain(Rune rune) => rune.Value < 0x80 && rune.Value != '%' && IsBaggageOctet(rune.Value);

    private static string PlainValueCharacterList()
    {
        var characters = new StringBuilder();
        for (char c = (char)0x21; c <= (char)0x7E; c++)
        {
            if (c != '%' && IsBaggageOctet(c))
            {
                characters.Append(c);
            }
        }

        return characters.ToString();
    }

    /// <summary>Whether the span holds only optional white space and empty members.</summary>
    private static bool IsBlank<T>(ReadOnlySpan<T> span)
        where T : unmanaged, IBinaryInteger<T>
        => span.IndexOfAnyExcept(T.CreateTruncating(' '), T.CreateTruncating('\t'), T.CreateTruncating(',')) < 0;

    private static ReadOnlySpan<T> TrimOws<T>(ReadOnlySpan<T> span)
        where T : unmanaged, IBinaryInteger<T>
    {
        int start = 0;
        int end = span.Length;
        while (start < end && int.CreateTruncating(span[start]) is ' ' or '\t')
        {
            start++;
        }

        while (end > start && int.CreateTruncating(span[end - 1]) is ' ' or '\t')
        {
            end--;
        }

        return span[start..end];
    }

    // token = 1*tchar (RFC 9110 §5.6.2)
    private static bool IsToken<T>(ReadOnlySpan<T> span)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(char) || typeof(T) == typeof(byte))
        {
            return ContainsOnly(span, TokenCharacters, TokenBytes);
        }

        foreach (T t in span)
        {
            int c = int.CreateTruncating(t);
            bool tchar = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
            if (!tchar)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether every element is one of the characters (a vectorized search, for characters and UTF-8 bytes).</summary>
    private static bool ContainsOnly<T>(ReadOnlySpan<T> span, SearchValues<char> characters, SearchValues<byte> utf8)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(char))
        {
            return MemoryMarshal.Cast<T, char>(span).IndexOfAnyExcept(characters) < 0;
        }

        if (typeof(T) == typeof(byte))
        {
            return MemoryMarshal.Cast<T, byte>(span).IndexOfAnyExcept(utf8) < 0;
        }

        foreach (T t in span)
        {
            int c = int.CreateTruncating(t);
            if (c > char.MaxValue || !characters.Contains((char)c))
            {
                return false;
            }
        }

        return true;
    }

    // baggage-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E (W3C Baggage, "Definition")
    private static bool IsBaggageOctet(int c) => c is 0x21 or (>= 0x23 and <= 0x2B) or (>= 0x2D and <= 0x3A) or (>= 0x3C and <= 0x5B) or (>= 0x5D and <= 0x7E);

    private static bool TryHexDigit(int c, out int value)
    {
        value = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'a' and <= 'f' => c - 'a' + 10,
            >= 'A' and <= 'F' => c - 'A' + 10,
            _ => -1,
        };
        return value >= 0;
    }

    /// <summary>
    /// The members one format call writes, chosen in a single pass (the key filter is asked once per key): the first
    /// <see cref="MaxMembers"/> valid, accepted members that fit in <see cref="MaxLength"/> bytes, in order.
    /// </summary>
    private ref struct MemberSelection
    {
        private readonly Func<string, bool>? _keyFilter;
        private readonly Span<int> _sizes;
        private KeyValuePair<string, string>[] _members;
        private int _count;
        private int _length;

        public MemberSelection(Func<string, bool>? keyFilter, Span<int> sizes)
        {
            _keyFilter = keyFilter;
            _sizes = sizes;
            _members = t_selectedMembers ?? new KeyValuePair<string, string>[MaxMembers];
            t_selectedMembers = null;
        }

        /// <summary>Selects the member when it is written; false once <see cref="MaxMembers"/> are selected.</summary>
        public bool Consider(KeyValuePair<string, string> item)
        {
            if (_count == MaxMembers)
            {
                return false;
            }

            int size = EncodedSize(item, _keyFilter);
            int separator = _count > 0 ? 1 : 0;
            if (size > 0 && _length + separator + size <= MaxLength)
            {
                _members[_count] = item;
                _sizes[_count] = size;
                _count++;
                _length += separator + size;
            }

            return true;
        }

        /// <summary>The selected members as a <c>baggage</c> value; null when none was selected.</summary>
        public readonly byte[]? ToUtf8()
        {
            if (_count == 0)
            {
                return null;
            }

            var output = new byte[_length];
            int written = 0;
            for (int i = 0; i < _count; i++)
            {
                if (i > 0)
                {
                    output[written++] = (byte)',';
                }

                written += WriteMember(_members[i], output.AsSpan(written, _sizes[i]));
            }

            return output;
        }

        /// <summary>Gives the scratch array back to the thread, without the references it held.</summary>
        public void Release()
        {
            _members.AsSpan(0, _count).Clear();
            t_selectedMembers = _members;
            _members = [];
            _count = 0;
        }
    }
}

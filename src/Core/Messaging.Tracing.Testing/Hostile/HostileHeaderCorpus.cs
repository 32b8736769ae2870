using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Messaging.Tracing.Testing.Hostile;

/// <summary>
/// A corpus of hostile <c>traceparent</c>, <c>tracestate</c> and <c>baggage</c> headers — oversized, with thousands of
/// members, invalid UTF-8, CR/LF, control characters and NUL, upper-case hex, all-zero ids, versions <c>ff</c> and
/// future, repeated keys with conflicting values, null, truncated, empty and padded values, broken percent-encoding,
/// baggage properties valid and invalid —
/// each with what a consumer must do. Use it to test a consumer: every message must still be delivered and handled
/// once, its payload unchanged, and its trace must start anew or continue as <see cref="HostileHeaderCase.Outcome"/> says.
/// </summary>
/// <example>
/// <code>
/// public static TheoryData&lt;string&gt; Cases() =&gt; new(HostileHeaderCorpus.Names);
///
/// [Theory, MemberData(nameof(Cases))]
/// public async Task A_hostile_message_is_still_delivered(string name)
/// {
///     HostileHeaderCase hostile = HostileHeaderCorpus.Get(name);
///     // send a message with hostile.Headers, consume it, check the process span against hostile.Outcome
/// }
/// </code>
/// </example>
public static class HostileHeaderCorpus
{
    /// <summary>Size of the oversized values in <see cref="All"/>: 1 MiB.</summary>
    public const int OversizedLength = 1 << 20;

    /// <summary>
    /// Members of the long <c>tracestate</c> and <c>baggage</c> lists: far past the 32 <c>tracestate</c> members of W3C
    /// Trace Context ("tracestate Header Field Values") and the 64 <c>baggage</c> members of W3C Baggage ("Limits").
    /// </summary>
    public const int ManyMembers = 10_000;

    /// <summary>The valid <c>traceparent</c> the continuing cases carry (the W3C specification's example).</summary>
    public const string ValidTraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    /// <summary>A second valid <c>traceparent</c>, conflicting with <see cref="ValidTraceParent"/>.</summary>
    public const string OtherTraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /// <summary>A valid <c>tracestate</c>, already canonical.</summary>
    public const string ValidTraceState = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";

    // A valid tracestate of keys that only the Level 2 key grammar allows ('@' anywhere after the first character, a leading
    // digit, no tenant/system split), already canonical.
    private const string Level2KeysTraceState = "foo@=1,foo@@bar=2,foo@bar@baz=3,1abc=4,t@vvvvvvvvvvvvvvv=5,a@1b=6,k@@@@@@@@=7";

    private const string TraceParent = "traceparent";
    private const string TraceState = "tracestate";
    private const string Baggage = "baggage";

    private static readonly Lazy<IReadOnlyList<HostileHeaderCase>> Cases = new(Build);

    /// <summary>The context of <see cref="ValidTraceParent"/> with the sampled and random trace id flags (<c>03</c>).</summary>
    private static readonly ActivityContext RandomParent = new(
        ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c"),
        ActivitySpanId.CreateFromString("b7ad6b7169203331"),
        ActivityTraceFlags.Recorded | (ActivityTraceFlags)0x02,
        traceState: null,
        isRemote: true);

    /// <summary>Gets the context <see cref="ValidTraceParent"/> names.</summary>
    public static ActivityContext ValidParent { get; } = new(
        ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c"),
        ActivitySpanId.CreateFromString("b7ad6b7169203331"),
        ActivityTraceFlags.Recorded,
        traceState: null,
        isRemote: true);

    /// <summary>Gets every case, with oversized values of <see cref="OversizedLength"/> bytes.</summary>
    public static IReadOnlyList<HostileHeaderCase> All => Cases.Value;

    /// <summary>Gets the names of every case, in order (for <c>[MemberData]</c>).</summary>
    public static IEnumerable<string> Names => All.Select(c => c.Name);

    /// <summary>Gets a case by name.</summary>
    /// <param name="name">A name from <see cref="Names"/>.</param>
    /// <returns>The case.</returns>
    /// <exception cref="ArgumentException">No case has that name.</exception>
    public static HostileHeaderCase Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (HostileHeaderCase hostile in All)
        {
            if (hostile.Name == name)
            {
                return hostile;
            }
        }

        throw new ArgumentException($"The corpus has no case named '{name}'.", nameof(name));
    }

    /// <summary>
    /// The oversized cases with values of <paramref name="length"/> bytes, for carriers that cannot hold 1 MiB in a
    /// header (an AMQP 0-9-1 content header must fit in one frame, 128 KiB by default in RabbitMQ).
    /// </summary>
    /// <param name="length">The size of each oversized value, at least 64 bytes.</param>
    /// <returns>The oversized <c>traceparent</c> (version 00 and a future version), <c>tracestate</c> and <c>baggage</c> cases.</returns>
    public static IReadOnlyList<HostileHeaderCase> Oversized(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 64);
        string size = length % (1 << 20) == 0
            ? (length >> 20).ToString(CultureInfo.InvariantCulture) + "mib"
            : length.ToString(CultureInfo.InvariantCulture) + "b";
        return
        [
            Case(
                $"traceparent-{size}",
                $"A version-00 traceparent padded to {length} bytes.",
                [Text(TraceParent, ValidTraceParent + "-" + new string('a', length - ValidTraceParent.Length - 1))],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Continuing(
                $"traceparent-future-version-{size}",
                $"A future-version traceparent with {length} bytes of extra fields: accepted by its version-00 prefix (W3C Trace Context, section Versioning of traceparent).",
                [Text(TraceParent, "cc" + ValidTraceParent[2..] + "-" + new string('x', length - ValidTraceParent.Length - 1))],
                HostileHeaderOutcome.Continue),
            Continuing(
                $"tracestate-{size}",
                $"A valid traceparent with a {length}-byte tracestate member.",
                [Text(TraceParent, ValidTraceParent), Text(TraceState, "congo=" + new string('v', length - 6))],
                HostileHeaderOutcome.ContinueWithoutTraceState,
                malformed: [TraceState]),
            Continuing(
                $"baggage-{size}",
                $"A valid traceparent with a {length}-byte baggage member.",
                [Text(TraceParent, ValidTraceParent), Text(Baggage, "user=" + new string('v', length - 5))],
                HostileHeaderOutcome.ContinueWithoutBaggage,
                malformed: [Baggage]),
        ];
    }

    private static List<HostileHeaderCase> Build()
    {
        var cases = new List<HostileHeaderCase>
        {
            Continuing(
                "well-formed",
                "The control case: a valid traceparent, tracestate and baggage.",
                [Text(TraceParent, ValidTraceParent), Text(TraceState, ValidTraceState), Text(Baggage, "user=alice,region=eu%20west")],
                HostileHeaderOutcome.Continue,
                traceState: ValidTraceState,
                baggage: [new("user", "alice"), new("region", "eu west")]),
        };

        cases.AddRange(Oversized(OversizedLength));
        cases.AddRange(
        [
            Continuing(
                "tracestate-10000-members",
                "A valid traceparent with a tracestate of 10,000 members (at most 32 are allowed): the left-most 32 are kept.",
                [Text(TraceParent, ValidTraceParent), Text(TraceState, string.Join(',', Enumerable.Range(0, ManyMembers).Select(i => $"k{i}=v")))],
                HostileHeaderOutcome.Continue,
                malformed: [TraceState],
                traceState: string.Join(',', Enumerable.Range(0, 32).Select(i => $"k{i}=v"))),
            Continuing(
                "baggage-10000-members",
                "A valid traceparent with a baggage of 10,000 valid members: a leading run of whole members is kept.",
                [Text(TraceParent, ValidTraceParent), Text(Baggage, string.Join(',', Enumerable.Range(0, ManyMembers).Select(i => $"m{i}=v{i}")))],
                HostileHeaderOutcome.ContinueWithBoundedBaggage,
                malformed: [Baggage],
                baggage: Enumerable.Range(0, ManyMembers).Select(i => new KeyValuePair<string, string>($"m{i}", $"v{i}")).ToArray()),
            Case(
                "traceparent-invalid-utf8",
                "A traceparent with a byte 0xFF in the trace id (a lone surrogate in string carriers).",
                [Bytes(TraceParent, Replace(ValidTraceParent, 3, "\u00FF"), Replace(ValidTraceParent, 3, "\uD800"))],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Continuing(
                "tracestate-invalid-utf8",
                "A valid traceparent with a tracestate value holding the bytes 0xFF 0xFE.",
                [Text(TraceParent, ValidTraceParent), Bytes(TraceState, "congo=t61r\u00FF\u00FEcWk", "congo=t61r\uDFFFcWk")],
                HostileHeaderOutcome.ContinueWithoutTraceState,
                malformed: [TraceState]),
            Continuing(
                "baggage-invalid-utf8",
                "A valid traceparent with baggage values of invalid UTF-8: percent-encoded (%C3%28), kept with U+FFFD (W3C Baggage, \"value\"); raw (0xFF), outside baggage-octet, dropped.",
                [Text(TraceParent, ValidTraceParent), Bytes(Baggage, "user=%C3%28,raw=\u00FF", "user=%C3%28,raw=\uDC00")],
                HostileHeaderOutcome.Continue,
                malformed: [Baggage],
                baggage: [new("user", "\uFFFD(")]),
            Case(
                "traceparent-crlf",
                "A valid traceparent followed by CR LF and a second, injected header line.",
                [Text(TraceParent, ValidTraceParent + "\r\nx-injected: 1")],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Continuing(
                "tracestate-crlf",
                "A valid traceparent with a tracestate that smuggles CR LF and a header line.",
                [Text(TraceParent, ValidTraceParent), Text(TraceState, "congo=t61rcWkgMzE\r\nset-cookie: session=1")],
                HostileHeaderOutcome.ContinueWithoutTraceState,
                malformed: [TraceState]),
            Continuing(
                "baggage-crlf",
                "A valid traceparent with a baggage value that smuggles CR LF and a header line.",
                [Text(TraceParent, ValidTraceParent), Text(Baggage, "user=alice\r\nset-cookie: session=1")],
                HostileHeaderOutcome.ContinueWithoutBaggage,
                malformed: [Baggage]),
            Case(
                "traceparent-control-characters",
                "A traceparent with BEL, ESC and DEL in place of hex digits.",
                [Text(TraceParent, Replace(Replace(Replace(ValidTraceParent, 5, "\u0007"), 40, "\u001B"), 54, "\u007F"))],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Continuing(
                "tracestate-and-baggage-control-characters",
                "A valid traceparent with SOH in the tracestate and in the baggage.",
                [Text(TraceParent, ValidTraceParent), Text(TraceState, "congo=t61r\u0001cWk"), Text(Baggage, "user=al\u0001ice")],
                HostileHeaderOutcome.ContinueWithoutTraceStateOrBaggage,
                malformed: [TraceState, Baggage]),
            Case(
                "traceparent-nul",
                "A valid traceparent followed by a NUL.",
                [Text(TraceParent, ValidTraceParent + "\0")],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Case(
                "traceparent-nul-inside",
                "A traceparent with a NUL in place of a hex digit.",
                [Text(TraceParent, Replace(ValidTraceParent, 20, "\0"))],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Continuing(
                "tracestate-nul",
                "A valid traceparent with a NUL inside a tracestate value.",
                [Text(TraceParent, ValidTraceParent), Text(TraceState, "congo=t61r\0cWk")],
                HostileHeaderOutcome.ContinueWithoutTraceState,
                malformed: [TraceState]),
            Case(
                "traceparent-upper-case-hex",
                "A traceparent in upper-case hex (only lower case is valid).",
                [Text(TraceParent, ValidTraceParent.ToUpperInvariant())],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Case(
                "traceparent-zero-trace-id",
                "A traceparent with an all-zero trace id.",
                [Text(TraceParent, "00-00000000000000000000000000000000-b7ad6b7169203331-01")],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Case(
                "traceparent-zero-span-id",
                "A traceparent with an all-zero parent id.",
                [Text(TraceParent, "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Case(
                "traceparent-version-ff",
                "A traceparent of version ff (forbidden).",
                [Text(TraceParent, "ff" + ValidTraceParent[2..])],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Continuing(
                "traceparent-future-version",
                "A future-version traceparent with extra fields, and a valid tracestate: both are used.",
                [Text(TraceParent, "cc" + ValidTraceParent[2..] + "-what-the-future-holds"), Text(TraceState, ValidTraceState)],
                HostileHeaderOutcome.Continue,
                traceState: ValidTraceState),
            Case(
                "traceparent-future-version-no-dash",
                "A future-version traceparent whose extra data does not start with '-'.",
                [Text(TraceParent, "cc" + ValidTraceParent[2..] + "x")],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Case(
                "traceparent-version-00-extra-fields",
                "A version-00 traceparent with an extra field (version 00 is exactly 55 characters).",
                [Text(TraceParent, ValidTraceParent + "-extra")],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Continuing(
                "traceparent-unknown-flags",
                "A traceparent with every flag bit set: the trace continues with the sampled and random flags, the others cleared.",
                [Text(TraceParent, ValidTraceParent[..^2] + "ff")],
                HostileHeaderOutcome.Continue,
                parent: RandomParent),
            Continuing(
                "traceparent-flags-03",
                "A traceparent with the sampled and random trace id flags (what .NET with DiagnosticSource 11 writes), and a tracestate: both kept.",
                [Text(TraceParent, ValidTraceParent[..^2] + "03"), Text(TraceState, ValidTraceState)],
                HostileHeaderOutcome.Continue,
                traceState: ValidTraceState,
                parent: RandomParent),
            Continuing(
                "tracestate-level-2-keys",
                "A valid traceparent with a tracestate of @-heavy keys that only the Level 2 key grammar allows: kept whole.",
                [Text(TraceParent, ValidTraceParent), Text(TraceState, Level2KeysTraceState)],
                HostileHeaderOutcome.Continue,
                traceState: Level2KeysTraceState),
            Continuing(
                "tracestate-mixed-members",
                "A valid traceparent with a tracestate of valid, invalid and duplicated members: the valid first ones are kept, in order.",
                [Text(TraceParent, ValidTraceParent), Text(TraceState, " a@=1, Bad@=2 ,a@=3,@b=4,,c@@d=5\t,c@@d=6,e=")],
                HostileHeaderOutcome.Continue,
                malformed: [TraceState],
                traceState: "a@=1,c@@d=5"),
            Case(
                "traceparent-duplicated-conflicting",
                "Two traceparent headers naming different traces.",
                [Text(TraceParent, ValidTraceParent), Text(TraceParent, OtherTraceParent)],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Continuing(
                "tracestate-duplicated-conflicting",
                "A valid traceparent with two tracestate headers giving the key congo different values: the first, left-most one is kept.",
                [Text(TraceParent, ValidTraceParent), Text(TraceState, "congo=first"), Text(TraceState, "congo=second")],
                HostileHeaderOutcome.Continue,
                malformed: [TraceState],
                traceState: "congo=first"),
            Continuing(
                "baggage-duplicated-conflicting",
                "A valid traceparent with two baggage headers giving the key user different values: the last wins, as in OpenTelemetry's propagator.",
                [Text(TraceParent, ValidTraceParent), Text(Baggage, "user=alice"), Text(Baggage, "user=mallory")],
                HostileHeaderOutcome.Continue,
                baggage: [new("user", "mallory")]),
            Case(
                "traceparent-null",
                "A traceparent header with a null value (as absent).",
                [HostileHeader.Null(TraceParent)],
                HostileHeaderOutcome.NewTrace),
            Continuing(
                "tracestate-null",
                "A valid traceparent with a null tracestate.",
                [Text(TraceParent, ValidTraceParent), HostileHeader.Null(TraceState)],
                HostileHeaderOutcome.ContinueWithoutTraceState),
            Continuing(
                "baggage-null",
                "A valid traceparent with a null baggage.",
                [Text(TraceParent, ValidTraceParent), HostileHeader.Null(Baggage)],
                HostileHeaderOutcome.ContinueWithoutBaggage),
            Case(
                "traceparent-truncated",
                "A traceparent cut after 30 characters.",
                [Text(TraceParent, ValidTraceParent[..30])],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Case(
                "traceparent-truncated-by-one",
                "A traceparent missing its last character.",
                [Text(TraceParent, ValidTraceParent[..^1])],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Continuing(
                "tracestate-truncated",
                "A valid traceparent with a tracestate cut after a key's '=': the whole first member is kept.",
                [Text(TraceParent, ValidTraceParent), Text(TraceState, "congo=t61rcWkgMzE,rojo=")],
                HostileHeaderOutcome.Continue,
                malformed: [TraceState],
                traceState: "congo=t61rcWkgMzE"),
            Continuing(
                "baggage-truncated",
                "A valid traceparent with a baggage cut inside its second member's key: the whole first member is kept.",
                [Text(TraceParent, ValidTraceParent), Text(Baggage, "user=alice,regi")],
                HostileHeaderOutcome.Continue,
                malformed: [Baggage],
                baggage: [new("user", "alice")]),
            Case(
                "traceparent-empty",
                "An empty traceparent.",
                [Text(TraceParent, string.Empty)],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Continuing(
                "tracestate-empty",
                "A valid traceparent with an empty tracestate (a valid, empty list).",
                [Text(TraceParent, ValidTraceParent), Text(TraceState, string.Empty)],
                HostileHeaderOutcome.ContinueWithoutTraceState),
            Continuing(
                "baggage-empty",
                "A valid traceparent with an empty baggage.",
                [Text(TraceParent, ValidTraceParent), Text(Baggage, string.Empty)],
                HostileHeaderOutcome.ContinueWithoutBaggage),
            Case(
                "traceparent-whitespace-padding",
                "A valid traceparent padded with spaces and a tab (not allowed in the value).",
                [Text(TraceParent, " " + ValidTraceParent + "\t ")],
                HostileHeaderOutcome.NewTrace,
                malformed: [TraceParent]),
            Continuing(
                "tracestate-and-baggage-whitespace-padding",
                "A valid traceparent with optional white space around tracestate and baggage members (allowed; removed).",
                [Text(TraceParent, ValidTraceParent), Text(TraceState, "  congo=t61rcWkgMzE ,\trojo=00f067aa0ba902b7\t "), Text(Baggage, " user = alice ,\tregion=eu-west\t")],
                HostileHeaderOutcome.Continue,
                traceState: ValidTraceState,
                baggage: [new("user", "alice"), new("region", "eu-west")]),
            Continuing(
                "valid-traceparent-hostile-tracestate-and-baggage",
                "A valid traceparent with a tracestate and a baggage made of broken members: the trace continues with the one valid tracestate member, the baggage is dropped.",
                [Text(TraceParent, ValidTraceParent), Text(TraceState, "congo=t61rcWkgMzE,=,rojo=\u0007,@@=x"), Text(Baggage, "=;;,%%%,=x,key with space=1")],
                HostileHeaderOutcome.ContinueWithoutBaggage,
                malformed: [TraceState, Baggage],
                traceState: "congo=t61rcWkgMzE"),
            Continuing(
                "baggage-percent-encoding-errors",
                "A valid traceparent with baggage values of broken percent escapes (%ZZ, %4, a lone %), dropped, a cut UTF-8 sequence, kept as U+FFFD, and one good member.",
                [Text(TraceParent, ValidTraceParent), Text(Baggage, "a=%ZZ,b=%4,c=%E2%82,d=ok%20value,e=%")],
                HostileHeaderOutcome.Continue,
                malformed: [Baggage],
                baggage: [new("c", "\uFFFD"), new("d", "ok value")]),
            Continuing(
                "baggage-properties",
                "A valid traceparent with baggage members carrying properties (key-only, valued, percent-encoded, repeated, with optional white space): every member is kept.",
                [Text(TraceParent, ValidTraceParent), Text(Baggage, "user=alice;role=admin;flag , region = eu%20west ; p = x%2Cy ;p,tier=;ttl=30")],
                HostileHeaderOutcome.Continue,
                baggage: [new("user", "alice"), new("region", "eu west"), new("tier", string.Empty)]),
            Continuing(
                "baggage-invalid-properties",
                "A valid traceparent with baggage members whose properties are invalid (empty, not a token, a value outside baggage-octet, a broken escape): those members are dropped whole, the other kept.",
                [Text(TraceParent, ValidTraceParent), Text(Baggage, "a=1;,b=2;p q,c=3;p=x y,d=4;p=%ZZ,tier=gold;ok")],
                HostileHeaderOutcome.Continue,
                malformed: [Baggage],
                baggage: [new("tier", "gold")]),
        ]);
        return cases;
    }

    private static HostileHeaderCase Case(string name, string description, HostileHeader[] headers, HostileHeaderOutcome outcome, string[]? malformed = null)
        => new(name, description, headers, outcome, malformed);

    private static HostileHeaderCase Continuing(
        string name,
        string description,
        HostileHeader[] headers,
        HostileHeaderOutcome outcome,
        string[]? malformed = null,
        string? traceState = null,
        KeyValuePair<string, string>[]? baggage = null,
        ActivityContext? parent = null)
        => new(name, description, headers, outcome, malformed, parent ?? ValidParent, traceState, baggage);

    private static HostileHeader Text(string name, string value) => HostileHeader.FromText(name, value);

    /// <summary>A header whose raw value is <paramref name="latin1"/> byte for byte and whose string form is <paramref name="text"/>.</summary>
    private static HostileHeader Bytes(string name, string latin1, string text) => HostileHeader.FromBytes(name, Encoding.Latin1.GetBytes(latin1), text);

    private static string Replace(string value, int index, string replacement) => value[..index] + replacement + value[(index + 1)..];
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using Messaging.Tracing.Testing.Hostile;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>
/// Hostile headers written with SQL straight into <c>mt_events.headers</c> (JSONB) of an event appended through a traced
/// Marten store, between two well-formed events of the same stream and append, then handled by a live async daemon running a
/// <see cref="MartenRecorder"/> (a <c>TracedSubscription</c>): the three events are handled once each, in order, as stored;
/// the shard commits its progress past them and keeps running; the hostile event's process span is a new root or continues
/// the stored context as the case says; the well-formed ones still follow from their append.
/// </summary>
public sealed class MartenHostileTests(MartenHostileStore fixture, ITestOutputHelper output) : IClassFixture<MartenHostileStore>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Cases() => HostileCases.Jsonb();

    public static TheoryData<string> RefusedCases() => HostileCases.NotJsonb();

    public static TheoryData<string, string> TypedCases() => JsonValues.KindsAndHeaders();

    /// <summary>Garbage a foreign writer may leave in <c>correlation_id</c> and <c>causation_id</c> (varchar columns).</summary>
    public static TheoryData<string> GarbageIdCases() => new(["null", "empty", "whitespace", "control", "escape-sequences", "unicode", "traceparent", "huge"]);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_stored_event_is_handled_once_in_order_by_a_live_daemon_that_keeps_running(string name)
    {
        HostileHeaderCase hostile = HostileHeaderCorpus.Get(name);
        string headers = "{" + string.Join(',', hostile.Headers.Select(h => JsonText.Quote(h.Name) + ":" + JsonText.Quote(h.Text))) + "}";
        using var diagnostics = new DiagnosticsRecorder();

        (IEvent stored, Activity process, IReadOnlyDictionary<string, string> baggage, double elapsed) = await RunAsync(name, headers, ids: null);

        foreach (HostileHeader header in hostile.Headers)
        {
            Assert.Equal(header.Text, StoredText(stored.Headers!, header.Name));
        }

        HostileAssert.Context(hostile, process, baggage);
        HostileAssert.Diagnostics(hostile, diagnostics);
        output.WriteLine(FormattableString.Invariant($"REPORT hostile transport=marten case={name} bytes={hostile.Size} outcome={hostile.Outcome} delivered=1 handled=1 e2e_ms={elapsed:0.0}"));
    }

    [Theory]
    [MemberData(nameof(RefusedCases))]
    public async Task A_header_value_jsonb_cannot_hold_is_refused_by_PostgreSQL_so_never_reaches_the_daemon(string name)
    {
        HostileHeaderCase hostile = HostileHeaderCorpus.Get(name);
        string headers = "{" + string.Join(',', hostile.Headers.Select(h => JsonText.Quote(h.Name) + ":" + JsonText.Quote(h.Text))) + "}";
        Guid streamId = await AppendAsync(name, collector: null);

        PostgresException refused = await Assert.ThrowsAsync<PostgresException>(() => WriteAsync(fixture.Schema, streamId, headers, ids: null));

        // 22P02 invalid_text_representation (a lone surrogate), 22P05 untranslatable_character (\u0000).
        Assert.Contains(refused.SqlState, new[] { PostgresErrorCodes.InvalidTextRepresentation, PostgresErrorCodes.UntranslatableCharacter });
        output.WriteLine(FormattableString.Invariant($"REPORT hostile transport=marten case={name} bytes={hostile.Size} outcome=refused-by-jsonb sqlstate={refused.SqlState}"));
    }

    [Theory]
    [MemberData(nameof(TypedCases))]
    public async Task A_header_value_of_any_json_type_is_handled_once_in_order(string kind, string header)
    {
        bool text = kind == JsonValues.Text;
        (HostileHeaderCase expected, string value) = header switch
        {
            PropagationHeaderNames.TraceParent => (
                new HostileHeaderCase($"json-{kind}-{header}", $"A JSON {kind} traceparent.", [], text ? HostileHeaderOutcome.Continue : HostileHeaderOutcome.NewTrace, parent: HostileHeaderCorpus.ValidParent),
                HostileHeaderCorpus.ValidTraceParent),
            PropagationHeaderNames.TraceState => (
                new HostileHeaderCase($"json-{kind}-{header}", $"A JSON {kind} tracestate.", [], HostileHeaderOutcome.Continue, parent: HostileHeaderCorpus.ValidParent, traceState: text ? HostileHeaderCorpus.ValidTraceState : null),
                HostileHeaderCorpus.ValidTraceState),
            _ => (
                new HostileHeaderCase($"json-{kind}-{header}", $"A JSON {kind} baggage.", [], HostileHeaderOutcome.Continue, parent: HostileHeaderCorpus.ValidParent, baggage: text ? [new("user", "alice")] : []),
                "user=alice"),
        };
        string headers = "{" + JsonText.Quote(header) + ":" + JsonValues.Create(kind, value)
            + (header == PropagationHeaderNames.TraceParent ? string.Empty : "," + JsonText.Quote(PropagationHeaderNames.TraceParent) + ":" + JsonText.Quote(HostileHeaderCorpus.ValidTraceParent)) + "}";
        using var diagnostics = new DiagnosticsRecorder();

        (IEvent stored, Activity process, IReadOnlyDictionary<string, string> baggage, double elapsed) = await RunAsync(expected.Name, headers, ids: null);

        Assert.True(stored.Headers!.ContainsKey(header), $"the stored {header} header reached the subscription");
        HostileAssert.Context(expected, process, baggage);

        // A value that is neither a JSON string nor null reads as absent and is reported by name, as a non-text AMQP value is.
        HostileAssert.Diagnostics(expected, diagnostics, text || kind == "null" ? [] : [header]);
        output.WriteLine(FormattableString.Invariant($"REPORT hostile transport=marten case=json-{kind}-{header} bytes={headers.Length} outcome={expected.Outcome} delivered=1 handled=1 e2e_ms={elapsed:0.0}"));
    }

    [Theory]
    [MemberData(nameof(GarbageIdCases))]
    public async Task Garbage_correlation_and_causation_ids_leave_the_event_handled_once_in_order(string kind)
    {
        string? garbage = kind switch
        {
            "null" => null,
            "empty" => string.Empty,
            "whitespace" => " \t\r\n ",
            "control" => "\u0001\u0007\u001f\u007f",
            "escape-sequences" => "\u001b[31mred\u001b[0m\r\nX-Injected: 1",
            "unicode" => "\u00e9\u4e2d\U0001F600\uFEFF\u202E",
            "traceparent" => HostileHeaderCorpus.ValidTraceParent,
            "huge" => new string('c', 1 << 20),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown kind."),
        };
        var expected = new HostileHeaderCase($"ids-{kind}", $"Correlation and causation ids: {kind}.", [], HostileHeaderOutcome.Continue, parent: HostileHeaderCorpus.ValidParent);
        string headers = "{" + JsonText.Quote(PropagationHeaderNames.TraceParent) + ":" + JsonText.Quote(HostileHeaderCorpus.ValidTraceParent) + "}";
        using var diagnostics = new DiagnosticsRecorder();

        (IEvent stored, Activity process, IReadOnlyDictionary<string, string> baggage, double elapsed) = await RunAsync(expected.Name, headers, (garbage, garbage));

        Assert.Equal(garbage, stored.CorrelationId);
        Assert.Equal(garbage, stored.CausationId);
        HostileAssert.Context(expected, process, baggage);
        HostileAssert.Diagnostics(expected, diagnostics);

        // The stored correlation id is the conversation id as it is, when there is one.
        Assert.Equal(string.IsNullOrEmpty(garbage) ? null : garbage, process.GetTagItem(MessagingAttributes.ConversationId));
        output.WriteLine(FormattableString.Invariant($"REPORT hostile transport=marten case=ids-{kind} bytes={garbage?.Length ?? 0} outcome={expected.Outcome} delivered=1 handled=1 e2e_ms={elapsed:0.0}"));
    }

    /// <summary>
    /// Marten 9.62's limit, pinned (no instrumentation involved): Marten reads <c>mt_events.headers</c> into a
    /// <c>Dictionary&lt;string, object&gt;</c> with System.Text.Json before any subscription code runs. A column that is not
    /// a JSON object, or nested deeper than System.Text.Json's default 64 levels, fails that read: the daemon pauses the
    /// shard with none of the page handled, even with <c>SkipSerializationErrors</c> on. (A JSON <c>null</c> column reads as no headers.)
    /// </summary>
    [Theory]
    [InlineData("string")]
    [InlineData("number")]
    [InlineData("array")]
    [InlineData("deep-nesting")]
    public async Task A_headers_column_Marten_cannot_read_pauses_the_shard_before_the_subscription_sees_the_page(string shape)
    {
        string headers = shape switch
        {
            "string" => JsonText.Quote(HostileHeaderCorpus.ValidTraceParent),
            "number" => "42",
            "array" => "[" + JsonText.Quote(HostileHeaderCorpus.ValidTraceParent) + "]",
            _ => "{" + JsonText.Quote(PropagationHeaderNames.TraceParent) + ":" + JsonValues.Create("deep-array", HostileHeaderCorpus.ValidTraceParent) + "}",
        };
        var recorder = new MartenRecorder(MessagingTracer.Default, "Unreadable");
        await using DocumentStore store = fixture.CreateStore(recorder, out string schema, options => options.Projections.Errors.SkipSerializationErrors = true);
        Guid streamId = Guid.NewGuid();
        await using (IDocumentSession session = store.LightweightSession())
        {
            session.Events.StartStream(streamId, new HostileNote(shape, 1, []), new HostileNote(shape, 2, []), new HostileNote(shape, 3, []));
            await session.SaveChangesAsync();
        }

        await WriteAsync(schema, streamId, headers, ids: null);
        await using (IQuerySession query = store.QuerySession())
        {
            await Assert.ThrowsAsync<JsonException>(() => query.Events.FetchStreamAsync(streamId));
        }

        using IProjectionDaemon daemon = await store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        await Wait.UntilAsync(() => daemon.StatusFor(recorder.ShardName) == AgentStatus.Paused, Timeout, $"the shard paused on the unreadable headers ({shape})");
        await daemon.StopAllAsync();

        Assert.Empty(recorder.Handled);
        Assert.Equal(0, await ProgressAsync(schema, recorder.ShardName));
        output.WriteLine(FormattableString.Invariant($"REPORT hostile transport=marten case=headers-column-{shape} bytes={headers.Length} outcome=marten-pauses-shard handled=0"));
    }

    /// <summary>A stored header's string value as the subscription received it (Marten 9.62 reads a JSON string back as a string; a <see cref="JsonElement"/> is accepted too).</summary>
    private static string? StoredText(Dictionary<string, object> headers, string name)
    {
        Assert.True(headers.TryGetValue(name, out object? value), $"the stored {name} header reached the subscription");
        return value switch
        {
            null => null,
            string s => s,
            JsonElement { ValueKind: JsonValueKind.Null } => null,
            JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
            _ => throw new InvalidOperationException($"the {name} header came back as {value.GetType()}"),
        };
    }

    /// <summary>
    /// Appends three events to a new stream in one traced save, writes <paramref name="headersJson"/> (and the ids, when
    /// given) over the second one's with SQL, runs a new daemon until its shard has committed past the three, and checks
    /// that they were handled once each, in order, as stored, that the shard still runs, and that the first and third
    /// follow from their append. Returns the hostile event as handled, its process span and the baggage its handler saw.
    /// </summary>
    private async Task<(IEvent Stored, Activity Process, IReadOnlyDictionary<string, string> Baggage, double Milliseconds)> RunAsync(
        string name, string headersJson, (string? Correlation, string? Causation)? ids)
    {
        MartenRecorder recorder = fixture.Recorder;
        recorder.Handled.Clear();
        using var collector = new SpanCollector();
        byte[] payload = HostilePayload.For(name);
        Guid streamId = await AppendAsync(name, collector);
        long last = await WriteAsync(fixture.Schema, streamId, headersJson, ids);

        var stopwatch = Stopwatch.StartNew();
        AgentStatus status;
        using (IProjectionDaemon daemon = await fixture.Store.BuildProjectionDaemonAsync())
        {
            await daemon.StartAllAsync();
            await Wait.UntilAsync(
                async () => recorder.Handled.Count(h => h.Event.StreamId == streamId) >= 3 && await ProgressAsync(fixture.Schema, recorder.ShardName) >= last,
                Timeout,
                $"the daemon's shard past the three events of {name}");
            status = daemon.StatusFor(recorder.ShardName);
            await daemon.StopAllAsync();
        }

        double elapsed = stopwatch.Elapsed.TotalMilliseconds;
        Assert.Equal(AgentStatus.Running, status);
        // Other streams' events may come first (the refused cases append and run no daemon): this stream's are checked.
        var handled = recorder.Handled.Where(h => h.Event.StreamId == streamId).ToArray();
        Assert.Equal([1, 2, 3], handled.Select(h => ((HostileNote)h.Event.Data).Position));
        Assert.Equal([1L, 2L, 3L], handled.Select(h => h.Event.Version));
        Assert.All(handled, h =>
        {
            Assert.Equal(name, ((HostileNote)h.Event.Data).Case);
            Assert.Equal(payload, ((HostileNote)h.Event.Data).Payload);
            Assert.NotNull(h.Span);
        });

        Activity append = Assert.Single(collector.Spans, s => s.Kind == ActivityKind.Producer);
        foreach (var wellFormed in new[] { handled[0], handled[2] })
        {
            Assert.Equal(append.TraceId, wellFormed.Span!.TraceId);
            Assert.Equal(append.SpanId, wellFormed.Span.ParentSpanId);
        }

        Activity process = handled[1].Span!;
        Assert.Contains(process, collector.Spans);
        Assert.Null(Activity.Current);
        return (handled[1].Event, process, handled[1].Baggage, elapsed);
    }

    /// <summary>Appends the case's three events to a new stream in one save, inside a request span of <paramref name="collector"/>.</summary>
    private async Task<Guid> AppendAsync(string name, SpanCollector? collector)
    {
        byte[] payload = HostilePayload.For(name);
        Guid streamId = Guid.NewGuid();
        using Activity? request = collector?.StartRootSpan("request");
        await using IDocumentSession session = fixture.Store.LightweightSession();
        session.Events.StartStream(streamId, new HostileNote(name, 1, payload), new HostileNote(name, 2, payload), new HostileNote(name, 3, payload));
        await session.SaveChangesAsync();
        return streamId;
    }

    /// <summary>Overwrites the second event's headers (and ids) with SQL; returns the stream's last sequence number.</summary>
    private async Task<long> WriteAsync(string schema, Guid streamId, string headersJson, (string? Correlation, string? Causation)? ids)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        string setIds = ids is null ? string.Empty : ", correlation_id = $3, causation_id = $4";
        await using (var update = new NpgsqlCommand($"UPDATE \"{schema}\".mt_events SET headers = $2::jsonb{setIds} WHERE stream_id = $1 AND version = 2", connection))
        {
            update.Parameters.AddWithValue(streamId);
            update.Parameters.AddWithValue(headersJson);
            if (ids is { } values)
            {
                update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar, Value = (object?)values.Correlation ?? DBNull.Value });
                update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar, Value = (object?)values.Causation ?? DBNull.Value });
            }

            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        await using var last = new NpgsqlCommand($"SELECT max(seq_id) FROM \"{schema}\".mt_events WHERE stream_id = $1", connection);
        last.Parameters.AddWithValue(streamId);
        return (long)(await last.ExecuteScalarAsync())!;
    }

    /// <summary>The sequence number the shard has committed its progress to (<c>mt_event_progression</c>), 0 when none yet.</summary>
    private async Task<long> ProgressAsync(string schema, string shardName)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand($"SELECT last_seq_id FROM \"{schema}\".mt_event_progression WHERE name = $1", connection);
        read.Parameters.AddWithValue(shardName);
        return await read.ExecuteScalarAsync() is long sequence ? sequence : 0;
    }
}

using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Messaging.Tracing;
using Messaging.Tracing.Redis;

// Extension methods live in the namespace of the types they extend, as OpenTelemetry's instrumentations do.
namespace StackExchange.Redis;

/// <summary>Traced appends to Redis streams on a StackExchange.Redis <see cref="IDatabase"/>.</summary>
/// <remarks>
/// Works with StackExchange.Redis 1.2.6 and every 2.x version (below 3.0): stream commands are sent through
/// <see cref="IDatabaseAsync.ExecuteAsync(string, object[])"/>, which both have, since 1.2.6 has no stream API. Redis
/// streams need Redis 5.0 or later.
/// </remarks>
public static class MessagingTracingDatabaseExtensions
{
    /// <summary>
    /// Appends an entry to a stream (<c>XADD</c>) with the trace context and baggage in fields next to the application's,
    /// inside one <c>send {stream}</c> producer span that ends when Redis has replied.
    /// </summary>
    /// <remarks>
    /// <para><b>The fields.</b> The entry gets the caller's fields in their order, then <c>traceparent</c> (the send span's
    /// context, or the caller's when nothing records the span), <c>tracestate</c> and <c>baggage</c> as text, each only
    /// when there is something to carry. A trace field already among the caller's fields — say, copied from an entry being
    /// forwarded — is replaced, never duplicated: the entry carries exactly one of each. The caller's list is never
    /// modified; a copy is sent. Values of the other fields go byte for byte.</para>
    /// <para><b>The span.</b> Producer kind, <c>messaging.system = redis</c> (the conventions register no Redis value),
    /// <c>messaging.operation.type = send</c>, <c>messaging.destination.name</c> = the stream key,
    /// <c>messaging.message.id</c> = the new entry's id, <c>messaging.client.id</c> when the options name one.
    /// <see cref="MessagingTracingOptions.EnrichProducerSpan"/> receives the caller's field list. A failed append (a server
    /// error, a lost connection) is recorded on the span (status Error, <c>error.type</c>) and rethrown. A fault in the
    /// tracing itself is reported through self-diagnostics and the entry is appended anyway, with the caller's fields.</para>
    /// <para>A stream rejected by <see cref="RedisTracingOptions.StreamFilter"/> gets a plain <c>XADD</c> of the caller's
    /// fields, without span or trace fields.</para>
    /// </remarks>
    /// <param name="database">The database; not a batch or transaction (the call awaits Redis's reply).</param>
    /// <param name="stream">The stream key.</param>
    /// <param name="fields">The application's fields, at least one, in order; a name may repeat.</param>
    /// <param name="maxLength">Trims the stream to about (or, with <paramref name="useApproximateMaxLength"/> off, exactly)
    /// this many entries (<c>MAXLEN [~] n</c>); no trimming when null.</param>
    /// <param name="useApproximateMaxLength">Whether the trim is approximate (<c>~</c>, cheaper for Redis; the default).</param>
    /// <param name="tracer">The tracer; <see cref="MessagingTracer.Default"/> when null.</param>
    /// <param name="options">The options; defaults when null.</param>
    /// <returns>The new entry's id (<c>1700000000000-0</c>).</returns>
    /// <exception cref="ArgumentException">The stream key is null or empty, or <paramref name="fields"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is negative.</exception>
    public static Task<string> StreamAddTracedAsync(
        this IDatabase database,
        RedisKey stream,
        IReadOnlyList<StreamField> fields,
        long? maxLength = null,
        bool useApproximateMaxLength = true,
        MessagingTracer? tracer = null,
        RedisTracingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrEmpty((string?)stream, nameof(stream));
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0)
        {
            throw new ArgumentException("A stream entry needs at least one field.", nameof(fields));
        }

        if (maxLength is { } length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length, nameof(maxLength));
        }

        return RedisStreamAppending.AddAsync(database, stream, fields, maxLength, useApproximateMaxLength, tracer ?? MessagingTracer.Default, options);
    }
}

using System;
using System.Threading.Tasks;
using Messaging.Tracing;
using Messaging.Tracing.Redis;

// Extension methods live in the namespace of the types they extend, as OpenTelemetry's instrumentations do.
namespace StackExchange.Redis;

/// <summary>Traced appends to Redis streams on a StackExchange.Redis <see cref="IDatabase"/>.</summary>
/// <remarks>
/// Works with StackExchange.Redis 2.6.70 and later, 3.x included: the append is StackExchange.Redis's own typed
/// <c>StreamAddAsync</c>. Redis streams need Redis 5.0 or later. The application's <see cref="MessagingTracer"/> comes right
/// after the database — the one <c>services.AddMessagingTracing()</c> registers, injected next to the database, or, without
/// dependency injection, <see cref="MessagingTracer.Default"/> or your own — and never falls back to a default, so the options
/// the application configured (baggage filters, enrichment) always apply.
/// </remarks>
public static class MessagingTracingDatabaseExtensions
{
    /// <summary>
    /// Appends an entry to a stream (<c>XADD</c>, as <see cref="IDatabaseAsync.StreamAddAsync(RedisKey, NameValueEntry[], RedisValue?, int?, bool, CommandFlags)"/>
    /// does) with the trace context and baggage in name/value pairs next to the application's, inside one
    /// <c>send {stream}</c> producer span that ends when Redis has replied.
    /// </summary>
    /// <remarks>
    /// <para><b>The pairs.</b> The entry gets the caller's pairs in their order, then <c>traceparent</c> (the send span's
    /// context, or the caller's when nothing records the span), <c>tracestate</c> and <c>baggage</c> as text, each only
    /// when there is something to carry. A trace pair already among the caller's — say, copied from an entry being
    /// forwarded — is replaced, never duplicated: the entry carries exactly one of each. The caller's array is never
    /// modified; a copy is sent. Values of the other pairs go byte for byte.</para>
    /// <para><b>The span.</b> Producer kind, <c>messaging.system = redis</c> (the conventions register no Redis value),
    /// <c>messaging.operation.type = send</c>, <c>messaging.destination.name</c> = the stream key,
    /// <c>messaging.message.id</c> = the new entry's id, <c>messaging.client.id</c> when the options name one.
    /// <see cref="MessagingTracingOptions.EnrichProducerSpan"/> receives the caller's <paramref name="streamPairs"/> array. A
    /// failed append (a server error, a lost connection) is recorded on the span (status Error, <c>error.type</c>) and
    /// rethrown. A fault in the tracing itself is reported through self-diagnostics and the entry is appended anyway, with
    /// the caller's pairs.</para>
    /// <para>A stream rejected by <see cref="RedisTracingOptions.StreamFilter"/> gets a plain <c>StreamAddAsync</c> of the
    /// caller's pairs, without span or trace pairs.</para>
    /// <para>The parameters are <c>StreamAddAsync</c>'s, with its defaults, so a traced append trims as the plain one does:
    /// exactly unless <paramref name="useApproximateMaxLength"/> is set (earlier versions of this method, written for
    /// StackExchange.Redis 1.2.6, trimmed approximately by default). There are no <see cref="CommandFlags"/>: the span needs
    /// Redis's reply, so fire-and-forget is not offered.</para>
    /// </remarks>
    /// <param name="database">The database; not a batch or transaction (the call awaits Redis's reply).</param>
    /// <param name="tracer">The application's tracer, whose options (baggage filters, enrichment) apply: the registered one
    /// (<c>services.AddMessagingTracing()</c>, injected where the database is used), or, without dependency injection,
    /// <see cref="MessagingTracer.Default"/> or your own.</param>
    /// <param name="key">The stream key.</param>
    /// <param name="streamPairs">The application's name/value pairs, at least one, in order; a name may repeat.</param>
    /// <param name="messageId">The entry's id; Redis assigns one (<c>*</c>) when null.</param>
    /// <param name="maxLength">Trims the stream to this many entries (<c>MAXLEN [~] n</c>); no trimming when null.</param>
    /// <param name="useApproximateMaxLength">Whether the trim is approximate (<c>~</c>, cheaper for Redis); exact by default.</param>
    /// <param name="options">The options; defaults when null.</param>
    /// <returns>The new entry's id (<c>1700000000000-0</c>).</returns>
    /// <exception cref="ArgumentException">The stream key is null or empty, or <paramref name="streamPairs"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is negative.</exception>
    public static Task<RedisValue> StreamAddTracedAsync(
        this IDatabase database,
        MessagingTracer tracer,
        RedisKey key,
        NameValueEntry[] streamPairs,
        RedisValue? messageId = null,
        int? maxLength = null,
        bool useApproximateMaxLength = false,
        RedisTracingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(tracer);
        ArgumentException.ThrowIfNullOrEmpty((string?)key, nameof(key));
        ArgumentNullException.ThrowIfNull(streamPairs);
        if (streamPairs.Length == 0)
        {
            throw new ArgumentException("A stream entry needs at least one name/value pair.", nameof(streamPairs));
        }

        if (maxLength is { } length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length, nameof(maxLength));
        }

        return RedisStreamAppending.AddAsync(database, key, streamPairs, messageId, maxLength, useApproximateMaxLength, tracer, options);
    }
}

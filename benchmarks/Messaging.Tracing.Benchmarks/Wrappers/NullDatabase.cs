using System;
using System.Reflection;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace Messaging.Tracing.Benchmarks.Wrappers;

/// <summary>
/// A Redis database that does no I/O: <c>StreamAddAsync</c> answers at once with an entry id and
/// <c>StreamAcknowledgeAsync</c> with one acknowledged entry, so what is left of a traced append or process call is the
/// wrapper's own work. <see cref="IDatabase"/> has some two hundred members; a <see cref="DispatchProxy"/> answers the two
/// the Redis helpers use on that path (the bare and the traced cases pay the same proxy call) and refuses the others. The
/// real client's cost is in the throughput harness, against a real server.
/// </summary>
public class NullDatabase : DispatchProxy
{
    private static readonly Task<RedisValue> EntryId = Task.FromResult((RedisValue)"1700000000000-0");
    private static readonly Task<long> Acknowledged = Task.FromResult(1L);

    /// <summary>Creates the database.</summary>
    /// <returns>A database that answers <c>StreamAddAsync</c> and <c>StreamAcknowledgeAsync</c> only.</returns>
    public static IDatabase Create() => Create<IDatabase, NullDatabase>();

    /// <inheritdoc/>
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
    {
        nameof(IDatabaseAsync.StreamAddAsync) => EntryId,
        nameof(IDatabaseAsync.StreamAcknowledgeAsync) => Acknowledged,
        _ => throw new NotSupportedException($"{targetMethod?.Name} is not part of the benchmarked path."),
    };
}

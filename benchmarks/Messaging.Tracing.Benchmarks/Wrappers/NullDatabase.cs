using System;
using System.Reflection;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace Messaging.Tracing.Benchmarks.Wrappers;

/// <summary>
/// A Redis database whose <c>ExecuteAsync</c> does no I/O and answers at once with an entry id: what is left of a traced
/// append or process call is the wrapper's own work. <see cref="IDatabase"/> has some two hundred members; a
/// <see cref="DispatchProxy"/> answers the one the Redis helpers use (the bare and the traced cases pay the same proxy
/// call) and refuses the others. The real client's cost is in the throughput harness, against a real server.
/// </summary>
public class NullDatabase : DispatchProxy
{
    private static readonly Task<RedisResult> EntryId = Task.FromResult(RedisResult.Create((RedisValue)"1700000000000-0"));

    /// <summary>Creates the database.</summary>
    /// <returns>A database that answers <c>ExecuteAsync(string, object[])</c> only.</returns>
    public static IDatabase Create() => Create<IDatabase, NullDatabase>();

    /// <inheritdoc/>
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        targetMethod?.Name == nameof(IDatabaseAsync.ExecuteAsync)
            ? EntryId
            : throw new NotSupportedException($"{targetMethod?.Name} is not part of the benchmarked path.");
}

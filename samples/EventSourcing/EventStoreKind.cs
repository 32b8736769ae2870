namespace EventSourcing;

/// <summary>Which event store the sample appends to (<c>Sample:EventStore</c>).</summary>
public enum EventStoreKind
{
    /// <summary>In memory, gone when the process ends (the default without <c>REDIS_CONNECTION</c>).</summary>
    Memory = 0,

    /// <summary>The sample's Redis Streams store (the default with <c>REDIS_CONNECTION</c>).</summary>
    Redis = 1,

    /// <summary>Marten on PostgreSQL: appends traced by Messaging.Tracing.Marten, projections on Marten's async daemon.</summary>
    Marten = 2,
}

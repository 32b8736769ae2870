using System.Linq;

namespace EventSourcing.Tests;

/// <summary>The causal trees the sample's stories render to (TraceTree.RenderCausal), by the names a run uses.</summary>
public static class ExpectedTrees
{
    /// <summary>
    /// The review that earns featuring, its own trace: request → command → append → Kafka → projections and the process
    /// manager → FeatureBand command → append → Kafka again. ChildOf in process, FollowsFrom across queues and topics.
    /// </summary>
    public static string FeaturingReview(string prefix) => $"""
        POST /bands/{"{id}"}/reviews (server)
        └── send {prefix}band-commands (producer)
            └┄┄ process {prefix}band-commands (consumer)
                └── append band-{"{id}"} (producer)
                    └── send {prefix}band-events (producer)
                        ├┄┄ process {prefix}band-events (consumer)
                        │   └── band-catalog ReviewAdded (internal)
                        ├┄┄ process {prefix}band-events (consumer)
                        │   └── featuring-policy ReviewAdded (internal)
                        │       └── send {prefix}band-commands (producer)
                        │           └┄┄ process {prefix}band-commands (consumer)
                        │               └── append band-{"{id}"} (producer)
                        │                   └── send {prefix}band-events (producer)
                        │                       ├┄┄ process {prefix}band-events (consumer)
                        │                       │   └── band-catalog BandFeatured (internal)
                        │                       ├┄┄ process {prefix}band-events (consumer)
                        │                       │   └── featuring-policy BandFeatured (internal)
                        │                       └┄┄ process {prefix}band-events (consumer)
                        │                           └── review-stats BandFeatured (internal)
                        └┄┄ process {prefix}band-events (consumer)
                            └── review-stats ReviewAdded (internal)
        """;

    /// <summary>A band's registration: request → command → append → Kafka → the two projections and the process manager.</summary>
    public static string Registration(string prefix) => $"""
        POST /bands (server)
        └── send {prefix}band-commands (producer)
            └┄┄ process {prefix}band-commands (consumer)
                └── append band-{"{id}"} (producer)
                    └── send {prefix}band-events (producer)
                        ├┄┄ process {prefix}band-events (consumer)
                        │   └── band-catalog BandRegistered (internal)
                        ├┄┄ process {prefix}band-events (consumer)
                        │   └── featuring-policy BandRegistered (internal)
                        └┄┄ process {prefix}band-events (consumer)
                            └── review-stats BandRegistered (internal)
        """;

    /// <summary>
    /// A replay of review-stats over the given event types (in the order the stored events sort by name): the request's own
    /// two spans, and per event a new trace whose root follows from an append outside the story ([linked]).
    /// </summary>
    public static string Replay(params string[] eventTypes) =>
        "POST /projections/{name}/replay (server)\n└── replay review-stats (internal)\n"
        + string.Concat(eventTypes.Order(System.StringComparer.Ordinal).Select(type => $"process review-stats (consumer) [linked]\n└── review-stats {type} (internal)\n"));

    /// <summary>
    /// The review that earns featuring on Marten: the subscriptions of Marten's daemon follow from the append (the stored
    /// headers); the events are also published to Kafka after the append, which no subscriber of the sample consumes there.
    /// </summary>
    public static string MartenFeaturingReview(string prefix) => $"""
        POST /bands/{"{id}"}/reviews (server)
        └── send {prefix}band-commands (producer)
            └┄┄ process {prefix}band-commands (consumer)
                ├── append Band (producer)
                │   ├┄┄ process band-catalog (consumer)
                │   │   └── band-catalog ReviewAdded (internal)
                │   ├┄┄ process featuring-policy (consumer)
                │   │   └── featuring-policy ReviewAdded (internal)
                │   │       └── send {prefix}band-commands (producer)
                │   │           └┄┄ process {prefix}band-commands (consumer)
                │   │               ├── append Band (producer)
                │   │               │   ├┄┄ process band-catalog (consumer)
                │   │               │   │   └── band-catalog BandFeatured (internal)
                │   │               │   ├┄┄ process featuring-policy (consumer)
                │   │               │   │   └── featuring-policy BandFeatured (internal)
                │   │               │   └┄┄ process review-stats (consumer)
                │   │               │       └── review-stats BandFeatured (internal)
                │   │               └── send {prefix}band-events (producer)
                │   └┄┄ process review-stats (consumer)
                │       └── review-stats ReviewAdded (internal)
                └── send {prefix}band-events (producer)
        """;

    /// <summary>A band's registration on Marten: request → command → append → the daemon's three subscriptions; Kafka publish.</summary>
    public static string MartenRegistration(string prefix) => $"""
        POST /bands (server)
        └── send {prefix}band-commands (producer)
            └┄┄ process {prefix}band-commands (consumer)
                ├── append Band (producer)
                │   ├┄┄ process band-catalog (consumer)
                │   │   └── band-catalog BandRegistered (internal)
                │   ├┄┄ process featuring-policy (consumer)
                │   │   └── featuring-policy BandRegistered (internal)
                │   └┄┄ process review-stats (consumer)
                │       └── review-stats BandRegistered (internal)
                └── send {prefix}band-events (producer)
        """;
}

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

    /// <summary>The same story after the review-stats replay: each append also has the replay's new, linked trace.</summary>
    public static string FeaturingReviewAfterReplay(string prefix) => $"""
        POST /bands/{"{id}"}/reviews (server)
        └── send {prefix}band-commands (producer)
            └┄┄ process {prefix}band-commands (consumer)
                └── append band-{"{id}"} (producer)
                    ├┄┄ process review-stats (consumer) [new trace]
                    │   └── review-stats ReviewAdded (internal)
                    └── send {prefix}band-events (producer)
                        ├┄┄ process {prefix}band-events (consumer)
                        │   └── band-catalog ReviewAdded (internal)
                        ├┄┄ process {prefix}band-events (consumer)
                        │   └── featuring-policy ReviewAdded (internal)
                        │       └── send {prefix}band-commands (producer)
                        │           └┄┄ process {prefix}band-commands (consumer)
                        │               └── append band-{"{id}"} (producer)
                        │                   ├┄┄ process review-stats (consumer) [new trace]
                        │                   │   └── review-stats BandFeatured (internal)
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

    /// <summary>A band's registration after the review-stats replay.</summary>
    public static string RegistrationAfterReplay(string prefix) => $"""
        POST /bands (server)
        └── send {prefix}band-commands (producer)
            └┄┄ process {prefix}band-commands (consumer)
                └── append band-{"{id}"} (producer)
                    ├┄┄ process review-stats (consumer) [new trace]
                    │   └── review-stats BandRegistered (internal)
                    └── send {prefix}band-events (producer)
                        ├┄┄ process {prefix}band-events (consumer)
                        │   └── band-catalog BandRegistered (internal)
                        ├┄┄ process {prefix}band-events (consumer)
                        │   └── featuring-policy BandRegistered (internal)
                        └┄┄ process {prefix}band-events (consumer)
                            └── review-stats BandRegistered (internal)
        """;
}

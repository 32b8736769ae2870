using System.Collections.Generic;
using System.Diagnostics;

namespace Messaging.Tracing.Testing;

/// <summary>One span in a <see cref="TraceTree"/>, with its place in the causal tree.</summary>
internal sealed class TraceNode
{
    public TraceNode(Activity activity)
    {
        Activity = activity;
    }

    /// <summary>Gets the span.</summary>
    public Activity Activity { get; }

    /// <summary>Gets or sets the collected span that caused this one: its parent, or else the target of a follows_from link.</summary>
    public TraceNode? CausalParent { get; set; }

    /// <summary>Gets or sets a value indicating whether the edge from <see cref="CausalParent"/> is a FollowsFrom edge.</summary>
    public bool FollowsFrom { get; set; }

    /// <summary>Gets or sets a value indicating whether the span has a parent span that was not collected.</summary>
    public bool ParentNotCollected { get; set; }

    /// <summary>Gets or sets a value indicating whether the span has a follows_from link to a context that was not collected.</summary>
    public bool LinkedOutside { get; set; }

    /// <summary>Gets the spans this one caused.</summary>
    public List<TraceNode> Children { get; } = new();
}

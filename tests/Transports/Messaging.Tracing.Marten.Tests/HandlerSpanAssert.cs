using System.Collections.Generic;
using System.Diagnostics;
using Xunit;

namespace Messaging.Tracing.Marten.Tests;

/// <summary>Assertions on the spans a handler saw as <see cref="Activity.Current"/>.</summary>
internal static class HandlerSpanAssert
{
    /// <summary>Each handler ran in a span of a new trace (no parent) with one link, to <paramref name="append"/>.</summary>
    public static void EachInNewTraceLinkedTo(Activity append, IEnumerable<Activity?> handlerSpans)
        => Assert.All(handlerSpans, current =>
        {
            Assert.NotNull(current);
            Assert.Equal(default, current.ParentSpanId);
            Assert.NotEqual(append.TraceId, current.TraceId);
            Assert.Equal(append.SpanId, Assert.Single(current.Links).Context.SpanId);
        });
}

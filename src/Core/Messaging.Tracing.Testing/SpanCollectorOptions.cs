using System.Collections.Generic;

namespace Messaging.Tracing.Testing;

/// <summary>Settings of a <see cref="SpanCollector"/>.</summary>
public sealed class SpanCollectorOptions
{
    /// <summary>
    /// Gets the names of the activity sources to listen to in addition to <c>Messaging.Tracing</c> and
    /// <see cref="SpanCollector.TestSourceName"/>, which are always listened to.
    /// </summary>
    public IList<string> Sources { get; } = new List<string>();

    /// <summary>
    /// Gets or sets a value indicating whether every span of the listened sources is collected, whoever started
    /// it. Off by default: a collector only takes the spans of its own test (see <see cref="SpanCollector"/>).
    /// Use it only in tests that do not run in parallel with other tests producing spans.
    /// </summary>
    public bool CaptureAll { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether spans that were not sampled (<see cref="System.Diagnostics.Activity.Recorded"/>
    /// is <see langword="false"/>) are collected too. Off by default.
    /// </summary>
    public bool IncludeUnrecorded { get; set; }
}

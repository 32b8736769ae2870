using System;
using Microsoft.Extensions.Logging;

namespace EventSourcing;

/// <summary>How <see cref="SampleApp.StartAsync"/> starts the application (beyond its configuration).</summary>
public sealed class SampleAppOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether every span of the process is collected (a <c>SpanCollector</c> with
    /// <c>CaptureAll</c>) for printing and asserting. On for the scripted run and tests; off when serving.
    /// </summary>
    public bool CollectSpans { get; set; } = true;

    /// <summary>Gets or sets a final change to logging (tests remove the console logger, for example).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }
}

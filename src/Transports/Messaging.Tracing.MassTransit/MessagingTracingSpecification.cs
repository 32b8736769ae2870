using System;
using System.Collections.Generic;
using MassTransit;
using MassTransit.Configuration;

namespace Messaging.Tracing.MassTransit;

/// <summary>Adds the <see cref="MessagingTracingConsumeFilter"/> to a consume pipe (see <c>UseMessagingTracing</c>).</summary>
public sealed class MessagingTracingSpecification : IPipeSpecification<ConsumeContext>
{
    private readonly MessagingTracer _tracer;
    private readonly MassTransitTracingOptions _options;

    /// <summary>Initializes a new instance of the <see cref="MessagingTracingSpecification"/> class.</summary>
    /// <param name="tracer">The tracer.</param>
    /// <param name="options">The options.</param>
    public MessagingTracingSpecification(MessagingTracer tracer, MassTransitTracingOptions options)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        ArgumentNullException.ThrowIfNull(options);
        _tracer = tracer;
        _options = options;
    }

    /// <inheritdoc/>
    public void Apply(IPipeBuilder<ConsumeContext> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddFilter(new MessagingTracingConsumeFilter(_tracer, _options));
    }

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate()
    {
        string? problem = null;
        try
        {
            _options.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            problem = ex.Message;
        }

        if (problem is not null)
        {
            yield return this.Failure("MessagingTracing", problem);
        }
    }
}

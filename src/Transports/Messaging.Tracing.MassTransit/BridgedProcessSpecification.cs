using System.Collections.Generic;
using System.Linq;
using MassTransit;
using MassTransit.Configuration;

namespace Messaging.Tracing.MassTransit;

/// <summary>Adds the <see cref="BridgedProcessFilter{TConsumer, TMessage}"/> to one consumer's pipe for one message type.</summary>
/// <typeparam name="TConsumer">The consumer type.</typeparam>
/// <typeparam name="TMessage">The message type.</typeparam>
internal sealed class BridgedProcessSpecification<TConsumer, TMessage>(MessagingTracer tracer) : IPipeSpecification<ConsumerConsumeContext<TConsumer, TMessage>>
    where TConsumer : class
    where TMessage : class
{
    public void Apply(IPipeBuilder<ConsumerConsumeContext<TConsumer, TMessage>> builder) => builder.AddFilter(new BridgedProcessFilter<TConsumer, TMessage>(tracer));

    public IEnumerable<ValidationResult> Validate() => Enumerable.Empty<ValidationResult>();
}

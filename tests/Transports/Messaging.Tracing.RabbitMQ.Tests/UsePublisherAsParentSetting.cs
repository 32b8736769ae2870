using System;
using Xunit;
#if !RABBITMQ_CLIENT_FLOOR
using RabbitMQ.Client;
#endif

namespace Messaging.Tracing.RabbitMQ.Tests;

/// <summary>
/// The application's setting of RabbitMQ.Client's <c>RabbitMQActivitySource.TracingOptions.UsePublisherAsParent</c>
/// (7.2 and later; default true) for one test, put back when disposed. RabbitMQ.Client 7.1 has no such setting: its
/// <c>deliver</c> span is always link-only, as with false. Use only in <see cref="RabbitMqClientTracingCollection"/>.
/// </summary>
public sealed class UsePublisherAsParentSetting : IDisposable
{
#if !RABBITMQ_CLIENT_FLOOR
    private readonly bool _previous;
#endif

    public UsePublisherAsParentSetting(bool value)
    {
#if RABBITMQ_CLIENT_FLOOR
        Assert.False(value, "RabbitMQ.Client 7.1's deliver span is always link-only.");
#else
        _previous = RabbitMQActivitySource.TracingOptions.UsePublisherAsParent;
        RabbitMQActivitySource.TracingOptions.UsePublisherAsParent = value;
#endif
    }

    /// <summary>Gets the settings the client under test has: true and false, or on 7.1 false (link-only) alone.</summary>
    public static TheoryData<bool> Values =>
#if RABBITMQ_CLIENT_FLOOR
        new() { false };
#else
        new() { true, false };
#endif

    public void Dispose()
    {
#if !RABBITMQ_CLIENT_FLOOR
        RabbitMQActivitySource.TracingOptions.UsePublisherAsParent = _previous;
#endif
    }
}

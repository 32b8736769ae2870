using System;
using System.Reflection;
using RabbitMQ.Client;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary>The RabbitMQ.Client the tests run on (7.1.2 on the floor set, 7.2.x on the newest).</summary>
public static class RabbitMqClient
{
    /// <summary>
    /// Gets a value indicating whether RabbitMQ.Client's <c>deliver</c> span is a child of its <c>publish</c> span: 7.2's
    /// default (<c>RabbitMQActivitySource.TracingOptions.UsePublisherAsParent</c>, which these tests leave as it is); up to
    /// 7.1 it is the root of a trace of its own, linked to the publish span.
    /// </summary>
    public static bool DeliverIsChildOfPublish { get; } =
        Version.Parse(typeof(IChannel).Assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()!.Version) >= new Version(7, 2);
}

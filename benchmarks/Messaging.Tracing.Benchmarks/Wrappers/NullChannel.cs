using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Messaging.Tracing.Benchmarks.Wrappers;

/// <summary>
/// A channel whose publish does nothing: what is left of a publish call is the wrapper's own work (properties and header
/// table copy, span, inject). The real client's cost is in the throughput harness, against a real broker.
/// </summary>
public sealed class NullChannel : IChannel
{
    /// <inheritdoc/>
    public event AsyncEventHandler<BasicAckEventArgs> BasicAcksAsync
    {
        add { }
        remove { }
    }

    /// <inheritdoc/>
    public event AsyncEventHandler<BasicNackEventArgs> BasicNacksAsync
    {
        add { }
        remove { }
    }

    /// <inheritdoc/>
    public event AsyncEventHandler<BasicReturnEventArgs> BasicReturnAsync
    {
        add { }
        remove { }
    }

    /// <inheritdoc/>
    public event AsyncEventHandler<CallbackExceptionEventArgs> CallbackExceptionAsync
    {
        add { }
        remove { }
    }

    /// <inheritdoc/>
    public event AsyncEventHandler<FlowControlEventArgs> FlowControlAsync
    {
        add { }
        remove { }
    }

    /// <inheritdoc/>
    public event AsyncEventHandler<ShutdownEventArgs> ChannelShutdownAsync
    {
        add { }
        remove { }
    }

    /// <summary>Gets the number of messages published.</summary>
    public long Published { get; private set; }

    /// <inheritdoc/>
    public int ChannelNumber => 1;

    /// <inheritdoc/>
    public ShutdownEventArgs? CloseReason => null;

    /// <inheritdoc/>
    public IAsyncBasicConsumer? DefaultConsumer { get; set; }

    /// <inheritdoc/>
    public bool IsClosed => false;

    /// <inheritdoc/>
    public bool IsOpen => true;

    /// <inheritdoc/>
    public string? CurrentQueue => null;

    /// <inheritdoc/>
    public TimeSpan ContinuationTimeout { get; set; }

    /// <inheritdoc/>
    public ValueTask BasicPublishAsync<TProperties>(string exchange, string routingKey, bool mandatory, TProperties basicProperties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
        where TProperties : IReadOnlyBasicProperties, IAmqpHeader
    {
        Published++;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask BasicPublishAsync<TProperties>(CachedString exchange, CachedString routingKey, bool mandatory, TProperties basicProperties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
        where TProperties : IReadOnlyBasicProperties, IAmqpHeader
    {
        Published++;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<ulong> GetNextPublishSequenceNumberAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult((ulong)Published);

    /// <inheritdoc/>
    public ValueTask BasicAckAsync(ulong deliveryTag, bool multiple, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public ValueTask BasicNackAsync(ulong deliveryTag, bool multiple, bool requeue, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public ValueTask BasicRejectAsync(ulong deliveryTag, bool requeue, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public Task BasicCancelAsync(string consumerTag, bool noWait = false, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task<string> BasicConsumeAsync(string queue, bool autoAck, string consumerTag, bool noLocal, bool exclusive, IDictionary<string, object?>? arguments, IAsyncBasicConsumer consumer, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task<BasicGetResult?> BasicGetAsync(string queue, bool autoAck, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task BasicQosAsync(uint prefetchSize, ushort prefetchCount, bool global, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task CloseAsync(ushort replyCode, string replyText, bool abort, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task CloseAsync(ShutdownEventArgs reason, bool abort, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>RabbitMQ.Client 7.2's overload (an interface member there, an extra method on 7.1).</summary>
    /// <param name="reason">The reason.</param>
    /// <param name="abort">Whether to abort.</param>
    /// <returns>A completed task.</returns>
    public Task CloseAsync(ShutdownEventArgs reason, bool abort) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task ExchangeDeclareAsync(string exchange, string type, bool durable, bool autoDelete, IDictionary<string, object?>? arguments = null, bool passive = false, bool noWait = false, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task ExchangeDeclarePassiveAsync(string exchange, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task ExchangeDeleteAsync(string exchange, bool ifUnused = false, bool noWait = false, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task ExchangeBindAsync(string destination, string source, string routingKey, IDictionary<string, object?>? arguments = null, bool noWait = false, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task ExchangeUnbindAsync(string destination, string source, string routingKey, IDictionary<string, object?>? arguments = null, bool noWait = false, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task<QueueDeclareOk> QueueDeclareAsync(string queue, bool durable, bool exclusive, bool autoDelete, IDictionary<string, object?>? arguments = null, bool passive = false, bool noWait = false, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task<QueueDeclareOk> QueueDeclarePassiveAsync(string queue, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task<uint> QueueDeleteAsync(string queue, bool ifUnused, bool ifEmpty, bool noWait = false, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task<uint> QueuePurgeAsync(string queue, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task QueueBindAsync(string queue, string exchange, string routingKey, IDictionary<string, object?>? arguments = null, bool noWait = false, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task QueueUnbindAsync(string queue, string exchange, string routingKey, IDictionary<string, object?>? arguments = null, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task<uint> MessageCountAsync(string queue, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task<uint> ConsumerCountAsync(string queue, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task TxCommitAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task TxRollbackAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <inheritdoc/>
    public Task TxSelectAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

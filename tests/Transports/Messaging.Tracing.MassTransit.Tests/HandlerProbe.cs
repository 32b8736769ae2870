using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;
using MassTransit;
using OpenTelemetry;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary>What a consumer saw while it ran: the current span, baggage and retry attempt.</summary>
public sealed record HandlerCall(string Consumer, Activity? Activity, IReadOnlyDictionary<string, string> Baggage, int RetryAttempt);

/// <summary>Records consumer calls and lets a test wait for them.</summary>
public sealed class HandlerProbe
{
    private readonly ConcurrentQueue<HandlerCall> _calls = new();
    private readonly object _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HandlerCall[] Calls => _calls.ToArray();

    public void Record(string consumer, ConsumeContext context)
    {
        _calls.Enqueue(new HandlerCall(consumer, Activity.Current, Baggage.Current.GetBaggage(), context.GetRetryAttempt()));
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public async Task<HandlerCall[]> WaitForCallsAsync(int count, TimeSpan timeout)
    {
        Task deadline = Task.Delay(timeout);
        HandlerCall[] calls = Calls;
        while (calls.Length < count && !deadline.IsCompleted)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            calls = Calls;
            if (calls.Length < count)
            {
                await Task.WhenAny(changed, deadline);
                calls = Calls;
            }
        }

        return calls.Length >= count
            ? calls
            : throw new TimeoutException($"{calls.Length} of {count} consumer call(s) arrived within {timeout}.");
    }
}

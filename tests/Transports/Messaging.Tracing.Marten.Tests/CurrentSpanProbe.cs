using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Marten;

namespace Messaging.Tracing.Marten.Tests;

/// <summary>A session listener, registered after the tracing one, that records the current span when a save is about to be sent.</summary>
internal sealed class CurrentSpanProbe(Action<Activity?> record) : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        record(Activity.Current);
        return Task.CompletedTask;
    }
}

using System;
using System.Collections.Generic;
using Messaging.Tracing.Propagation;

namespace Messaging.Tracing.Benchmarks.Carriers;

/// <summary>
/// One carrier kind as both propagators see it: this library's adapter, and the setter and getter an application would
/// give OpenTelemetry's propagator for the same carrier (replacing, as the adapter does).
/// </summary>
/// <typeparam name="TCarrier">The carrier type, as the transport declares it.</typeparam>
public interface ICarrierKind<TCarrier>
{
    /// <summary>Gets the transport's adapter.</summary>
    ICarrierAdapter<TCarrier> Adapter { get; }

    /// <summary>Gets the OpenTelemetry setter: replaces the header with the value in the carrier's native form.</summary>
    Action<TCarrier, string, string> Setter { get; }

    /// <summary>Gets the OpenTelemetry getter: the header's value as a string, or null.</summary>
    Func<TCarrier, string, IEnumerable<string>?> Getter { get; }

    /// <summary>Creates a carrier as the transport does for an outgoing message, holding one application header.</summary>
    /// <returns>The carrier.</returns>
    TCarrier Create();
}

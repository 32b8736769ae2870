namespace Messaging.Tracing.Propagation;

/// <summary>
/// One property of a W3C baggage list member (<c>key=value;name</c> or <c>key=value;name=value</c>), decoded: W3C Baggage,
/// "property".
/// </summary>
/// <param name="Name">The property's key, a token, as received.</param>
/// <param name="Value">The property's value, percent-decoded (invalid UTF-8 replaced with U+FFFD); <see langword="null"/> for
/// a key-only property (<c>;name</c>), empty for <c>;name=</c>.</param>
public readonly record struct BaggageProperty(string Name, string? Value);

namespace EventSourcing.Scenario;

/// <summary>An HTTP answer of the sample's API as the scenario sees it.</summary>
/// <typeparam name="T">The body type.</typeparam>
/// <param name="Status">The status code.</param>
/// <param name="Body">The body, when there is one.</param>
/// <param name="TraceResponse">The <c>traceresponse</c> header: the server span's context.</param>
public sealed record ApiResponse<T>(int Status, T? Body, string? TraceResponse);

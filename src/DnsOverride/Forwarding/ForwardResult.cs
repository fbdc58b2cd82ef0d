namespace Endpoints.DnsOverride.Forwarding;

/// <summary>The outcome of relaying a query: a response of <see cref="Length"/> bytes, or why there is none.</summary>
internal readonly record struct ForwardResult(ForwardStatus Status, int Length);

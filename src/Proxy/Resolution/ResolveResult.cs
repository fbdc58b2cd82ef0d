using System.Net;

namespace Endpoints.Proxy.Resolution;

/// <summary>Addresses for a name, or why there are none (<see cref="TimedOut"/> maps to 504, the rest to 502).</summary>
internal sealed record ResolveResult(IReadOnlyList<IPAddress> Addresses, string? Error, bool TimedOut = false);

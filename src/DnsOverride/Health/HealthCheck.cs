using Endpoints.DnsOverride.Protocol;

namespace Endpoints.DnsOverride.Health;

/// <summary>
/// One entry of <c>zones/health.json</c>: the A and AAAA addresses of <see cref="Names"/> in <see cref="Zone"/> are
/// probed every <see cref="Interval"/>: a TCP connect to <see cref="Port"/>, or an HTTP GET of <see cref="HttpPath"/>
/// on it expecting 200. <see cref="Fall"/> failures in a row take an address out, <see cref="Rise"/> successes put it back.
/// </summary>
internal sealed record HealthCheck(DnsName Zone, IReadOnlyList<DnsName> Names, int Port, string? HttpPath, TimeSpan Interval, TimeSpan Timeout, int Fall, int Rise);

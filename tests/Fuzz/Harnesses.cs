using Endpoints.Fuzz.Dns;
using Endpoints.Fuzz.Proxy;

namespace Endpoints.Fuzz;

/// <summary>
/// Every parser that reads untrusted or operator input, in the order bench/fuzz.sh runs them. Made on first use:
/// instrumented code must not run before SharpFuzz has set up AFL's coverage map.
/// </summary>
internal static class Harnesses
{
    public static IReadOnlyList<(string Name, Func<IHarness> Create)> All { get; } =
    [
        new("dns-query", () => new DnsQueryHarness()),
        new("dns-server", () => new DnsServerHarness()),
        new("zone-file", () => new ZoneFileHarness()),
        new("tsig-keys", () => new TsigKeyFileHarness()),
        new("health-json", () => new HealthJsonHarness()),
        new("lint-json", () => new LintJsonHarness()),
        new("transparent-json", () => new TransparentJsonHarness()),
        new("proxy-header", () => new ProxyHeaderHarness()),
        new("client-hello", () => new ClientHelloHarness()),
        new("http-head", () => new HttpHeadHarness()),
        new("policy-json", () => new PolicyJsonHarness()),
        new("users-file", () => new UsersFileHarness()),
        new("authorization", () => new AuthorizationHarness()),
    ];

    public static Func<IHarness>? Find(string name) => All.FirstOrDefault(h => h.Name == name).Create;
}

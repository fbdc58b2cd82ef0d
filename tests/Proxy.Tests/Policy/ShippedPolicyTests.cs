using System.Net;
using Endpoints.Proxy.Policy;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Policy;

/// <summary>
/// The shipped policy lets the corporate networks reach every name the shipped zones send to the load balancer: a
/// zone added without its allow rule would answer with the proxies' address and then be refused there.
/// </summary>
public sealed class ShippedPolicyTests
{
    [Fact]
    public void EveryNameTheShippedZonesAnswerIsAllowedFromTheCorporateNetwork()
    {
        var (policy, errors) = AccessPolicy.Load(Path.Combine(AppContext.BaseDirectory, "deploy-policy.json"));
        Assert.Empty(errors);
        var refused = new List<string>();
        var zones = Directory.GetFiles(Path.Combine(BuiltProgram.Repository, "zones"), "*.zone");
        foreach (var file in zones)
        {
            var origin = Path.GetFileNameWithoutExtension(file);
            var owners = File.ReadLines(file).Where(line => line.Length > 0 && !char.IsWhiteSpace(line[0]) && line[0] is not (';' or '$'))
                .Select(line => line.Split((char[])[' ', '\t'], 2)[0]).Distinct(StringComparer.Ordinal);
            foreach (var owner in owners.Where(o => o != "ns"))
            {
                var name = owner switch
                {
                    "@" => origin,
                    "*" => "probe-bucket." + origin,
                    _ => $"{owner}.{origin}",
                };
                if (!policy!.Evaluate(IPAddress.Parse("10.1.2.3"), name, 443).Allowed)
                {
                    refused.Add(name);
                }
            }
        }

        Assert.True(zones.Length >= 5);
        Assert.True(refused.Count == 0, "refused by deploy/policy.json: " + string.Join(", ", refused));
    }
}

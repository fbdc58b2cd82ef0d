using System.Net;

namespace Endpoints.Proxy.Policy;

/// <summary>
/// Ordered rules; the first whose sources, destinations and ports all match decides. No match is a denial:
/// the proxy is closed by default.
/// </summary>
internal sealed class AccessPolicy
{
    public static readonly AccessPolicy DenyAll = new([]);

    public AccessPolicy(IReadOnlyList<PolicyRule> rules) => Rules = rules;

    public IReadOnlyList<PolicyRule> Rules { get; }

    public AclDecision Evaluate(IPAddress source, string destination, int port)
    {
        if (source.IsIPv4MappedToIPv6)
        {
            source = source.MapToIPv4();
        }

        if (!HostName.TryNormalize(destination, out var host))
        {
            return AclDecision.Deny("-", $"'{destination}' is not a valid host name");
        }

        var address = IPAddress.TryParse(host, out var literal) ? literal : null;
        foreach (var rule in Rules)
        {
            if (rule.Matches(source, host, address, port))
            {
                return new AclDecision(rule.Allow, rule.Name, rule.Allow ? "allowed by rule" : "denied by rule");
            }
        }

        return AclDecision.Deny("-", "no rule matched (default deny)");
    }

    /// <summary>Reads and checks a policy file; every problem is reported, with the rule it is in.</summary>
    public static (AccessPolicy? Policy, IReadOnlyList<string> Errors) Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path), path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, [$"{path}: cannot read: {ex.Message}"]);
        }
    }

    /// <summary>Parses a policy strictly (<see cref="PolicyReader"/>); errors are FILE:LINE:COLUMN: message.</summary>
    public static (AccessPolicy? Policy, IReadOnlyList<string> Errors) Parse(string json, string path) => PolicyReader.Read(json, path);
}

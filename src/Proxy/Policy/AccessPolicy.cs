using System.Net;
using System.Text.Json;

namespace Endpoints.Proxy.Policy;

/// <summary>
/// Ordered rules; the first whose sources, destinations and ports all match decides. No match is a denial:
/// the proxy is closed by default.
/// </summary>
public sealed class AccessPolicy
{
    public static readonly AccessPolicy DenyAll = new([]);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

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

    public static (AccessPolicy? Policy, IReadOnlyList<string> Errors) Parse(string json, string path)
    {
        PolicyFile? file;
        try
        {
            file = JsonSerializer.Deserialize<PolicyFile>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            return (null, [$"{path}:{(ex.LineNumber ?? 0) + 1}: {ex.Message}"]);
        }

        if (file?.Rules is null || file.Rules.Count == 0)
        {
            return (null, [$"{path}: no rules (everything would be denied; write a deny rule to mean that)"]);
        }

        var errors = new List<string>();
        var rules = new List<PolicyRule>();
        for (var i = 0; i < file.Rules.Count; i++)
        {
            var document = file.Rules[i];
            var where = $"{path}: rule {i + 1} ({document.Name ?? "unnamed"})";
            if (string.IsNullOrWhiteSpace(document.Name))
            {
                errors.Add($"{where}: needs a name");
            }

            var allow = string.Equals(document.Action, "allow", StringComparison.OrdinalIgnoreCase);
            if (!allow && !string.Equals(document.Action, "deny", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{where}: action must be 'allow' or 'deny', not '{document.Action}'");
            }

            var sources = new List<IPNetwork>();
            foreach (var source in document.Sources ?? [])
            {
                if (IPNetwork.TryParse(source, out var network))
                {
                    sources.Add(network);
                }
                else if (IPAddress.TryParse(source, out var address))
                {
                    sources.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
                }
                else
                {
                    errors.Add($"{where}: source '{source}' is not a CIDR");
                }
            }

            if (sources.Count == 0)
            {
                errors.Add($"{where}: needs at least one source");
            }

            var destinations = new List<DestinationPattern>();
            foreach (var destination in document.Destinations ?? [])
            {
                if (DestinationPattern.TryParse(destination, out var pattern, out var error))
                {
                    destinations.Add(pattern);
                }
                else
                {
                    errors.Add($"{where}: {error}");
                }
            }

            if (destinations.Count == 0)
            {
                errors.Add($"{where}: needs at least one destination");
            }

            foreach (var port in document.Ports ?? [])
            {
                if (port is < 1 or > 65535)
                {
                    errors.Add($"{where}: port {port} is out of range");
                }
            }

            rules.Add(new PolicyRule(document.Name ?? string.Empty, allow, sources, destinations, document.Ports?.ToHashSet()));
        }

        return errors.Count > 0 ? (null, errors) : (new AccessPolicy(rules), []);
    }
}

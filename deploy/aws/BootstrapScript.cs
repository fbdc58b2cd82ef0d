using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Endpoints.Aws;

/// <summary>
/// The instances' user data: fetch the release artifact, write what this deployment decides (the policy for the
/// corporate networks, the load balancer addresses to trust, the endpoint ranges) as a systemd drop-in, then run
/// the release's own install.sh. Settings in the drop-in are environment variables, which override the shipped
/// /etc/endpoints/*.json, so an upgrade's install.sh never has to merge anything.
/// </summary>
internal static class BootstrapScript
{
    public static string Proxy(StackInputs inputs)
    {
        var settings = new List<string>();
        settings.AddRange(inputs.Subnets.Select((s, i) => $"Proxy__ProxyProtocolFrom__{i}={s.LoadBalancerAddress}/32"));
        if (inputs.S3InterfaceEndpoint)
        {
            // The interface endpoint's addresses are private, which the address guard refuses unless allowed.
            settings.AddRange(inputs.Subnets.Select((s, i) => $"Proxy__AllowRange__{i}={s.Cidr}"));
        }

        var script = Start(inputs);
        script.AppendLine("cat > /etc/endpoints/policy.json <<'JSON'");
        script.AppendLine(Policy(inputs));
        script.AppendLine("JSON");
        DropIn(script, "endpoints-proxy", settings);
        script.AppendLine("\"$release\"/endpoints-*/install.sh --role proxy");
        return script.ToString();
    }

    public static string Dns(StackInputs inputs)
    {
        var settings = inputs.CorporateCidrs.Select((c, i) => $"DnsOverride__AllowRecursion__{i}={c}").ToList();
        if (inputs.ZonesRepository is not null)
        {
            settings.Add("DnsOverride__Zones=/var/lib/endpoints/zones-sync/zones");
        }

        var script = Start(inputs);
        DropIn(script, "endpoints-dns", settings);
        if (inputs.ZonesRepository is null)
        {
            script.AppendLine("\"$release\"/endpoints-*/install.sh --role dns");
            return script.ToString();
        }

        // Zones from git: the first sync must finish before the server starts, or it would find no zones folder.
        script.AppendLine($"printf 'ZONES_REPO=%s\\nZONES_BRANCH=%s\\n' '{inputs.ZonesRepository}' '{inputs.ZonesBranch}' > /etc/endpoints/zones-sync.env");
        script.AppendLine("\"$release\"/endpoints-*/install.sh --role dns --no-start");
        script.AppendLine("systemctl start endpoints-zones-sync.service");
        script.AppendLine("systemctl start endpoints-zones-sync.timer endpoints-dns.service");
        return script.ToString();
    }

    private static StringBuilder Start(StackInputs inputs)
    {
        var script = new StringBuilder();
        script.AppendLine("#!/bin/bash");
        script.AppendLine("set -euo pipefail");
        script.AppendLine("exec > >(tee -a /var/log/endpoints-bootstrap.log) 2>&1");
        script.AppendLine("release=/opt/endpoints-release");
        script.AppendLine("rm -rf \"$release\" && mkdir -p \"$release\" /etc/endpoints");
        script.AppendLine($"aws s3 cp '{inputs.Artifact}' /tmp/endpoints.tar.gz --region {inputs.Region} --only-show-errors");
        script.AppendLine("tar -C \"$release\" -xzf /tmp/endpoints.tar.gz && rm /tmp/endpoints.tar.gz");
        return script;
    }

    private static void DropIn(StringBuilder script, string unit, IEnumerable<string> settings)
    {
        script.AppendLine($"mkdir -p /etc/systemd/system/{unit}.service.d");
        script.AppendLine($"cat > /etc/systemd/system/{unit}.service.d/aws.conf <<'CONF'");
        script.AppendLine("[Service]");
        foreach (var setting in settings)
        {
            script.AppendLine($"Environment={setting}");
        }

        script.AppendLine("CONF");
    }

    /// <summary>Deny by default; the corporate networks may reach the region's S3 and DynamoDB names on 443.</summary>
    private static string Policy(StackInputs inputs)
    {
        var region = inputs.Region;
        var destinations = new JsonArray(
            "s3.amazonaws.com", "*.s3.amazonaws.com", $"s3.{region}.amazonaws.com", $"*.s3.{region}.amazonaws.com",
            $"s3.dualstack.{region}.amazonaws.com", $"*.s3.dualstack.{region}.amazonaws.com",
            $"s3-accesspoint.{region}.amazonaws.com", $"*.s3-accesspoint.{region}.amazonaws.com",
            $"s3-accesspoint.dualstack.{region}.amazonaws.com", $"*.s3-accesspoint.dualstack.{region}.amazonaws.com",
            $"dynamodb.{region}.amazonaws.com", $"ddb.{region}.amazonaws.com", $"*.ddb.{region}.amazonaws.com");
        if (region == "us-east-1")
        {
            destinations.Add("s3-external-1.amazonaws.com");
            destinations.Add("*.s3-external-1.amazonaws.com");
        }

        var rule = new JsonObject
        {
            ["name"] = "corporate-to-aws",
            ["action"] = "allow",
            ["sources"] = new JsonArray([.. inputs.CorporateCidrs.Select(c => JsonValue.Create(c.ToString()))]),
            ["destinations"] = destinations,
            ["ports"] = new JsonArray(443),
        };
        return new JsonObject { ["rules"] = new JsonArray(rule) }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}

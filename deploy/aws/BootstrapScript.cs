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
        // The VPC resolver by address: /etc/resolv.conf names systemd-resolved's stub, which the next lines turn off.
        var settings = inputs.CorporateCidrs.Select((c, i) => $"DnsOverride__AllowRecursion__{i}={c}")
            .Append($"DnsOverride__Upstream__0={VpcResolver(inputs)}").ToList();
        if (inputs.ZonesRepository is not null)
        {
            settings.Add("DnsOverride__Zones=/var/lib/endpoints/zones-sync/zones");
        }

        var script = Start(inputs, inputs.ZonesRepository is null ? [] : ["git"]);

        // Amazon Linux 2023's systemd-resolved holds 127.0.0.53:53, and a server on port 53 of every address would
        // collide with it: the stub goes, and the host resolves through the VPC resolver directly.
        script.AppendLine("mkdir -p /etc/systemd/resolved.conf.d");
        script.AppendLine("printf '[Resolve]\\nDNSStubListener=no\\n' > /etc/systemd/resolved.conf.d/endpoints.conf");
        script.AppendLine("ln -sf /run/systemd/resolve/resolv.conf /etc/resolv.conf");
        script.AppendLine("systemctl restart systemd-resolved");
        DropIn(script, "endpoints-dns", settings);
        if (inputs.ZonesRepository is null)
        {
            script.AppendLine("\"$release\"/endpoints-*/install.sh --role dns");
            return script.ToString();
        }

        // Zones from git over HTTPS, with a token from SSM sent as a header (never in the URL, never in the log).
        script.AppendLine("umask 077");
        script.AppendLine($"printf 'ZONES_REPO=%s\\nZONES_BRANCH=%s\\n' '{inputs.ZonesRepository}' '{inputs.ZonesBranch}' > /etc/endpoints/zones-sync.env");
        if (inputs.ZonesTokenParameter is { } parameter)
        {
            script.AppendLine($"token=$(aws ssm get-parameter --name '{parameter}' --with-decryption --region {inputs.Region} --query Parameter.Value --output text)");
            script.AppendLine("printf 'GIT_CONFIG_COUNT=1\\nGIT_CONFIG_KEY_0=http.extraHeader\\nGIT_CONFIG_VALUE_0=Authorization: Basic %s\\n' \"$(printf 'x-access-token:%s' \"$token\" | base64 -w0)\" >> /etc/endpoints/zones-sync.env");
            script.AppendLine("unset token");
        }

        script.AppendLine("umask 022");
        script.AppendLine("\"$release\"/endpoints-*/install.sh --role dns --no-start");

        // A first sync that fails does not stop the instance: the timer tries again every 30 s, and the server loads
        // the zones when they arrive (until then it has none and is not ready, so no traffic and no signal).
        script.AppendLine("systemctl start endpoints-zones-sync.service || echo 'first zones sync failed; the timer retries'");
        script.AppendLine("systemctl start endpoints-zones-sync.timer endpoints-dns.service");
        return script.ToString();
    }

    /// <summary>The VPC's Amazon-provided DNS server: its base address plus two.</summary>
    public static System.Net.IPAddress VpcResolver(StackInputs inputs)
    {
        var bytes = inputs.VpcCidr.BaseAddress.GetAddressBytes();
        bytes[3] += 2;
        return new System.Net.IPAddress(bytes);
    }

    private static StringBuilder Start(StackInputs inputs, IEnumerable<string>? packages = null)
    {
        var script = new StringBuilder();
        script.AppendLine("#!/bin/bash");
        script.AppendLine("set -euo pipefail");
        script.AppendLine("exec > >(tee -a /var/log/endpoints-bootstrap.log) 2>&1");

        // cfn-signal tells CloudFormation when the service answers, xz unpacks the artifact; the packages come from
        // the S3 gateway endpoint.
        script.AppendLine($"dnf install -y -q {string.Join(' ', (packages ?? []).Prepend("xz").Prepend("aws-cfn-bootstrap"))}");
        script.AppendLine("release=/opt/endpoints-release");
        script.AppendLine("rm -rf \"$release\" && mkdir -p \"$release\" /etc/endpoints");
        script.AppendLine($"aws s3 cp '{inputs.Artifact}' /tmp/endpoints.tar.xz --region {inputs.Region} --only-show-errors");
        script.AppendLine("tar -C \"$release\" -xJf /tmp/endpoints.tar.xz && rm /tmp/endpoints.tar.xz");
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

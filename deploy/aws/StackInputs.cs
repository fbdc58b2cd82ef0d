using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Endpoints.Aws;

/// <summary>
/// What a network team decides: the VPC and its private subnets, the load balancer's fixed addresses, who may use
/// the service, instance sizes, and the release artifact. Read from the <c>endpoints</c> context object (cdk.json,
/// or <c>cdk deploy -c endpoints='{...}'</c>); every problem is reported at once, each with its JSON path.
/// </summary>
internal sealed partial record StackInputs(
    string StackName,
    string? Account,
    string Region,
    string VpcId,
    IPNetwork VpcCidr,
    IReadOnlyList<SubnetInput> Subnets,
    IReadOnlyList<IPNetwork> CorporateCidrs,
    TierInput Proxies,
    TierInput DnsServers,
    string Artifact,
    bool S3InterfaceEndpoint,
    JsonObject? S3EndpointPolicy,
    JsonObject? DynamoDbEndpointPolicy,
    string? ZonesRepository,
    string ZonesBranch)
{
    public const string ContextKey = "endpoints";

    private static readonly string[] Keys =
    [
        "stackName", "account", "region", "vpcId", "vpcCidr", "subnets", "corporateCidrs", "proxies", "dnsServers", "artifact",
        "s3InterfaceEndpoint", "s3EndpointPolicy", "dynamoDbEndpointPolicy", "zonesRepository", "zonesBranch",
        "prefixLists", "existingGatewayEndpoints", "s3ResourceAccounts", "managementEndpoints", "zonesTokenParameter",
    ];

    private static readonly string[] ServiceKeys = ["s3", "dynamodb"];

    private static readonly string[] SubnetKeys = ["id", "availabilityZone", "cidr", "routeTableId", "loadBalancerAddress"];

    private static readonly string[] TierKeys = ["instanceType", "min", "max"];

    /// <summary>The region's S3 managed prefix list (pl-...): the tiers' egress, and no lookup Lambda in the stack.</summary>
    public string S3PrefixList { get; init; } = string.Empty;

    public string DynamoDbPrefixList { get; init; } = string.Empty;

    /// <summary>A gateway endpoint already on the route tables, reused instead of a second one (which would conflict).</summary>
    public string? ExistingS3Endpoint { get; init; }

    public string? ExistingDynamoDbEndpoint { get; init; }

    /// <summary>Accounts whose buckets the default S3 endpoint policy lets clients reach, besides the stack's own.</summary>
    public IReadOnlyList<string> S3ResourceAccounts { get; init; } = [];

    /// <summary>Interface endpoints for SSM, its messages and CloudWatch Logs, so Session Manager works without NAT.</summary>
    public bool ManagementEndpoints { get; init; }

    /// <summary>The SSM SecureString holding the token that zones-sync sends to the zones repository.</summary>
    public string? ZonesTokenParameter { get; init; }

    /// <summary>The artifact's S3 bucket.</summary>
    public string ArtifactBucket => Artifact[5..Artifact.IndexOf('/', 5)];

    /// <summary>The artifact's object key.</summary>
    public string ArtifactKey => Artifact[(Artifact.IndexOf('/', 5) + 1)..];

    /// <summary>One stack's inputs: the context object for one region.</summary>
    public static (StackInputs? Inputs, IReadOnlyList<string> Errors) Parse(JsonNode? node)
    {
        var (all, errors) = ParseAll(node);
        return all is null ? (null, errors) : all.Count == 1 ? (all[0], errors) : (null, [$"{ContextKey}: a list of {all.Count} regions where one was expected"]);
    }

    /// <summary>
    /// The stacks to deploy: the context is one object (one region, stack "Endpoints" by default) or a list of them,
    /// one stack per region ("Endpoints-REGION" by default), since a gateway endpoint serves only its own region.
    /// </summary>
    public static (IReadOnlyList<StackInputs>? All, IReadOnlyList<string> Errors) ParseAll(JsonNode? node)
    {
        if (node is JsonValue text && text.TryGetValue<string>(out var json))
        {
            // From the command line (-c endpoints='{...}') the object arrives as a string.
            try
            {
                node = JsonNode.Parse(json);
            }
            catch (JsonException ex)
            {
                return (null, [$"{ContextKey}: not JSON: {ex.Message}"]);
            }
        }

        if (node is JsonObject single)
        {
            var (inputs, errors) = ParseOne(single, ContextKey, "Endpoints");
            return inputs is null ? (null, errors) : ([inputs], errors);
        }

        if (node is not JsonArray list || list.Count == 0)
        {
            return (null, [$"{ContextKey}: missing; cdk.json's context carries a documented example"]);
        }

        var all = new List<StackInputs>();
        var problems = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"{ContextKey}[{i}]";
            if (list[i] is not JsonObject entry)
            {
                problems.Add($"{at}: expected an object with one region's inputs");
                continue;
            }

            var region = entry["region"]?.GetValueKind() == JsonValueKind.String ? entry["region"]!.GetValue<string>() : "region";
            var (inputs, errors) = ParseOne(entry, at, $"Endpoints-{region}");
            problems.AddRange(errors);
            if (inputs is not null)
            {
                all.Add(inputs);
            }
        }

        problems.AddRange(all.GroupBy(i => i.Region).Where(g => g.Count() > 1).Select(g => $"{ContextKey}: region {g.Key} given {g.Count()} times; one stack per region"));
        problems.AddRange(all.GroupBy(i => i.StackName).Where(g => g.Count() > 1).Select(g => $"{ContextKey}: stack name {g.Key} given {g.Count()} times"));
        return problems.Count > 0 ? (null, problems) : (all, problems);
    }

    private static (StackInputs? Inputs, IReadOnlyList<string> Errors) ParseOne(JsonObject root, string at, string defaultStackName)
    {
        var errors = new List<string>();
        var reader = new Reader(errors);
        reader.OnlyKnown(root, at, Keys);
        var stackName = reader.String(root, "stackName", at, @"^[A-Za-z][A-Za-z0-9-]{0,127}$", "a CloudFormation stack name", defaultStackName);
        var account = reader.String(root, "account", at, @"^\d{12}$", "a 12-digit account id", fallback: null, required: false);
        var region = reader.String(root, "region", at, @"^[a-z]{2}(-gov)?-[a-z]+-\d$", "a region such as us-east-1");
        var vpcId = reader.String(root, "vpcId", at, @"^vpc-[0-9a-f]{8,17}$", "a VPC id (vpc-...)");
        var vpcCidr = reader.Network(root, "vpcCidr", at);
        var subnets = ParseSubnets(root["subnets"], at, reader, errors, vpcCidr);
        var corporate = ParseCorporate(root["corporateCidrs"], at, reader, errors);
        var proxies = ParseTier(root["proxies"], "proxies", at, reader, errors);
        var dns = ParseTier(root["dnsServers"], "dnsServers", at, reader, errors);
        var artifact = reader.String(root, "artifact", at, @"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.*endpoints-[^/]+-linux-(x64|arm64)\.tar\.xz$",
            "the release artifact's S3 URI (s3://BUCKET/.../endpoints-VERSION-linux-ARCH.tar.xz, from deploy/package.sh)");
        if (artifact is not null)
        {
            var arch = ArtifactArchitecture().Match(artifact).Groups[1].Value;
            foreach (var (tier, name) in new[] { (proxies, "proxies"), (dns, "dnsServers") })
            {
                if (tier is not null && tier.Architecture != arch)
                {
                    errors.Add($"{at}.{name}.instanceType: {tier.InstanceType} runs {tier.Architecture}, but the artifact is linux-{arch}");
                }
            }
        }

        var interfaceEndpoint = reader.Boolean(root, "s3InterfaceEndpoint", at);
        var s3Policy = reader.Policy(root, "s3EndpointPolicy", at);
        var dynamoPolicy = reader.Policy(root, "dynamoDbEndpointPolicy", at);
        // HTTPS only: the DNS tier's egress is 443, and a token from SSM is how it authenticates (ssh would need a key on disk).
        var zonesRepository = reader.String(root, "zonesRepository", at, @"^https://[^\s'@]+$", "an https:// git URL (no credentials in it; see zonesTokenParameter)", fallback: null, required: false);
        var zonesBranch = reader.String(root, "zonesBranch", at, @"^[A-Za-z0-9._/-]+$", "a branch name", "main");
        var zonesToken = reader.String(root, "zonesTokenParameter", at, @"^/[A-Za-z0-9_./-]{1,1010}$", "an SSM parameter name (/endpoints/zones-token)", fallback: null, required: false);
        if (zonesToken is not null && zonesRepository is null)
        {
            errors.Add($"{at}.zonesTokenParameter: given without zonesRepository");
        }

        var prefixLists = ServiceIds(root["prefixLists"], $"{at}.prefixLists", @"^pl-[0-9a-f]{8,17}$", "a prefix list id (pl-...)", required: true, reader, errors);
        var existing = ServiceIds(root["existingGatewayEndpoints"], $"{at}.existingGatewayEndpoints", @"^vpce-[0-9a-f]{8,17}$", "a VPC endpoint id (vpce-...)", required: false, reader, errors);
        var accounts = ParseAccounts(root["s3ResourceAccounts"], $"{at}.s3ResourceAccounts", errors);
        var management = reader.Boolean(root, "managementEndpoints", at);

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new StackInputs(stackName!, account, region!, vpcId!, vpcCidr!.Value, subnets, corporate, proxies!, dns!, artifact!,
            interfaceEndpoint, s3Policy, dynamoPolicy, zonesRepository, zonesBranch!)
        {
            S3PrefixList = prefixLists["s3"]!,
            DynamoDbPrefixList = prefixLists["dynamodb"]!,
            ExistingS3Endpoint = existing.GetValueOrDefault("s3"),
            ExistingDynamoDbEndpoint = existing.GetValueOrDefault("dynamodb"),
            S3ResourceAccounts = accounts,
            ManagementEndpoints = management,
            ZonesTokenParameter = zonesToken,
        }, errors);
    }

    /// <summary>
    /// <c>{ "s3": ID, "dynamodb": ID }</c>: the region's prefix lists (required, each), or existing gateway endpoints
    /// to reuse (optional, either).
    /// </summary>
    private static Dictionary<string, string?> ServiceIds(JsonNode? node, string path, string pattern, string what, bool required, Reader reader, List<string> errors)
    {
        var ids = new Dictionary<string, string?>();
        if (node is null && !required)
        {
            return ids;
        }

        if (node is not JsonObject services)
        {
            errors.Add($"{path}: missing; {{ \"s3\": ..., \"dynamodb\": ... }}, each {what}");
            return ids;
        }

        reader.OnlyKnown(services, path, ServiceKeys);
        foreach (var service in ServiceKeys)
        {
            ids[service] = reader.String(services, service, path, pattern, what, fallback: null, required: required);
        }

        return ids;
    }

    private static List<string> ParseAccounts(JsonNode? node, string path, List<string> errors)
    {
        if (node is null)
        {
            return [];
        }

        var accounts = (node as JsonArray)?.Select(a => a is JsonValue v && v.TryGetValue<string>(out var id) && Regex.IsMatch(id, @"^\d{12}$") ? id : null).ToList();
        if (accounts is null || accounts.Count == 0 || accounts.Contains(null))
        {
            errors.Add($"{path}: a list of 12-digit account ids whose buckets clients may reach through the endpoint");
            return [];
        }

        return [.. accounts.OfType<string>()];
    }

    private static List<SubnetInput> ParseSubnets(JsonNode? node, string at, Reader reader, List<string> errors, IPNetwork? vpcCidr)
    {
        var subnets = new List<SubnetInput>();
        if (node is not JsonArray array)
        {
            errors.Add($"{at}.subnets: missing; a list of private subnets in two or more availability zones");
            return subnets;
        }

        for (var i = 0; i < array.Count; i++)
        {
            var path = $"{at}.subnets[{i}]";
            if (array[i] is not JsonObject subnet)
            {
                errors.Add($"{path}: must be an object with {string.Join(", ", SubnetKeys)}");
                continue;
            }

            reader.OnlyKnown(subnet, path, SubnetKeys);
            var id = reader.String(subnet, "id", path, @"^subnet-[0-9a-f]{8,17}$", "a subnet id (subnet-...)");
            var zone = reader.String(subnet, "availabilityZone", path, @"^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$", "an availability zone such as us-east-1a");
            var cidr = reader.Network(subnet, "cidr", path);
            var routeTable = reader.String(subnet, "routeTableId", path, @"^rtb-[0-9a-f]{8,17}$", "a route table id (rtb-...)");
            var address = reader.Address(subnet, "loadBalancerAddress", path);
            if (cidr is { } c && vpcCidr is { } vpc && !(vpc.Contains(c.BaseAddress) && c.PrefixLength >= vpc.PrefixLength))
            {
                errors.Add($"{path}.cidr: {c} is outside the VPC's {vpc}");
            }

            if (cidr is { } net && address is not null)
            {
                if (!net.Contains(address))
                {
                    errors.Add($"{path}.loadBalancerAddress: {address} is outside its subnet {net}");
                }
                else if (IsReserved(net, address))
                {
                    errors.Add($"{path}.loadBalancerAddress: {address} is one of the five addresses AWS reserves in {net} (the first four and the last)");
                }
            }

            if (id is not null && zone is not null && cidr is not null && routeTable is not null && address is not null)
            {
                subnets.Add(new SubnetInput(id, zone, cidr.Value, routeTable, address));
            }
        }

        if (array.Count > 0 && array.Select(s => s?["availabilityZone"]?.ToString()).Distinct().Count() < 2)
        {
            errors.Add($"{at}.subnets: all in one availability zone; the load balancer and both tiers need two or more");
        }

        return subnets;
    }

    private static List<IPNetwork> ParseCorporate(JsonNode? node, string at, Reader reader, List<string> errors)
    {
        var networks = new List<IPNetwork>();
        if (node is not JsonArray array || array.Count == 0)
        {
            errors.Add($"{at}.corporateCidrs: missing; the networks whose DNS servers and clients use the service");
            return networks;
        }

        for (var i = 0; i < array.Count; i++)
        {
            var path = $"{at}.corporateCidrs[{i}]";
            if (reader.Network(array[i], path) is { } network)
            {
                if (network.PrefixLength == 0)
                {
                    errors.Add($"{path}: {network} would open the service to every address; name the corporate networks");
                }
                else
                {
                    networks.Add(network);
                }
            }
        }

        return networks;
    }

    private static TierInput? ParseTier(JsonNode? node, string name, string at, Reader reader, List<string> errors)
    {
        var path = $"{at}.{name}";
        if (node is not JsonObject tier)
        {
            errors.Add($"{path}: missing; {{ \"instanceType\": \"t4g.small\", \"min\": 2, \"max\": 4 }}");
            return null;
        }

        reader.OnlyKnown(tier, path, TierKeys);
        var type = reader.String(tier, "instanceType", path, @"^[a-z][a-z0-9-]*\.[a-z0-9]+$", "an EC2 instance type such as t4g.small");
        var min = reader.Integer(tier, "min", path, 1, 100);
        var max = reader.Integer(tier, "max", path, 1, 100);
        // A rolling update keeps min in service and starts one more: CloudFormation refuses MinInstancesInService = MaxSize.
        if (min is not null && max is not null && min >= max)
        {
            errors.Add($"{path}: max {max} must be above min {min}: a rolling update keeps min instances in service while it starts one more");
        }

        return type is null || min is null || max is null ? null : new TierInput(type, min.Value, max.Value);
    }

    private static bool IsReserved(IPNetwork network, IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        var value = ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
        var baseBytes = network.BaseAddress.GetAddressBytes();
        var first = ((uint)baseBytes[0] << 24) | ((uint)baseBytes[1] << 16) | ((uint)baseBytes[2] << 8) | baseBytes[3];
        var last = first + (uint)((1L << (32 - network.PrefixLength)) - 1);
        return value - first < 4 || value == last;
    }

    [GeneratedRegex(@"-linux-(x64|arm64)\.tar\.xz$")]
    private static partial Regex ArtifactArchitecture();
}

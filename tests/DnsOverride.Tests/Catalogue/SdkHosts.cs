using Amazon.DynamoDBv2.Endpoints;
using Amazon.DynamoDBv2.Internal;
using Amazon.S3.Endpoints;
using Amazon.S3.Internal;
using Endpoints.DnsOverride.Catalogue;

namespace Endpoints.DnsOverride.Tests.Catalogue;

/// <summary>
/// The host names the AWS SDK for .NET's own endpoint rules give a client in a region, for every client option that
/// changes the host: FIPS, dual-stack, path style, Transfer Acceleration, the global endpoint, access points (plain,
/// Object Lambda, Multi-Region), directory buckets, and DynamoDB's account-based modes. No network: the endpoint
/// providers only compute. Combinations the SDK refuses (FIPS in China, say) are left out, as the SDK leaves them.
/// </summary>
internal static class SdkHosts
{
    private static readonly AmazonS3EndpointProvider S3 = new();
    private static readonly AmazonDynamoDBEndpointProvider DynamoDb = new();

    public static IReadOnlyList<(string Options, string Host)> For(AwsRegion region)
    {
        var hosts = new List<(string, string)>();
        var partition = region.Partition.Name;
        bool[] both = [false, true];
        foreach (var fips in both)
        {
            foreach (var dualStack in both)
            {
                foreach (var pathStyle in both)
                {
                    foreach (var accelerate in both)
                    {
                        AddS3(hosts, $"s3 fips={fips} dualstack={dualStack} pathstyle={pathStyle} accelerate={accelerate}", new S3EndpointParameters
                        {
                            Region = region.Name,
                            Bucket = "mybucket",
                            UseFIPS = fips,
                            UseDualStack = dualStack,
                            ForcePathStyle = pathStyle,
                            Accelerate = accelerate,
                        });
                    }
                }

                AddS3(hosts, $"s3 access point fips={fips} dualstack={dualStack}", new S3EndpointParameters
                {
                    Region = region.Name,
                    Bucket = $"arn:{partition}:s3:{region.Name}:123456789012:accesspoint/myap",
                    UseFIPS = fips,
                    UseDualStack = dualStack,
                });
                foreach (var mode in new[] { "preferred", "disabled", "required" })
                {
                    AddDynamoDb(hosts, $"dynamodb fips={fips} dualstack={dualStack} account-id-endpoint-mode={mode}", new DynamoDBEndpointParameters
                    {
                        Region = region.Name,
                        UseFIPS = fips,
                        UseDualStack = dualStack,
                        AccountId = "123456789012",
                        AccountIdEndpointMode = mode,
                    });
                }
            }
        }

        AddS3(hosts, "s3 no bucket", new S3EndpointParameters { Region = region.Name });
        AddS3(hosts, "s3 dotted bucket", new S3EndpointParameters { Region = region.Name, Bucket = "my.bucket" });
        AddS3(hosts, "s3 global endpoint", new S3EndpointParameters { Region = region.Name, Bucket = "mybucket", UseGlobalEndpoint = true });
        AddS3(hosts, "s3 object lambda", new S3EndpointParameters { Region = region.Name, Bucket = $"arn:{partition}:s3-object-lambda:{region.Name}:123456789012:accesspoint/myol" });
        AddS3(hosts, "s3 multi-region access point", new S3EndpointParameters { Region = region.Name, Bucket = $"arn:{partition}:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap" });
        AddS3(hosts, "s3 directory bucket", new S3EndpointParameters { Region = region.Name, Bucket = "mybucket--use1-az4--x-s3" });
        AddDynamoDb(hosts, "dynamodb no account", new DynamoDBEndpointParameters { Region = region.Name });
        return hosts;
    }

    private static void AddS3(List<(string, string)> hosts, string options, S3EndpointParameters parameters)
    {
        if (TryResolve(() => S3.ResolveEndpoint(parameters).URL) is { } host)
        {
            hosts.Add((options, host));
        }
    }

    private static void AddDynamoDb(List<(string, string)> hosts, string options, DynamoDBEndpointParameters parameters)
    {
        if (TryResolve(() => DynamoDb.ResolveEndpoint(parameters).URL) is { } host)
        {
            hosts.Add((options, host));
        }
    }

    /// <summary>The URL's host; null when the SDK refuses the combination (its rules raise an error for it).</summary>
    private static string? TryResolve(Func<string> resolve)
    {
        try
        {
            return new Uri(resolve()).Host;
        }
        catch (Amazon.Runtime.AmazonClientException)
        {
            return null;
        }
    }
}

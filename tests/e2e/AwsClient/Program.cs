using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

// A corporate client with no special settings: AWS SDK for .NET defaults for us-east-1 (or the region in
// AWS_REGION), trusting the test CA through SSL_CERT_FILE and, in the explicit-proxy scenario, HTTPS_PROXY. Prints
// "OK <step>" per step and exits non-zero on the first failure.
// s3rver knows one key pair; dynalite accepts any.
var credentials = new BasicAWSCredentials("S3RVER", "S3RVER");
var command = args.Length > 0 ? args[0] : "all";
var bucket = args.Length > 1 ? args[1] : "e2e-bucket";
var region = RegionEndpoint.GetBySystemName(Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1");

AmazonS3Client S3(bool pathStyle)
{
    var config = new AmazonS3Config
    {
        RegionEndpoint = region,
        ForcePathStyle = pathStyle,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        MaxErrorRetry = 5,
        Timeout = TimeSpan.FromSeconds(30),
    };

    // PROXY_NEGOTIATE=1: the logged-on user's Kerberos ticket for the proxy, as a domain-joined client offers it.
    if (Environment.GetEnvironmentVariable("PROXY_NEGOTIATE") == "1" && Environment.GetEnvironmentVariable("HTTPS_PROXY") is { } proxy)
    {
        config.SetWebProxy(new WebProxy(new Uri(proxy)) { Credentials = CredentialCache.DefaultCredentials });
    }

    return new(credentials, config);
}

static void Ok(string step) => Console.WriteLine($"OK {step}");

static byte[] Payload(int size, int seed)
{
    var data = new byte[size];
    new Random(seed).NextBytes(data);
    return data;
}

async Task PutAsync(AmazonS3Client s3, string key, byte[] data) =>
    await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(data), UseChunkEncoding = false });

async Task<byte[]> GetAsync(AmazonS3Client s3, string key)
{
    using var response = await s3.GetObjectAsync(bucket, key);
    using var copy = new MemoryStream();
    await response.ResponseStream.CopyToAsync(copy);
    return copy.ToArray();
}

async Task S3Async()
{
    var virtualHosted = S3(pathStyle: false);
    var pathStyle = S3(pathStyle: true);
    try
    {
        await virtualHosted.PutBucketAsync(bucket);
    }
    catch (AmazonS3Exception ex) when (ex.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
    {
    }

    Ok("create-bucket");
    foreach (var (style, client) in new[] { ("virtual-hosted", virtualHosted), ("path", pathStyle) })
    {
        var data = Payload(100_000, style.Length);
        await PutAsync(client, $"{style}/object", data);
        if (!(await GetAsync(client, $"{style}/object")).AsSpan().SequenceEqual(data))
        {
            throw new InvalidOperationException($"{style}: object came back different");
        }

        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = style + "/" });
        if (listed.S3Objects?.Count != 1)
        {
            throw new InvalidOperationException($"{style}: listed {listed.S3Objects?.Count ?? 0} objects");
        }

        Ok($"put-get-list-{style}");
    }

    var big = Payload(20 << 20, 20);
    var upload = await virtualHosted.InitiateMultipartUploadAsync(bucket, "multipart/20mb");
    var parts = new List<PartETag>();
    const int PartSize = 5 << 20;
    for (var part = 0; part * PartSize < big.Length; part++)
    {
        var response = await virtualHosted.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = "multipart/20mb",
            UploadId = upload.UploadId,
            PartNumber = part + 1,
            InputStream = new MemoryStream(big, part * PartSize, Math.Min(PartSize, big.Length - (part * PartSize))),
            UseChunkEncoding = false,
        });
        parts.Add(new PartETag(part + 1, response.ETag));
    }

    await virtualHosted.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
    {
        BucketName = bucket,
        Key = "multipart/20mb",
        UploadId = upload.UploadId,
        PartETags = parts,
    });
    var downloaded = await GetAsync(virtualHosted, "multipart/20mb");
    if (!SHA256.HashData(downloaded).AsSpan().SequenceEqual(SHA256.HashData(big)))
    {
        throw new InvalidOperationException("multipart: SHA-256 of the download differs");
    }

    Ok("multipart-20mb-sha256");
    await virtualHosted.DeleteObjectAsync(bucket, "path/object");
    var after = await virtualHosted.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "path/" });
    if ((after.S3Objects?.Count ?? 0) != 0)
    {
        throw new InvalidOperationException("delete: object still listed");
    }

    Ok("delete-object");
}

async Task DynamoAsync()
{
    var dynamo = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig { RegionEndpoint = region, MaxErrorRetry = 5 });
    var table = "e2e-" + Guid.NewGuid().ToString("N")[..8];
    await dynamo.CreateTableAsync(new CreateTableRequest
    {
        TableName = table,
        KeySchema = [new KeySchemaElement("pk", KeyType.HASH), new KeySchemaElement("sk", KeyType.RANGE)],
        AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S), new AttributeDefinition("sk", ScalarAttributeType.N)],
        BillingMode = BillingMode.PAY_PER_REQUEST,
    });
    for (var i = 0; i < 60 && (await dynamo.DescribeTableAsync(table)).Table.TableStatus != TableStatus.ACTIVE; i++)
    {
        await Task.Delay(500);
    }

    Ok("dynamodb-create-table");
    for (var i = 1; i <= 3; i++)
    {
        await dynamo.PutItemAsync(table, new Dictionary<string, AttributeValue>
        {
            ["pk"] = new() { S = "tenant" },
            ["sk"] = new() { N = i.ToString(CultureInfo.InvariantCulture) },
            ["v"] = new() { S = $"value-{i}" },
        });
    }

    Ok("dynamodb-put-item");
    var item = await dynamo.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = new() { S = "tenant" }, ["sk"] = new() { N = "2" } });
    if (item.Item?["v"].S != "value-2")
    {
        throw new InvalidOperationException("get-item returned the wrong item");
    }

    Ok("dynamodb-get-item");
    var query = await dynamo.QueryAsync(new QueryRequest
    {
        TableName = table,
        KeyConditionExpression = "pk = :pk AND sk >= :from",
        ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":pk"] = new() { S = "tenant" }, [":from"] = new() { N = "2" } },
    });
    if (query.Count != 2)
    {
        throw new InvalidOperationException($"query returned {query.Count} items");
    }

    Ok("dynamodb-query");
}

async Task LoopAsync(int count)
{
    var s3 = S3(pathStyle: false);
    var failures = 0;
    for (var i = 0; i < count; i++)
    {
        try
        {
            var data = Payload(4096, i);
            await PutAsync(s3, $"loop/{i % 10}", data);
            if (!(await GetAsync(s3, $"loop/{i % 10}")).AsSpan().SequenceEqual(data))
            {
                failures++;
            }
        }
        catch (Exception ex)
        {
            // Any failure is counted and named, whatever its type: the loop reports, it never aborts the process.
            failures++;
            Console.Error.WriteLine($"request {i}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    Console.WriteLine($"loop requests={count} failures={failures}");
    if (failures > 0)
    {
        throw new InvalidOperationException($"{failures} of {count} loop requests failed");
    }
}

try
{
    switch (command)
    {
        case "s3":
            await S3Async();
            break;
        case "dynamodb":
            await DynamoAsync();
            break;
        case "loop":
            await LoopAsync(int.Parse(args[2], CultureInfo.InvariantCulture));
            break;
        case "chaos":
            // chaos SECONDS CLIENTS CSV: the SDK at its default retry settings (ChaosLoad).
            return await ChaosLoad.RunAsync(credentials, region, TimeSpan.FromSeconds(int.Parse(args[1], CultureInfo.InvariantCulture)),
                int.Parse(args[2], CultureInfo.InvariantCulture), args[3]) == 0 ? 0 : 1;
        case "put-big":
            await PutAsync(S3(false), "big/50mb", Payload(50 << 20, 50));
            Ok("put-50mb");
            break;
        case "get-big":
            var got = await GetAsync(S3(false), "big/50mb");
            Ok(SHA256.HashData(got).AsSpan().SequenceEqual(SHA256.HashData(Payload(50 << 20, 50))) ? "get-50mb-sha256" : throw new InvalidOperationException("50 MB download differs"));
            break;
        default:
            await S3Async();
            await DynamoAsync();
            break;
    }

    return 0;
}
catch (Exception ex)
{
    Console.WriteLine($"FAILED {command}: {ex.GetType().Name}: {ex.Message}");
    return 1;
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

/// <summary>
/// Several clients, each putting and getting S3 objects and DynamoDB items in a loop for a given time, with the SDK's
/// retry settings at their defaults. Every HTTP attempt is counted below the SDK, so attempts minus calls is the
/// number of retries. Each call is written to a CSV (Unix ms at its start, latency in ms, 1 or 0 for success).
/// </summary>
internal static class ChaosLoad
{
    private static readonly AsyncLocal<StrongBox<int>?> CallAttempts = new();

    public static async Task<int> RunAsync(AWSCredentials credentials, RegionEndpoint region, TimeSpan duration, int clients, string csv)
    {
        var factory = new CountingHttpClientFactory();
        var s3 = new AmazonS3Client(credentials, new AmazonS3Config
        {
            RegionEndpoint = region,
            HttpClientFactory = factory,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        var dynamo = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig { RegionEndpoint = region, HttpClientFactory = factory });
        var table = "chaos-" + Guid.NewGuid().ToString("N")[..8];
        await dynamo.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });
        for (var i = 0; i < 60 && (await dynamo.DescribeTableAsync(table)).Table.TableStatus != TableStatus.ACTIVE; i++)
        {
            await Task.Delay(500);
        }

        await s3.PutBucketAsync("e2e-chaos");

        var calls = new List<(long Start, double Ms, bool Ok, string? Error, int Attempts)>();
        var end = DateTime.UtcNow + duration;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var data = new byte[4096];
            for (var i = 0; DateTime.UtcNow < end; i++)
            {
                Random.Shared.NextBytes(data);
                var key = $"c{client}/{i % 20}";
                var value = Convert.ToBase64String(data, 0, 32);
                // s3rver stores an aws-chunked body as it came (shared/TESTING-NOTES.md): whole bodies, as the other steps send.
                await Call(calls, () => s3.PutObjectAsync(new PutObjectRequest { BucketName = "e2e-chaos", Key = key, InputStream = new MemoryStream(data), UseChunkEncoding = false }));
                await Call(calls, async () =>
                {
                    using var got = await s3.GetObjectAsync("e2e-chaos", key);
                    using var copy = new MemoryStream();
                    await got.ResponseStream.CopyToAsync(copy);
                    if (!copy.ToArray().AsSpan().SequenceEqual(data))
                    {
                        throw new InvalidOperationException($"object {key} (round {i}) came back different: {copy.Length} bytes");
                    }
                });

                await Call(calls, () => dynamo.PutItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = new() { S = key }, ["v"] = new() { S = value } }));
                await Call(calls, async () =>
                {
                    var item = await dynamo.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["pk"] = new() { S = key } });
                    if (item.Item?["v"].S != value)
                    {
                        throw new InvalidOperationException($"item {key} came back different");
                    }
                });
            }
        })));

        await File.WriteAllLinesAsync(csv, calls.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Start},{c.Ms:F1},{(c.Ok ? 1 : 0)}")));
        var failed = calls.Where(c => !c.Ok).ToList();
        foreach (var (_, _, _, error, _) in failed.Take(10))
        {
            Console.Error.WriteLine($"failed call: {error}");
        }

        var attempts = calls.Sum(c => c.Attempts);
        Console.WriteLine($"chaos calls={calls.Count} failed={failed.Count} attempts={attempts} retries={attempts - calls.Count}");
        return failed.Count;
    }

    /// <summary>Runs one SDK call and records how it ended and how many HTTP attempts it took.</summary>
    private static async Task Call(List<(long, double, bool, string?, int)> calls, Func<Task> call)
    {
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var timer = Stopwatch.StartNew();
        var attempts = new StrongBox<int>();
        CallAttempts.Value = attempts;
        string? error = null;
        try
        {
            await call();
        }
        catch (Exception ex)
        {
            // After the SDK's own retries: this call failed for its caller.
            error = $"{ex.GetType().Name}: {ex.Message}";
        }

        lock (calls)
        {
            calls.Add((start, timer.Elapsed.TotalMilliseconds, error is null, error, attempts.Value));
        }
    }

    private sealed class CountingHttpClientFactory : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new CountingHandler(new SocketsHttpHandler())) { Timeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(100) };
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (CallAttempts.Value is { } attempts)
            {
                Interlocked.Increment(ref attempts.Value);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}

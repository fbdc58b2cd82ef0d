using System.Net;
using System.Net.Sockets;
using Endpoints.DnsOverride.Protocol;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Caching;

/// <summary>
/// An upstream that stuffs its answers with records for other names, ours among them: the client gets only what
/// answers its question, from the upstream and from the cache, and our names keep our answers.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ScrubbingTests : IAsyncLifetime
{
    private readonly TempDirectory _zones = new();
    private readonly UdpClient _upstream = new(new IPEndPoint(IPAddress.Loopback, 0));
    private DnsServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        _ = AnswerStuffedAsync();
        _zones.Write("s3.amazonaws.com.zone", "$TTL 60\n@ SOA ns h 1 3600 600 86400 60\n@ NS ns\nns A 10.200.0.53\n@ A 10.200.0.10\n* A 10.200.0.10\n");
        _server = await DnsServerProcess.StartAsync(_zones.Path, [$"127.0.0.1:{((IPEndPoint)_upstream.Client.LocalEndPoint!).Port}"]);
    }

    [Fact]
    public async Task OnlyTheQuestionsRecordsReachTheClient()
    {
        var fresh = await Dig.QueryAsync(_server.Port, "junk.example.org", "A");
        var cached = await Dig.QueryAsync(_server.Port, "junk.example.org", "A");
        var ours = await Dig.QueryAsync(_server.Port, "s3.amazonaws.com", "A");

        foreach (var answer in new[] { fresh, cached })
        {
            Assert.Equal("NOERROR", answer.Status);
            Assert.Equal(["junk.example.org. IN A 203.0.113.9"], answer.Answer.Select(r => string.Join(' ', r.Split(' ').Where((_, i) => i != 1))));
            Assert.DoesNotContain("6.6.6.6", answer.Output, StringComparison.Ordinal);
        }

        Assert.Equal(["s3.amazonaws.com. 60 IN A 10.200.0.10"], ours.Answer);
    }

    private async Task AnswerStuffedAsync()
    {
        while (true)
        {
            UdpReceiveResult received;
            try
            {
                received = await _upstream.ReceiveAsync();
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            var query = received.Buffer;
            var name = System.Text.Encoding.ASCII.GetString(query, 13, query[12]) + ".example.org";
            var message = new UpstreamMessage(name, RecordType.A, id: (ushort)((query[0] << 8) | query[1]));
            message.Answer(300, 203, 0, 113, 9);
            message.Add(0, RecordType.A, 300, [6, 6, 6, 6], UpstreamMessage.Name("s3.amazonaws.com"));
            message.Add(0, RecordType.A, 300, [6, 6, 6, 6], UpstreamMessage.Name("victim.example.org"));
            message.Add(2, RecordType.A, 300, [6, 6, 6, 6], UpstreamMessage.Name("mybucket.s3.amazonaws.com"));
            var response = message.ToArray();

            // The question as asked (its case), so the server's 0x20 check passes.
            query.AsSpan(12, UpstreamMessage.Name(name).Length).CopyTo(response.AsSpan(12));
            await _upstream.SendAsync(response, received.RemoteEndPoint);
        }
    }

    public Task DisposeAsync()
    {
        _server.Dispose();
        _upstream.Dispose();
        _zones.Dispose();
        return Task.CompletedTask;
    }
}

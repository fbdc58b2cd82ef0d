using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Endpoints.Testing;

namespace Endpoints.DnsOverride.Tests.Forwarding;

/// <summary>
/// 0x20 on the upstream leg (Unbound's use-caps-for-id): our questions go out in random case and the answer must echo
/// it; an upstream that folds the case is asked again in lowercase, so its clients are still answered.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CaseRandomizationTests
{
    [Fact]
    public async Task QuestionsGoUpstreamInRandomCase()
    {
        using var upstream = new EchoUpstream(foldCase: false);
        using var zones = new TempDirectory();
        using var server = await DnsServerProcess.StartAsync(zones.Path, [$"127.0.0.1:{upstream.Port}"]);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("NOERROR", (await Dig.QueryAsync(server.Port, $"name{i}.longer-domain-name.example.org", "A")).Status);
        }

        var letters = upstream.Questions.SelectMany(q => q.Where(char.IsAsciiLetter)).ToList();
        Assert.True(upstream.Questions.Count >= 20, string.Join('\n', upstream.Questions));
        Assert.Contains(letters, char.IsAsciiLetterUpper);
        Assert.Contains(letters, char.IsAsciiLetterLower);
        Assert.DoesNotContain("case changed", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUpstreamThatFoldsTheCaseIsAskedAgainInLowercase()
    {
        using var upstream = new EchoUpstream(foldCase: true);
        using var zones = new TempDirectory();
        using var server = await DnsServerProcess.StartAsync(zones.Path, [$"127.0.0.1:{upstream.Port}"]);

        var first = await Dig.QueryAsync(server.Port, "folded.example.org", "A");
        var second = await Dig.QueryAsync(server.Port, "again.example.org", "A");

        Assert.Equal("NOERROR", first.Status);
        Assert.Equal(["folded.example.org. 300 IN A 192.0.2.7"], first.Answer);
        Assert.Equal("NOERROR", second.Status);
        Assert.True(await server.Process.WaitForOutputAsync("answered with the question's case changed; its queries go lowercase", TimeSpan.FromSeconds(10)), server.Output);
        Assert.Equal("again.example.org", upstream.Questions.Last());
    }

    /// <summary>Answers every A question with 192.0.2.7, its question echoed as asked or folded to lowercase; records what it was asked.</summary>
    private sealed class EchoUpstream : IDisposable
    {
        private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly bool _foldCase;

        public EchoUpstream(bool foldCase)
        {
            _foldCase = foldCase;
            _ = AnswerAsync();
        }

        public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

        public ConcurrentQueue<string> Questions { get; } = new();

        private async Task AnswerAsync()
        {
            while (true)
            {
                UdpReceiveResult received;
                try
                {
                    received = await _socket.ReceiveAsync();
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                var query = received.Buffer;
                var end = 12;
                var labels = new List<string>();
                while (query[end] != 0)
                {
                    labels.Add(System.Text.Encoding.ASCII.GetString(query, end + 1, query[end]));
                    end += query[end] + 1;
                }

                Questions.Enqueue(string.Join('.', labels));
                var questionEnd = end + 5;
                var response = query[..questionEnd].ToList();
                response[2] |= 0x80;
                response[3] = 0x80;
                response[7] = 1;
                response[11] = 0;
                if (_foldCase)
                {
                    for (var i = 12; i < questionEnd - 4; i++)
                    {
                        response[i] = (byte)char.ToLowerInvariant((char)response[i]);
                    }
                }

                response.AddRange([0xC0, 12, 0, 1, 0, 1, 0, 0, 1, 0x2C, 0, 4, 192, 0, 2, 7]);
                await _socket.SendAsync(response.ToArray(), received.RemoteEndPoint);
            }
        }

        public void Dispose() => _socket.Dispose();
    }
}

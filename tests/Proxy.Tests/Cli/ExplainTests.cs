using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Endpoints.Proxy.Tests.Integration;
using Endpoints.Testing;

namespace Endpoints.Proxy.Tests.Cli;

/// <summary>
/// <c>check --explain</c> and the health port's <c>/explain</c> give the decision the running proxy makes: for a table
/// of connections (two source addresses, names, ports), each CONNECT's logged decision and rule equal the explained
/// ones, and the two explanations are the same text.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ExplainTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private LoopbackS3 _s3 = null!;
    private ProxyProcess _proxy = null!;
    private string _policy = null!;

    public async Task InitializeAsync()
    {
        _s3 = await LoopbackS3.StartAsync(_directory);
        _policy = _directory.Write("policy.json", $$"""
            { "rules": [
              { "name": "no-admin", "action": "deny", "sources": ["127.0.0.0/8"], "destinations": ["admin.s3.amazonaws.com"] },
              { "name": "first-host", "action": "allow", "sources": ["127.0.0.1/32"], "destinations": ["*.s3.amazonaws.com"], "ports": [{{_s3.Origin.TlsPort}}] },
              { "name": "path-style", "action": "allow", "sources": ["127.0.0.0/8"], "destinations": ["s3.amazonaws.com"], "ports": [{{_s3.Origin.TlsPort}}] }
            ] }
            """);
        _proxy = await ProxyProcess.StartAsync(_policy, _s3.Resolver.Port, _s3.Origin);
    }

    public Task DisposeAsync()
    {
        _proxy.Dispose();
        _s3.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("127.0.0.1", "bucket.s3.amazonaws.com", true, "allow first-host")]
    [InlineData("127.0.0.2", "bucket.s3.amazonaws.com", true, "deny -")]
    [InlineData("127.0.0.1", "admin.s3.amazonaws.com", true, "deny no-admin")]
    [InlineData("127.0.0.2", "s3.amazonaws.com", true, "allow path-style")]
    [InlineData("127.0.0.3", "s3.amazonaws.com", false, "deny -")]
    [InlineData("127.0.0.1", "bucket.s3.amazonaws.com", false, "deny -")]
    public async Task TheExplainedDecisionIsTheOneTheProxyMakes(string source, string name, bool originPort, string expected)
    {
        var port = originPort ? _s3.Origin.TlsPort : 81;
        var status = await ConnectAsync(source, $"{name}:{port}");
        var logged = await Eventually.PollAsync(
            () => Task.FromResult(Regex.Match(_proxy.Output, $@"client={Regex.Escape(source)}:\d+ mode=connect dest={Regex.Escape(name)}:{port} .*?decision=(\w+) rule=(\S+)")),
            m => m.Success, TimeSpan.FromSeconds(10));
        Assert.True(logged.Done, _proxy.Output);
        var (exit, explained) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "check", "--explain", source, name, port.ToString(CultureInfo.InvariantCulture), "--policy", _policy);
        using var http = new HttpClient();
        var served = await http.GetStringAsync(new Uri($"http://127.0.0.1:{_proxy.HealthPort}/explain?source={source}&name={name}&port={port}"));

        Assert.Equal(expected, $"{logged.Value.Groups[1].Value} {logged.Value.Groups[2].Value}");
        Assert.Contains($"decision: {expected.Replace(" ", " by ", StringComparison.Ordinal)} (", explained, StringComparison.Ordinal);
        Assert.Equal(expected.StartsWith("allow", StringComparison.Ordinal) ? 0 : 1, exit);
        Assert.Equal(explained, served);
        Assert.Equal(expected.StartsWith("allow", StringComparison.Ordinal) ? 200 : 403, status);
    }

    [Fact]
    public async Task EachRuleBeforeTheDecidingOneSaysWhatDidNotMatch()
    {
        var (exit, explained) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "check", "--explain", "127.0.0.2", "bucket.s3.amazonaws.com", "81", "--policy", _policy);

        Assert.Equal(1, exit);
        Assert.Equal(
            [
                "rule 1 no-admin (deny): no: source 127.0.0.2 is in 127.0.0.0/8; destination bucket.s3.amazonaws.com is not in admin.s3.amazonaws.com",
                $"rule 2 first-host (allow): no: source 127.0.0.2 is not in 127.0.0.1/32; port 81 is not in {_s3.Origin.TlsPort}; destination bucket.s3.amazonaws.com is in *.s3.amazonaws.com",
                $"rule 3 path-style (allow): no: source 127.0.0.2 is in 127.0.0.0/8; port 81 is not in {_s3.Origin.TlsPort}; destination bucket.s3.amazonaws.com is not in s3.amazonaws.com",
                "decision: deny by - (no rule matched (default deny))",
            ],
            explained.TrimEnd('\n').Split('\n'));
    }

    /// <summary>Policy details are for the operator on the host: a client the load balancer's PROXY header names elsewhere gets 403.</summary>
    [Fact]
    public async Task ExplainAnswersLoopbackOnly()
    {
        using var behindBalancer = await ProxyProcess.StartAsync(_policy, _s3.Resolver.Port, _s3.Origin, ["--proxy-protocol-from", "127.0.0.0/8"]);
        const string path = "/explain?source=127.0.0.1&name=bucket.s3.amazonaws.com&port=443";

        var remote = await RawHttp.SendAsync(behindBalancer.HealthPort, RawHttp.ProxyV1("10.9.8.7"), path);
        var local = await RawHttp.SendAsync(behindBalancer.HealthPort, [], path);
        var bad = await RawHttp.SendAsync(behindBalancer.HealthPort, [], "/explain?source=x");

        Assert.Equal(403, RawHttp.StatusOf(remote));
        Assert.Equal(200, RawHttp.StatusOf(local));
        Assert.Equal(400, RawHttp.StatusOf(bad));
    }

    [Fact]
    public async Task BadInputIsRefusedWithExit2()
    {
        var (exit, output) = await Tools.RunAsync("dotnet", ProxyProcess.Dll, "check", "--explain", "not-an-ip", "alice", "bucket.s3.amazonaws.com", "443", "--mode", "tls", "--policy", _policy);

        Assert.Equal(2, exit);
        Assert.Contains("--explain: 'not-an-ip' is not an IP address", output, StringComparison.Ordinal);
        Assert.Contains("--mode tls: TLS (SNI) connections carry no user", output, StringComparison.Ordinal);
    }

    /// <summary>A CONNECT from <paramref name="source"/> (a loopback address the socket binds); the status code.</summary>
    private async Task<int> ConnectAsync(string source, string target)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _proxy.ConnectPort));
        await socket.SendAsync(Encoding.ASCII.GetBytes($"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n"));
        var buffer = new byte[512];
        var length = await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(10));
        return int.Parse(Encoding.ASCII.GetString(buffer, 0, length).Split(' ')[1], CultureInfo.InvariantCulture);
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Endpoints.Proxy.Authentication;
using Endpoints.Proxy.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Endpoints.Fuzz.Proxy;

/// <summary>
/// The Proxy-Authorization header: the scheme and token framing, base64, and the token handed to MIT GSSAPI as the
/// Negotiate scheme hands it, against a keytab made for the harness. Whatever the bytes, the answer is a refusal with
/// its reason: no input can forge a Kerberos ticket, so an authenticated answer is a finding. (Basic is left out:
/// every well-formed name:password costs a PBKDF2 of 600,000 rounds, which would make each such input a hang.)
/// </summary>
internal sealed class AuthorizationHarness : IHarness, IDisposable
{
    private static readonly IPAddress[] Sources = [.. Enumerable.Range(1, 250).Select(i => IPAddress.Parse($"10.1.2.{i}"))];

    private readonly string _directory = Directory.CreateTempSubdirectory("auth-fuzz-").FullName;
    private readonly ServiceProvider _services;
    private readonly GssAcceptor _acceptor;
    private readonly ProxyAuthenticator _authenticator;
    private int _next;

    public AuthorizationHarness()
    {
        var keytab = Path.Combine(_directory, "fuzz.keytab");
        using (var ktutil = Process.Start(new ProcessStartInfo("ktutil") { RedirectStandardInput = true, RedirectStandardOutput = true })!)
        {
            ktutil.StandardInput.Write($"addent -password -p HTTP/proxy.fuzz.example@FUZZ.EXAMPLE -k 1 -e aes256-cts-hmac-sha1-96\nfuzz-password\nwkt {keytab}\nquit\n");
            ktutil.StandardInput.Close();
            ktutil.WaitForExit();
        }

        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new ProxyMetrics(_services.GetRequiredService<IMeterFactory>());
        _acceptor = GssAcceptor.Create("HTTP/proxy.fuzz.example@FUZZ.EXAMPLE", keytab, NullLogger.Instance);
        _authenticator = new ProxyAuthenticator([new NegotiateScheme(_acceptor)], new FailureLimiter(TimeProvider.System), metrics);
    }

    public string Name => "authorization";

    public void Run(ReadOnlySpan<byte> input)
    {
        var header = Encoding.Latin1.GetString(input);
        var source = Sources[_next++ % Sources.Length];
        var task = _authenticator.AuthenticateAsync(header, source, secure: true).AsTask();
        PropertyViolation.Unless(task.Wait(TimeSpan.FromSeconds(2)), "no answer within 2 s");
        var result = task.Result;
        PropertyViolation.Unless(result.Outcome is not (AuthOutcome.Authenticated or AuthOutcome.Cached), $"authenticated as {result.User} by '{header}'");
        PropertyViolation.Unless(!string.IsNullOrEmpty(result.Reason), $"{result.Outcome} without a reason");
    }

    public void Dispose()
    {
        _acceptor.Dispose();
        _services.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

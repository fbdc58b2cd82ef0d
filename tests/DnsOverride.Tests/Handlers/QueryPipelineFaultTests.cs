using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Tests.Configuration;
using Endpoints.DnsOverride.Tests.Integration;
using Endpoints.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Endpoints.DnsOverride.Tests.Handlers;

/// <summary>
/// What ends a query (rate limiting, signing, the metric and the log line) runs on a UDP receive thread: a failure
/// there costs that one answer and never escapes to the thread, which would take the process down.
/// </summary>
public sealed class QueryPipelineFaultTests
{
    [Fact]
    public void AFailureAfterTheAnswerCostsOnlyThatQuery()
    {
        using var zones = new TempDirectory();
        TestZones.CopyAll(zones);
        var options = TestOptions.Create(new DnsOverrideOptions { Zones = zones.Path, Upstream = ["127.0.0.1:9"] });
        var logger = new FailingOnceLogger();
        using var dns = InProcessDns.Start(options, configure: services => services.AddSingleton<ILogger<QueryPipeline>>(logger));
        var query = DnsWire.BuildQuery("bucket.s3.amazonaws.com", 1);

        int Serve()
        {
            dns.Prepare(query);
            var serving = dns.Pipeline.ServeAsync(dns.Context, CancellationToken.None);
            Assert.True(serving.IsCompletedSuccessfully);
            return dns.Context.ResponseLength;
        }

        Assert.Equal(0, Serve());
        Assert.True(logger.Failed);
        Assert.True(Serve() > 0);
    }

    /// <summary>A log provider whose first per-query line throws (a broken sink), and which then works.</summary>
    private sealed class FailingOnceLogger : ILogger<QueryPipeline>
    {
        public bool Failed { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 1 && !Failed)
            {
                Failed = true;
                throw new IOException("log sink is gone");
            }
        }
    }
}

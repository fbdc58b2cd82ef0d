using System.Net;
using Endpoints.DnsOverride.Configuration;
using Endpoints.DnsOverride.Handlers;
using Endpoints.DnsOverride.Telemetry;
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
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new DnsMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var logger = new FailingOnceLogger();
        var pipeline = TestPipeline.Create(options, metrics, logger);
        var context = new QueryContext();
        new IPEndPoint(IPAddress.Loopback, 5353).Serialize().Buffer.CopyTo(context.UdpRemote.Buffer);
        var query = DnsWire.BuildQuery("bucket.s3.amazonaws.com", 1);

        int Serve()
        {
            context.Reset(DnsTransport.Udp);
            query.CopyTo(context.Request, 0);
            context.RequestLength = query.Length;
            var serving = pipeline.ServeAsync(context, CancellationToken.None);
            Assert.True(serving.IsCompletedSuccessfully);
            return context.ResponseLength;
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

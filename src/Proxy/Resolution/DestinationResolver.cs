using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Endpoints.Proxy.Configuration;
using Microsoft.Extensions.Options;

namespace Endpoints.Proxy.Resolution;

/// <summary>Resolves destination names (A and AAAA) through the configured resolver, with DnsClient at the edge.</summary>
internal sealed class DestinationResolver
{
    private readonly LookupClient _client;
    private readonly ResolvedNames _resolved;

    public DestinationResolver(IOptions<ProxyOptions> options, TimeProvider time)
    {
        _resolved = new ResolvedNames(time);
        var servers = options.Value.ResolverEndPoints.Select(e => new NameServer(e)).ToArray();
        _client = new LookupClient(new LookupClientOptions(servers)
        {
            UseCache = true,
            Timeout = TimeSpan.FromSeconds(2),
            Retries = 1,
            UseTcpFallback = true,
            ThrowDnsErrors = false,
            ContinueOnDnsError = true,
        });
    }

    public async ValueTask<ResolveResult> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return new ResolveResult([literal], null);
        }

        if (_resolved.TryGet(host, out var known))
        {
            return new ResolveResult(known, null);
        }

        try
        {
            var a = _client.QueryAsync(host, QueryType.A, cancellationToken: cancellationToken);
            var aaaa = _client.QueryAsync(host, QueryType.AAAA, cancellationToken: cancellationToken);
            var responses = await Task.WhenAll(a, aaaa).ConfigureAwait(false);
            var records = responses.SelectMany(r => r.Answers).Where(r => r is ARecord or AaaaRecord).ToList();
            var addresses = records.Select(r => r is ARecord v4 ? v4.Address : ((AaaaRecord)r).Address).Distinct().ToList();
            if (addresses.Count > 0)
            {
                _resolved.Add(host, addresses, TimeSpan.FromSeconds(records.Min(r => r.TimeToLive)));
                return new ResolveResult(addresses, null);
            }

            var error = responses.Where(r => r.HasError).Select(r => r.ErrorMessage).FirstOrDefault();
            return new ResolveResult([], $"{host} has no address ({error ?? "no A or AAAA records"})");
        }
        catch (DnsResponseException ex)
        {
            return new ResolveResult([], $"resolving {host} failed: {ex.Message}", ex.Code == DnsResponseCode.ConnectionTimeout);
        }
    }
}

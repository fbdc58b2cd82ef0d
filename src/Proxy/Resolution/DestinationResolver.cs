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

    public DestinationResolver(IOptions<ProxyOptions> options)
    {
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

    public async Task<ResolveResult> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return new ResolveResult([literal], null);
        }

        try
        {
            var a = _client.QueryAsync(host, QueryType.A, cancellationToken: cancellationToken);
            var aaaa = _client.QueryAsync(host, QueryType.AAAA, cancellationToken: cancellationToken);
            var responses = await Task.WhenAll(a, aaaa).ConfigureAwait(false);
            var addresses = responses.SelectMany(r => r.Answers)
                .Select(r => r switch { ARecord v4 => v4.Address, AaaaRecord v6 => v6.Address, _ => null })
                .OfType<IPAddress>()
                .Distinct()
                .ToList();
            if (addresses.Count > 0)
            {
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

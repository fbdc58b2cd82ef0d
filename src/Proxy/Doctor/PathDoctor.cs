using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using DnsClient;
using DnsClient.Protocol;

namespace Endpoints.Proxy.Doctor;

/// <summary>
/// Walks a client's path to NAME:PORT and says where it breaks: (1) what the client's resolver answers, against
/// (2) what our DNS server answers on its own word; (3) the proxy, by CONNECT through <c>--via</c> or, without it,
/// straight to the load balancer as the SNI path takes it; (4) whether the proxy reached the service; (5) a TLS
/// handshake with the service through that path, whose certificate must carry NAME. Every step has its own deadline.
/// </summary>
internal sealed class PathDoctor(string name, int port, IPEndPoint? resolver, IPEndPoint dns, IPEndPoint? via, TimeSpan stepTimeout)
{
    public async Task<IReadOnlyList<DoctorStep>> RunAsync(CancellationToken cancellationToken)
    {
        var ours = await AskAsync(dns, cancellationToken).ConfigureAwait(false);
        var client = await AskAsync(resolver, cancellationToken).ConfigureAwait(false);
        var steps = new List<DoctorStep> { ResolverStep(client, ours), OurDnsStep(ours) };
        var target = via ?? (ours.Addresses.Count > 0 ? new IPEndPoint(ours.Addresses[0], port) : null);
        if (target is null || !ours.Authoritative)
        {
            steps.Add(new DoctorStep(3, "proxy", DoctorVerdict.Skipped, "no load balancer address to try: our DNS server does not override the name"));
            steps.Add(new DoctorStep(4, "upstream", DoctorVerdict.Skipped, "-"));
            steps.Add(new DoctorStep(5, "tls", DoctorVerdict.Skipped, "-"));
            return steps;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(stepTimeout * 3);
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(target, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            steps.Add(new DoctorStep(3, "proxy", DoctorVerdict.Fail, $"cannot reach {target}: {Reason(ex)}",
                "the load balancer or every proxy behind it is down, or a firewall drops the port: check the target group's health"));
            steps.Add(new DoctorStep(4, "upstream", DoctorVerdict.Skipped, "-"));
            steps.Add(new DoctorStep(5, "tls", DoctorVerdict.Skipped, "-"));
            return steps;
        }

        using var stream = new NetworkStream(socket, ownsSocket: false);
        if (via is not null && !await ConnectThroughAsync(stream, steps, timeout.Token).ConfigureAwait(false))
        {
            return steps;
        }

        if (via is null)
        {
            steps.Add(new DoctorStep(3, "proxy", DoctorVerdict.Ok, $"connected to {target} (the SNI path: the proxy reads NAME from the TLS handshake)"));
        }

        steps.Add(await TlsStepAsync(stream, timeout.Token).ConfigureAwait(false));
        if (via is null)
        {
            // In SNI mode the proxy's refusal is a TLS alert: step 5 says it, and step 4 follows from it.
            steps.Insert(3, new DoctorStep(4, "upstream", steps[^1].Verdict == DoctorVerdict.Ok ? DoctorVerdict.Ok : DoctorVerdict.Skipped,
                steps[^1].Verdict == DoctorVerdict.Ok ? "the proxy resolved and reached the service" : "see step 5"));
        }

        return steps;
    }

    private static DoctorStep ResolverStep(Answer client, Answer ours)
    {
        var answer = Format(client.Addresses);
        if (client.Error is { } error)
        {
            // A name we do not override is not this path's business: the client reaches it its usual way, or not.
            return ours.Authoritative
                ? new DoctorStep(1, "resolver", DoctorVerdict.Fail, $"the client's resolver: {error}",
                    "the corporate DNS has no conditional forwarder for this zone to our DNS servers, or cannot reach them")
                : new DoctorStep(1, "resolver", DoctorVerdict.Warn, $"the client's resolver: {error}");
        }

        if (!ours.Authoritative || client.Addresses.ToHashSet().SetEquals(ours.Addresses))
        {
            return new DoctorStep(1, "resolver", DoctorVerdict.Ok, $"the client's resolver answers {answer}{(ours.Authoritative ? ", our load balancer" : string.Empty)}");
        }

        return new DoctorStep(1, "resolver", DoctorVerdict.Fail, $"the client's resolver answers {answer}, our DNS server {Format(ours.Addresses)}",
            $"add a conditional forwarder for the zone to our DNS servers (docs: corporate DNS), or wait out a stale cached answer (TTL {ours.Ttl} s " +
            "for ours; the corporate cache may hold the old one longer); a validating resolver needs the zone marked insecure " +
            "(Unbound domain-insecure, PowerDNS dnssec=process-no-validate, Knot's negative trust anchor, dnsmasq without --dnssec)");
    }

    private static DoctorStep OurDnsStep(Answer ours) => ours.Error is { } error && (ours.Authoritative || ours.Unreachable)
        ? new DoctorStep(2, "our-dns", DoctorVerdict.Fail, $"our DNS server: {error}",
            ours.Unreachable ? "start it, or check --dns and the firewall to it" : "the zone holds no address for the name: add its records (or list the zone in transparent.json)")
        : !ours.Authoritative
            ? new DoctorStep(2, "our-dns", DoctorVerdict.Warn, $"our DNS server forwards the name (not AA): {(ours.Error ?? Format(ours.Addresses))}",
                "the name is not in our zones (or is kept upstream in a transparent zone): clients reach it their usual way, not through the endpoint")
            : new DoctorStep(2, "our-dns", DoctorVerdict.Ok, $"our DNS server answers {Format(ours.Addresses)} authoritatively, TTL {ours.Ttl} s{(ours.Serial is { } s ? $", zone serial {s}" : string.Empty)}");

    private async Task<bool> ConnectThroughAsync(NetworkStream stream, List<DoctorStep> steps, CancellationToken cancellationToken)
    {
        string status;
        string body;
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {name}:{port} HTTP/1.1\r\nHost: {name}:{port}\r\n\r\n"), cancellationToken).ConfigureAwait(false);
            (status, body) = await ReadResponseAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            steps.Add(new DoctorStep(3, "proxy", DoctorVerdict.Fail, $"no answer to CONNECT from {via}: {Reason(ex)}", "check that --via is the proxy's CONNECT port"));
            steps.Add(new DoctorStep(4, "upstream", DoctorVerdict.Skipped, "-"));
            steps.Add(new DoctorStep(5, "tls", DoctorVerdict.Skipped, "-"));
            return false;
        }

        var code = status.Split(' ') is [_, var c, ..] ? c : "?";
        var reason = body.Trim();
        switch (code)
        {
            case "200":
                steps.Add(new DoctorStep(3, "proxy", DoctorVerdict.Ok, $"{via} allows CONNECT {name}:{port}"));
                steps.Add(new DoctorStep(4, "upstream", DoctorVerdict.Ok, "the proxy resolved the name through its resolver and connected"));
                return true;
            case "403":
                steps.Add(new DoctorStep(3, "proxy", DoctorVerdict.Fail, $"{via} refuses: {status}: {reason}",
                    $"the policy denies the name (`Endpoints.Proxy check --explain <your address> {name} {port}` on a proxy host says which rule), " +
                    "or the address it resolves to is one the proxy must not reach (outside --allow-range): the reason says which"));
                break;
            case "407":
                steps.Add(new DoctorStep(3, "proxy", DoctorVerdict.Fail, $"{via} wants a user: {status}", "the rule that allows it has users: sign in (Kerberos or Basic over --connect-tls)"));
                break;
            case "502" or "504":
                steps.Add(new DoctorStep(3, "proxy", DoctorVerdict.Ok, $"{via} allows CONNECT {name}:{port}"));
                steps.Add(new DoctorStep(4, "upstream", DoctorVerdict.Fail, $"the proxy could not reach the service: {status}: {reason}",
                    "the proxy's resolver (the VPC resolver) does not know the name, the address is outside --allow-range, or the endpoint route is missing"));
                steps.Add(new DoctorStep(5, "tls", DoctorVerdict.Skipped, "-"));
                return false;
            default:
                steps.Add(new DoctorStep(3, "proxy", DoctorVerdict.Fail, $"{via} answers {status}: {reason}", null));
                break;
        }

        steps.Add(new DoctorStep(4, "upstream", DoctorVerdict.Skipped, "-"));
        steps.Add(new DoctorStep(5, "tls", DoctorVerdict.Skipped, "-"));
        return false;
    }

    private async Task<DoctorStep> TlsStepAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        X509Certificate2? certificate = null;
        var chain = SslPolicyErrors.None;
        // The certificate is inspected, not trusted: no byte of data crosses the session, and the step reports its names and trust.
#pragma warning disable CA5359
        using var tls = new SslStream(stream, leaveInnerStreamOpen: true, (_, cert, _, errors) =>
        {
            certificate = cert is null ? null : new X509Certificate2(cert);
            chain = errors;
            return true;
        });
#pragma warning restore CA5359
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = name }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            return new DoctorStep(5, "tls", DoctorVerdict.Fail, $"no TLS session with the service: {Reason(ex)}",
                via is null ? "in SNI mode a refused name ends in a TLS alert: the policy denies it, or the proxy could not reach the service (its log says which)" : null);
        }

        using (certificate)
        {
            var names = certificate?.GetNameInfo(X509NameType.DnsName, forIssuer: false) ?? "-";
            if (certificate is null || !certificate.MatchesHostname(name))
            {
                return new DoctorStep(5, "tls", DoctorVerdict.Fail, $"the certificate is for {names}, not {name}",
                    "the name is overridden to the wrong place: check the zone's addresses");
            }

            var trust = (chain & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None ? "trusted" : $"not trusted here ({chain})";
            return new DoctorStep(5, "tls", DoctorVerdict.Ok, $"TLS {tls.SslProtocol} with a certificate for {name} ({names}), {trust}");
        }
    }

    private async Task<Answer> AskAsync(IPEndPoint? server, CancellationToken cancellationToken)
    {
        var options = server is null ? new LookupClientOptions() : new LookupClientOptions(new NameServer(server));
        options.Timeout = stepTimeout / 2;
        options.Retries = 1;
        options.UseCache = false;
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = false;
        var client = new LookupClient(options);
        try
        {
            var response = await client.QueryAsync(name, QueryType.A, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            if (response.HasError)
            {
                return new Answer([], response.Header.HasAuthorityAnswer, 0, null, response.ErrorMessage);
            }

            // InitialTimeToLive: DnsClient's TimeToLive counts down from the answer's receipt, a second late by the SOA query.
            var records = response.Answers.ARecords().ToList();
            var soa = (await client.QueryAsync(name, QueryType.SOA, QueryClass.IN, cancellationToken).ConfigureAwait(false))
                .AllRecords.OfType<SoaRecord>().FirstOrDefault();
            return new Answer([.. records.Select(r => r.Address)], response.Header.HasAuthorityAnswer, records.Count > 0 ? records.Min(r => r.InitialTimeToLive) : 0, soa?.Serial,
                records.Count == 0 ? "no A record (NODATA)" : null);
        }
        catch (DnsResponseException ex)
        {
            return new Answer([], false, 0, null, $"no answer from {(server?.ToString() ?? "the system resolver")}: {ex.Message}") { Unreachable = true };
        }
    }

    private static async Task<(string Status, string Body)> ReadResponseAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0 && (text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) || read == 0 || text.Length > end + 4))
            {
                return (text[..text.IndexOf("\r\n", StringComparison.Ordinal)], text[(end + 4)..]);
            }
        }

        var all = Encoding.ASCII.GetString(buffer, 0, length);
        var lineEnd = all.IndexOf("\r\n", StringComparison.Ordinal);
        return (lineEnd < 0 ? all : all[..lineEnd], all.Contains("\r\n\r\n", StringComparison.Ordinal) ? all[(all.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..] : string.Empty);
    }

    private static string Format(IReadOnlyList<IPAddress> addresses) => addresses.Count == 0 ? "nothing" : string.Join(", ", addresses.Order(Comparer<IPAddress>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()))));

    private static string Reason(Exception ex) => ex is OperationCanceledException ? "timed out" : ex.Message;

    private sealed record Answer(IReadOnlyList<IPAddress> Addresses, bool Authoritative, int Ttl, uint? Serial, string? Error)
    {
        /// <summary>No answer at all (a timeout, a refused port), as opposed to an answer with an error code.</summary>
        public bool Unreachable { get; init; }
    }
}

using System.Net;
using System.Net.Security;

// A Kerberos client for the proxy's tests, run as its own process so that KRB5CCNAME and KRB5_CONFIG reach GSSAPI:
//   token SPN [COUNT]  prints COUNT fresh Negotiate tokens for SPN (HTTP/localhost), one per line, base64
//   get URL            GETs URL with HttpClient through HTTPS_PROXY, offering the ticket cache's identity to the proxy
//                      (DefaultProxyCredentials, as the AWS SDK for .NET does); prints "STATUS <code>"; the origin's
//                      CA comes from SSL_CERT_FILE
if (args is ["token", var spn, ..])
{
    var count = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
    for (var i = 0; i < count; i++)
    {
        using var client = new NegotiateAuthentication(new NegotiateAuthenticationClientOptions
        {
            Package = "Negotiate",
            TargetName = spn,
            Credential = CredentialCache.DefaultNetworkCredentials,
        });
        var token = client.GetOutgoingBlob(ReadOnlySpan<byte>.Empty, out var status);
        if (token is null || status is not (NegotiateAuthenticationStatusCode.ContinueNeeded or NegotiateAuthenticationStatusCode.Completed))
        {
            Console.Error.WriteLine($"no token for {spn}: {status}");
            return 1;
        }

        Console.WriteLine(Convert.ToBase64String(token));
    }

    return 0;
}

if (args is ["get", var url])
{
    using var handler = new SocketsHttpHandler { DefaultProxyCredentials = CredentialCache.DefaultCredentials };
    using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
    try
    {
        using var response = await http.GetAsync(new Uri(url));
        Console.WriteLine($"STATUS {(int)response.StatusCode}");
        Console.WriteLine(await response.Content.ReadAsStringAsync());
        return 0;
    }
    catch (HttpRequestException ex)
    {
        Console.WriteLine($"STATUS {(int?)ex.StatusCode ?? 0} {ex.Message} {ex.InnerException?.Message} {ex.InnerException?.InnerException?.Message}");
        return 0;
    }
}

Console.Error.WriteLine("usage: NegotiateClient token SPN [COUNT] | get URL");
return 2;

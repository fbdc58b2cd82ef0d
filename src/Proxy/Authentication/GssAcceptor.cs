using System.Runtime.InteropServices;
using System.Text;
using Endpoints.Common.Hosting;
using Endpoints.Proxy.Telemetry;
using Microsoft.Extensions.Logging;

namespace Endpoints.Proxy.Authentication;

/// <summary>
/// Kerberos through SPNEGO (<c>Negotiate</c>, RFC 4559) against the keys of the proxy's keytab. The acceptor
/// credential is acquired once and held: .NET's <c>NegotiateAuthentication</c> acquires one per context, and MIT
/// then reopens the keytab, krb5.conf and the replay cache on every accept (150 us per accept against 60 held,
/// bench/README.md). Its keys are a copy in memory (<see cref="MemoryKeytab"/>), taken again when the keytab file
/// changes (<see cref="KeytabWatcher"/>): a keytab that cannot be read keeps the keys in service. The usual SPNEGO
/// token (Kerberos preferred, its ticket inside) is unwrapped and answered by <see cref="Spnego"/> and the ticket
/// checked by MIT's Kerberos mechanism directly; any other goes through MIT's SPNEGO. GSSAPI refuses tickets for a
/// service not in the keytab, expired tickets and replays; its own words say which. One round only: a token that
/// needs another (NTLM) is refused, as every 407 closes the connection.
/// </summary>
internal sealed class GssAcceptor : LastGoodStore<GssCredential>, IDisposable
{
    private readonly string? _spn;
    private readonly ILogger _logger;

    // Accepts read; a swap writes once before it releases the credential it replaced, so none still uses it.
    private readonly ReaderWriterLockSlim _inUse = new();

    // Held only to be alive: MIT keeps krb5.conf parsed while one context of the process is, and an accept makes
    // and frees five of its own, so without it every accept opened, read and parsed the file again (bench/README.md).
    private readonly Krb5Context _settings = Krb5Context.Create();

    private GssAcceptor(string? spn, string keytab, GssCredential credential, ILogger logger)
        : base(credential)
    {
        _spn = spn;
        Keytab = keytab;
        _logger = logger;
    }

    public string Keytab { get; }

    /// <summary>
    /// Acquires the acceptor credential from <paramref name="keytab"/>, for <paramref name="spn"/> only
    /// (<c>HTTP/proxy.corp.example</c>, realm optional), or when none is given for any <c>HTTP/</c> principal: a
    /// keytab shared with another service (host/, cifs/ on an AD host) must not let that service's tickets in.
    /// GSSAPI then refuses a ticket for any other principal of the keytab with its reason. Throws when it cannot.
    /// </summary>
    public static GssAcceptor Create(string? spn, string keytab, ILogger logger)
    {
        var (credential, keys) = Acquire(spn, keytab);
        Log.KeytabLoaded(logger, keytab, "start", keys);
        return new GssAcceptor(spn, keytab, credential, logger);
    }

    /// <summary>
    /// About 100 us of CPU (decryption, the replay cache file), run on the calling socket thread: a hop to the thread
    /// pool cost more than the accept itself (bench/auth.sh: 308 against 163 us per handshake).
    /// </summary>
    public AuthResult Accept(byte[] token, int length)
    {
        _inUse.EnterReadLock();
        try
        {
            return Accept(Current.DangerousGetHandle(), token, length);
        }
        finally
        {
            _inUse.ExitReadLock();
        }
    }

    public void Dispose()
    {
        Current.Dispose();
        _inUse.Dispose();
        _settings.Dispose();
    }

    protected override GssCredential? Load(string reason, GssCredential current)
    {
        var (credential, keys) = Acquire(_spn, Keytab);
        Log.KeytabLoaded(_logger, Keytab, reason, keys);
        return credential;
    }

    protected override void Swapped(GssCredential previous, GssCredential current)
    {
        _inUse.EnterWriteLock();
        _inUse.ExitWriteLock();
        previous.Dispose();
    }

    protected override void Failed(string reason, Exception exception) => Log.KeytabFailed(_logger, Keytab, reason, exception.Message);

    private static (GssCredential Credential, int Keys) Acquire(string? spn, string keytab)
    {
        var (text, type) = spn is null ? ("HTTP", GssApi.HostBasedService) : (spn, GssApi.PrincipalName);
        using var memory = MemoryKeytab.Copy(keytab);
        var bytes = Encoding.UTF8.GetBytes(text);
        var handle = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        var name = (nint)0;
        var element = new GssApi.StoreElement { Key = Marshal.StringToCoTaskMemUTF8("keytab"), Value = Marshal.StringToCoTaskMemUTF8(memory.Name) };
        try
        {
            var buffer = new GssApi.Buffer { Length = (nuint)bytes.Length, Value = handle.AddrOfPinnedObject() };
            var major = GssApi.ImportName(out var minor, ref buffer, type, out name);
            if (GssApi.IsError(major))
            {
                throw new InvalidOperationException($"acceptor name {text}: {Describe(major, minor)}");
            }

            unsafe
            {
                var store = new GssApi.Store { Count = 1, Elements = (nint)(&element) };
                major = GssApi.AcquireCredentialFrom(out minor, name, GssApi.Indefinite, 0, GssApi.Accept, ref store, out var credential, 0, 0);
                return GssApi.IsError(major)
                    ? throw new InvalidOperationException($"no Kerberos key for {(spn ?? "HTTP/ principals")} in keytab {keytab}: {Describe(major, minor)}")
                    : (new GssCredential(credential), memory.Keys);
            }
        }
        finally
        {
            handle.Free();
            Marshal.FreeCoTaskMem(element.Key);
            Marshal.FreeCoTaskMem(element.Value);
            if (name != 0)
            {
                GssApi.ReleaseName(out _, ref name);
            }
        }
    }

    private static AuthResult Accept(nint credential, byte[] token, int length)
    {
        var context = (nint)0;
        var source = (nint)0;
        var output = default(GssApi.Buffer);
        var spnego = Spnego.TryReadKerberos(token.AsSpan(0, length), out var kerberos, out var microsoft);
        var (offset, count) = spnego ? kerberos.GetOffsetAndLength(length) : (0, length);
        var handle = GCHandle.Alloc(token, GCHandleType.Pinned);
        try
        {
            var input = new GssApi.Buffer { Length = (nuint)count, Value = handle.AddrOfPinnedObject() + offset };
            var major = GssApi.AcceptSecurityContext(out var minor, ref context, credential, ref input, 0, out source, 0, ref output, 0, 0, 0);
            if (major == GssApi.ContinueNeeded)
            {
                return new AuthResult(AuthOutcome.Failed, AuthScheme.Negotiate, null, "Negotiate: the token needs another round (NTLM?); only Kerberos is accepted");
            }

            if (major != GssApi.Complete)
            {
                return new AuthResult(AuthOutcome.Failed, AuthScheme.Negotiate, null, $"Negotiate: {Describe(major, minor)}");
            }

            var reply = spnego ? Spnego.Accepted(microsoft, View(output)) : output.Length > 0 ? Copy(output) : null;
            return new AuthResult(AuthOutcome.Authenticated, AuthScheme.Negotiate, Name(source), "Negotiate (Kerberos)", reply);
        }
        finally
        {
            handle.Free();
            GssApi.ReleaseBuffer(out _, ref output);
            if (source != 0)
            {
                GssApi.ReleaseName(out _, ref source);
            }

            if (context != 0)
            {
                GssApi.DeleteSecurityContext(out _, ref context, 0);
            }
        }
    }

    private static string Name(nint name)
    {
        var text = default(GssApi.Buffer);
        try
        {
            return GssApi.IsError(GssApi.DisplayName(out _, name, ref text, 0)) ? "?" : Encoding.UTF8.GetString(Copy(text));
        }
        finally
        {
            GssApi.ReleaseBuffer(out _, ref text);
        }
    }

    /// <summary>
    /// GSSAPI's words for a failure: Kerberos' own when it has some ("Request is a replay"), which say more than the
    /// routine's ("Unspecified GSS failure").
    /// </summary>
    private static string Describe(uint major, uint minor)
    {
        var words = new List<string>();
        var (status, type) = minor != 0 ? (minor, GssApi.MechanismCode) : (major, GssApi.GssCode);
        var more = 0u;
        do
        {
            var message = default(GssApi.Buffer);
            if (GssApi.IsError(GssApi.DisplayStatus(out _, status, type, 0, ref more, ref message)))
            {
                break;
            }

            words.Add(Encoding.UTF8.GetString(Copy(message)));
            GssApi.ReleaseBuffer(out _, ref message);
        }
        while (more != 0);

        return words.Count > 0 ? string.Join(": ", words) : $"GSSAPI status {major:x8}/{minor}";
    }

    private static unsafe ReadOnlySpan<byte> View(GssApi.Buffer buffer) => new((void*)buffer.Value, (int)buffer.Length);

    private static byte[] Copy(GssApi.Buffer buffer)
    {
        var bytes = new byte[(int)buffer.Length];
        Marshal.Copy(buffer.Value, bytes, 0, bytes.Length);
        return bytes;
    }
}

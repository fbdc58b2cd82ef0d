using System.Runtime.InteropServices;

namespace Endpoints.Proxy.Authentication;

/// <summary>
/// A keytab's keys copied into a <c>MEMORY:</c> keytab of this process. MIT opens and reads a <c>FILE:</c> keytab
/// again on every accept (three times); from memory an accept costs about 5 us less (bench/README.md). A memory
/// keytab lives while a handle to it is open: this object's, then the credential's acquired from it by name.
/// </summary>
internal sealed class MemoryKeytab : IDisposable
{
    private static int s_copies;

    private readonly Krb5Context _context;
    private nint _keytab;

    private MemoryKeytab(Krb5Context context, nint keytab, string name, int keys)
    {
        _context = context;
        _keytab = keytab;
        Name = name;
        Keys = keys;
    }

    /// <summary>The name GSSAPI finds it by: unique per copy, so a reload never adds to the keys in service.</summary>
    public string Name { get; }

    public int Keys { get; }

    /// <summary>Copies every entry of <paramref name="keytab"/> (a path, or a name such as FILE:path); throws with Kerberos' reason when it cannot be read or holds none.</summary>
    public static MemoryKeytab Copy(string keytab)
    {
        var context = Krb5Context.Create();
        var source = (nint)0;
        var copy = (nint)0;
        var done = false;
        try
        {
            var name = $"MEMORY:endpoints-proxy-{Interlocked.Increment(ref s_copies)}";
            Check(context, keytab, Krb5Api.ResolveKeytab(context, keytab, out source));
            Check(context, keytab, Krb5Api.ResolveKeytab(context, name, out copy));
            var keys = CopyEntries(context, keytab, source, copy);
            if (keys == 0)
            {
                throw new InvalidOperationException($"keytab {keytab} holds no keys");
            }

            done = true;
            return new MemoryKeytab(context, copy, name, keys);
        }
        finally
        {
            if (source != 0)
            {
                _ = Krb5Api.CloseKeytab(context, source);
            }

            if (!done)
            {
                if (copy != 0)
                {
                    _ = Krb5Api.CloseKeytab(context, copy);
                }

                context.Dispose();
            }
        }
    }

    public void Dispose()
    {
        if (_keytab != 0)
        {
            _ = Krb5Api.CloseKeytab(_context, _keytab);
            _keytab = 0;
            _context.Dispose();
        }
    }

    private static int CopyEntries(Krb5Context context, string keytab, nint source, nint copy)
    {
        Check(context, keytab, Krb5Api.StartReading(context, source, out var cursor));
        var keys = 0;
        try
        {
            int code;
            while ((code = Krb5Api.NextEntry(context, source, out var entry, ref cursor)) == 0)
            {
                try
                {
                    Check(context, keytab, Krb5Api.AddEntry(context, copy, ref entry));
                    keys++;
                }
                finally
                {
                    _ = Krb5Api.FreeEntryContents(context, ref entry);
                }
            }

            if (code != Krb5Api.EndOfKeytab)
            {
                Check(context, keytab, code);
            }
        }
        finally
        {
            _ = Krb5Api.EndReading(context, source, ref cursor);
        }

        return keys;
    }

    private static void Check(Krb5Context context, string keytab, int code)
    {
        if (code == 0)
        {
            return;
        }

        var message = Krb5Api.GetErrorMessage(context, code);
        var text = Marshal.PtrToStringUTF8(message) ?? $"error {code}";
        Krb5Api.FreeErrorMessage(context, message);
        throw new InvalidOperationException($"keytab {keytab}: {text}");
    }
}

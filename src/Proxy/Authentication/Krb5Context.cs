using Microsoft.Win32.SafeHandles;

namespace Endpoints.Proxy.Authentication;

/// <summary>A <c>krb5_context</c> of MIT Kerberos; freed when the last user lets go.</summary>
internal sealed class Krb5Context : SafeHandleZeroOrMinusOneIsInvalid
{
    public Krb5Context()
        : base(ownsHandle: true)
    {
    }

    /// <summary>A new context, its settings read from krb5.conf (<c>KRB5_CONFIG</c>); throws when MIT cannot make one.</summary>
    public static Krb5Context Create()
    {
        var code = Krb5Api.InitContext(out var context);
        if (code != 0)
        {
            context.Dispose();
            throw new InvalidOperationException($"no Kerberos context (error {code})");
        }

        return context;
    }

    protected override bool ReleaseHandle()
    {
        Krb5Api.FreeContext(handle);
        return true;
    }
}

using Microsoft.Win32.SafeHandles;

namespace Endpoints.Proxy.Authentication;

/// <summary>An acceptor credential GSSAPI acquired; released when the last user lets go.</summary>
internal sealed class GssCredential : SafeHandleZeroOrMinusOneIsInvalid
{
    public GssCredential(nint credential)
        : base(ownsHandle: true) => SetHandle(credential);

    protected override bool ReleaseHandle()
    {
        var credential = handle;
        return !GssApi.IsError(GssApi.ReleaseCredential(out _, ref credential));
    }
}

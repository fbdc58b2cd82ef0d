using System.Runtime.InteropServices;

namespace Endpoints.Proxy.Authentication;

/// <summary>
/// The few GSSAPI (RFC 2744) calls <see cref="GssAcceptor"/> needs, from MIT Kerberos' libgssapi_krb5 (Debian's
/// libgssapi-krb5-2, which .NET's own Negotiate support loads too).
/// </summary>
internal static partial class GssApi
{
    public const uint Complete = 0;
    public const uint ContinueNeeded = 1;
    public const uint Indefinite = 0xFFFFFFFF;
    public const int Accept = 2;
    public const int GssCode = 1;
    public const int MechanismCode = 2;

    private const string Library = "libgssapi_krb5.so.2";

    [StructLayout(LayoutKind.Sequential)]
    public struct Buffer
    {
        public nuint Length;
        public nint Value;
    }

    /// <summary>Major status codes with a calling or routine error (the top 16 bits) are failures.</summary>
    public static bool IsError(uint major) => (major & 0xFFFF0000) != 0;

    [LibraryImport(Library, EntryPoint = "gss_acquire_cred")]
    public static partial uint AcquireCredential(
        out uint minor, nint desiredName, uint timeRequested, nint desiredMechanisms, int usage, out nint credential, nint actualMechanisms, nint timeReceived);

    [LibraryImport(Library, EntryPoint = "gss_release_cred")]
    public static partial uint ReleaseCredential(out uint minor, ref nint credential);

    [LibraryImport(Library, EntryPoint = "gss_accept_sec_context")]
    public static partial uint AcceptSecurityContext(
        out uint minor, ref nint context, nint credential, ref Buffer input, nint channelBindings, out nint sourceName, nint mechanism,
        ref Buffer output, nint flags, nint timeReceived, nint delegatedCredential);

    [LibraryImport(Library, EntryPoint = "gss_delete_sec_context")]
    public static partial uint DeleteSecurityContext(out uint minor, ref nint context, nint output);

    [LibraryImport(Library, EntryPoint = "gss_display_name")]
    public static partial uint DisplayName(out uint minor, nint name, ref Buffer output, nint nameType);

    [LibraryImport(Library, EntryPoint = "gss_release_name")]
    public static partial uint ReleaseName(out uint minor, ref nint name);

    [LibraryImport(Library, EntryPoint = "gss_release_buffer")]
    public static partial uint ReleaseBuffer(out uint minor, ref Buffer buffer);

    [LibraryImport(Library, EntryPoint = "gss_display_status")]
    public static partial uint DisplayStatus(out uint minor, uint status, int statusType, nint mechanism, ref uint messageContext, ref Buffer message);
}

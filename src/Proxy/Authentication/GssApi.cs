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

    /// <summary>The name type of a Kerberos principal (<c>HTTP/proxy.corp.example[@REALM]</c>), RFC 1964 2.1.1.</summary>
    public static nint PrincipalName => NameType("GSS_KRB5_NT_PRINCIPAL_NAME");

    /// <summary>The name type of a host-based service (<c>HTTP</c>, or <c>HTTP@host</c>), RFC 2743 4.1.</summary>
    public static nint HostBasedService => NameType("GSS_C_NT_HOSTBASED_SERVICE");

    /// <summary>Major status codes with a calling or routine error (the top 16 bits) are failures.</summary>
    public static bool IsError(uint major) => (major & 0xFFFF0000) != 0;

    /// <summary>gss_key_value_element_desc: one setting of a credential store, both UTF-8 C strings.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct StoreElement
    {
        public nint Key;
        public nint Value;
    }

    /// <summary>gss_key_value_set_desc.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Store
    {
        public uint Count;
        public nint Elements;
    }

    /// <summary>gss_acquire_cred_from (MIT 1.11 and later): the keytab named in the store, not KRB5_KTNAME's.</summary>
    [LibraryImport(Library, EntryPoint = "gss_acquire_cred_from")]
    public static partial uint AcquireCredentialFrom(
        out uint minor, nint desiredName, uint timeRequested, nint desiredMechanisms, int usage, ref Store store, out nint credential, nint actualMechanisms,
        nint timeReceived);

    [LibraryImport(Library, EntryPoint = "gss_import_name")]
    public static partial uint ImportName(out uint minor, ref Buffer name, nint nameType, out nint output);

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

    /// <summary>The library exports each name type as a variable holding a pointer to its OID.</summary>
    private static nint NameType(string symbol) =>
        Marshal.ReadIntPtr(NativeLibrary.GetExport(NativeLibrary.Load(Library, typeof(GssApi).Assembly, null), symbol));
}

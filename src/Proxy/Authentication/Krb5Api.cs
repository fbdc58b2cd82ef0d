using System.Runtime.InteropServices;

namespace Endpoints.Proxy.Authentication;

/// <summary>The keytab calls of MIT Kerberos' libkrb5 (Debian's libkrb5-3, which libgssapi_krb5 itself loads) that <see cref="MemoryKeytab"/> and <see cref="Krb5Context"/> need.</summary>
internal static partial class Krb5Api
{
    /// <summary>KRB5_KT_END: the keytab has no more entries.</summary>
    public const int EndOfKeytab = -1765328202;

    private const string Library = "libkrb5.so.3";

    /// <summary>krb5_keytab_entry, krb5.h: only passed from one call to the next, never read here.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct KeytabEntry
    {
        public int Magic;
        public nint Principal;
        public int Timestamp;
        public uint Version;
        public int KeyMagic;
        public int EncryptionType;
        public uint KeyLength;
        public nint KeyContents;
    }

    [LibraryImport(Library, EntryPoint = "krb5_init_context")]
    public static partial int InitContext(out Krb5Context context);

    [LibraryImport(Library, EntryPoint = "krb5_free_context")]
    public static partial void FreeContext(nint context);

    [LibraryImport(Library, EntryPoint = "krb5_kt_resolve", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ResolveKeytab(Krb5Context context, string name, out nint keytab);

    [LibraryImport(Library, EntryPoint = "krb5_kt_close")]
    public static partial int CloseKeytab(Krb5Context context, nint keytab);

    [LibraryImport(Library, EntryPoint = "krb5_kt_start_seq_get")]
    public static partial int StartReading(Krb5Context context, nint keytab, out nint cursor);

    [LibraryImport(Library, EntryPoint = "krb5_kt_next_entry")]
    public static partial int NextEntry(Krb5Context context, nint keytab, out KeytabEntry entry, ref nint cursor);

    [LibraryImport(Library, EntryPoint = "krb5_kt_end_seq_get")]
    public static partial int EndReading(Krb5Context context, nint keytab, ref nint cursor);

    [LibraryImport(Library, EntryPoint = "krb5_kt_add_entry")]
    public static partial int AddEntry(Krb5Context context, nint keytab, ref KeytabEntry entry);

    [LibraryImport(Library, EntryPoint = "krb5_free_keytab_entry_contents")]
    public static partial int FreeEntryContents(Krb5Context context, ref KeytabEntry entry);

    [LibraryImport(Library, EntryPoint = "krb5_get_error_message")]
    public static partial nint GetErrorMessage(Krb5Context context, int code);

    [LibraryImport(Library, EntryPoint = "krb5_free_error_message")]
    public static partial void FreeErrorMessage(Krb5Context context, nint message);
}

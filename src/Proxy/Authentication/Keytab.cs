using System.Runtime.InteropServices;

namespace Endpoints.Proxy.Authentication;

/// <summary>
/// Points GSSAPI at the proxy's keytab. GSSAPI reads <c>KRB5_KTNAME</c> from the C environment, which
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not change on Unix, so it is set with
/// setenv(3), once, before the first Kerberos call.
/// </summary>
internal static partial class Keytab
{
    public const string Variable = "KRB5_KTNAME";

    /// <summary>The keytab in use: <paramref name="configured"/> (--keytab), else the environment's, else none.</summary>
    public static string? Resolve(string? configured) => configured ?? Environment.GetEnvironmentVariable(Variable);

    /// <summary>What is wrong with the keytab file, or null (a <c>FILE:</c> prefix is allowed, as in KRB5_KTNAME).</summary>
    public static string? Problem(string keytab)
    {
        var path = keytab.StartsWith("FILE:", StringComparison.Ordinal) ? keytab[5..] : keytab;
        try
        {
            using var file = File.OpenRead(path);
            return file.Length == 0 ? $"keytab {path} is empty" : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"keytab {path}: {ex.Message}";
        }
    }

    /// <summary>SERVICE/HOST or SERVICE/HOST@REALM, each part letters, digits, dots, hyphens and underscores.</summary>
    public static bool IsServicePrincipal(string spn) => ServicePrincipal().IsMatch(spn);

    public static void Use(string keytab)
    {
        Environment.SetEnvironmentVariable(Variable, keytab);
        if (!OperatingSystem.IsWindows() && SetEnvironment(Variable, keytab, 1) != 0)
        {
            throw new InvalidOperationException($"setenv {Variable} failed: {Marshal.GetLastPInvokeError()}");
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\A[A-Za-z0-9._-]+/[A-Za-z0-9._-]+(@[A-Za-z0-9._-]+)?\z")]
    private static partial System.Text.RegularExpressions.Regex ServicePrincipal();

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}

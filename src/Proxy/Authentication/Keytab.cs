namespace Endpoints.Proxy.Authentication;

/// <summary>The proxy's keytab: <c>--keytab</c>, else <c>KRB5_KTNAME</c> as Kerberos' own tools take it.</summary>
internal static partial class Keytab
{
    public const string Variable = "KRB5_KTNAME";

    /// <summary>The keytab in use: <paramref name="configured"/> (--keytab), else the environment's, else none.</summary>
    public static string? Resolve(string? configured) => configured ?? Environment.GetEnvironmentVariable(Variable);

    /// <summary>What is wrong with the keytab file, or null (a <c>FILE:</c> prefix is allowed, as in KRB5_KTNAME).</summary>
    public static string? Problem(string keytab)
    {
        var path = FilePath(keytab);
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

    /// <summary>The file of a keytab name: FILE:path or a bare path.</summary>
    public static string FilePath(string keytab) => keytab.StartsWith("FILE:", StringComparison.Ordinal) ? keytab[5..] : keytab;

    [System.Text.RegularExpressions.GeneratedRegex(@"\A[A-Za-z0-9._-]+/[A-Za-z0-9._-]+(@[A-Za-z0-9._-]+)?\z")]
    private static partial System.Text.RegularExpressions.Regex ServicePrincipal();
}

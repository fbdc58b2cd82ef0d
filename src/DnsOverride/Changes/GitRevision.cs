using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;

namespace Endpoints.DnsOverride.Changes;

/// <summary>
/// A folder of the work tree as it was at a git revision, exported with the <c>git</c> command line into a scratch
/// folder (<c>git archive</c>, read by the BCL's tar reader): no checkout, so the work tree and index are untouched.
/// </summary>
internal static class GitRevision
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Exports <paramref name="directory"/> at <paramref name="revision"/> under <paramref name="scratch"/>; the folder
    /// is empty when the revision did not have it. An error is one line for the user.
    /// </summary>
    public static (string? Path, string? Commit, string? Error) Export(string directory, string revision, string scratch)
    {
        if (!Directory.Exists(directory))
        {
            return (null, null, $"{directory}: not a directory");
        }

        var (prefixExit, prefix, prefixError) = Git(directory, null, "rev-parse", "--show-prefix");
        if (prefixExit != 0)
        {
            return (null, null, prefixExit == -1 ? prefixError : $"{directory} is not in a git work tree");
        }

        var top = Git(directory, null, "rev-parse", "--show-toplevel").Output.Trim();

        var (commitExit, commit, _) = Git(directory, null, "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}");
        if (commitExit != 0)
        {
            return (null, null, commitExit == -1 ? "git did not answer" : $"unknown git revision '{revision}'");
        }

        commit = commit.Trim();
        prefix = prefix.Trim().TrimEnd('/');
        var target = Path.Combine(scratch, prefix);
        Directory.CreateDirectory(target);
        if (prefix.Length > 0 && Git(directory, null, "cat-file", "-e", $"{commit}:{prefix}").Exit != 0)
        {
            return (target, commit, null);
        }

        // REV:PATH names the folder from the top of the work tree (hence --show-prefix); its archive holds just its files.
        var (archiveExit, _, archiveError) = Git(top, target, "archive", "--format=tar", prefix.Length > 0 ? $"{commit}:{prefix}" : commit);
        return archiveExit == 0 ? (target, commit, null) : (null, null, $"git archive failed: {archiveError.Trim()}");
    }

    /// <summary>Runs git in <paramref name="directory"/>; with <paramref name="extractTo"/> its output is a tar stream unpacked there. Exit -1: git is missing or hung.</summary>
    private static (int Exit, string Output, string Error) Git(string directory, string? extractTo, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(directory);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception)
        {
            return (-1, string.Empty, "git is not installed (or not on PATH)");
        }

        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            string output;
            if (extractTo is null)
            {
                output = process.StandardOutput.ReadToEnd();
            }
            else
            {
                output = string.Empty;
                try
                {
                    TarFile.ExtractToDirectory(process.StandardOutput.BaseStream, extractTo, overwriteFiles: true);
                }
                catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException)
                {
                    // git failed before writing a whole archive; its exit code and message say why.
                    process.StandardOutput.BaseStream.CopyTo(Stream.Null);
                }
            }

            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, output, "git did not finish within 60 s");
            }

            return (process.ExitCode, output, error.GetAwaiter().GetResult());
        }
    }
}

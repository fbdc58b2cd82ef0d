namespace Endpoints.Proxy.Doctor;

/// <summary>One step of <c>doctor</c>: what was asked, what came back, and on a failure the likely cause and its fix.</summary>
internal sealed record DoctorStep(int Number, string Name, DoctorVerdict Verdict, string Detail, string? Fix = null)
{
    public override string ToString() =>
        $"{Number} {Name,-9} {Verdict.ToString().ToLowerInvariant(),-7} {Detail}{(Fix is null ? string.Empty : $"\n  fix: {Fix}")}";
}

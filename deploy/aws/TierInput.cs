namespace Endpoints.Aws;

/// <summary>An Auto Scaling group's size and instance type.</summary>
internal sealed record TierInput(string InstanceType, int Min, int Max)
{
    /// <summary>Graviton families (t4g, m7g, c6gn, a1...) run the arm64 artifact; every other family the x64 one.</summary>
    public string Architecture =>
        System.Text.RegularExpressions.Regex.IsMatch(InstanceType, @"^(a1|[a-z]+\d+g[a-z]*)\.") ? "arm64" : "x64";
}

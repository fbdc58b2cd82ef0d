namespace Endpoints.Fuzz;

/// <summary>A parser answered, but its answer breaks a property its harness checks.</summary>
internal sealed class PropertyViolation(string message) : Exception(message)
{
    public static void Unless(bool condition, string message)
    {
        if (!condition)
        {
            throw new PropertyViolation(message);
        }
    }
}

namespace Endpoints.Proxy.Doctor;

/// <summary>How one step of the path went: a warning is worth reading, a failure is where the path breaks.</summary>
internal enum DoctorVerdict
{
    Ok,
    Warn,
    Fail,

    /// <summary>Not run: an earlier step failed, so there is nothing to ask.</summary>
    Skipped,
}

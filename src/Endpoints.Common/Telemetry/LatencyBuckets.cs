namespace Endpoints.Common.Telemetry;

/// <summary>Histogram bucket bounds for durations in seconds, 50 us to 5 s: a cached answer and a dead upstream both land in a bucket of their own.</summary>
public static class LatencyBuckets
{
    public static double[] Seconds => [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
}

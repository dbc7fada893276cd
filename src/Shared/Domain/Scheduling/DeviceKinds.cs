namespace ScaleLab.Scheduling;

/// <summary>The kinds of device a worker slot announces.</summary>
public static class DeviceKinds
{
    public const string Cpu = "cpu";
    public const string Cuda = "cuda";
}

namespace ScaleLab.Workers;

/// <summary>
/// "{silo address}/{device}{index}", e.g. "127.0.0.1:11112@123456789/cpu0", and ".{share}" after it for the second
/// and later slots of one GPU ("…/cuda0.3"): names a device slot and the silo that owns it.
/// A restarted worker silo has a new generation, hence new slot ids, so a dead silo's slots never come back to life.
/// </summary>
public static class WorkerSlotId
{
    public static string Create(SiloAddress silo, string deviceKind, int deviceIndex, int share = 0) =>
        $"{silo.ToParsableString()}/{deviceKind}{deviceIndex}" + (share > 0 ? $".{share}" : "");

    public static bool TryGetSilo(string slotId, out SiloAddress? silo)
    {
        silo = null;
        var slash = slotId.LastIndexOf('/');
        if (slash <= 0) return false;
        try
        {
            silo = SiloAddress.FromParsableString(slotId[..slash]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

// date: the wall clock as ISO 8601 in UTC (2026-01-31T12:00:00Z), from the library's WallClock.
using Vireo.Time;

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        Status s = WallClock.Now(out long seconds, out _);
        if (s != Status.Ok)
        {
            Console.WriteLine("date: no wall clock");
            return 1;
        }
        byte* line = stackalloc byte[CivilTime.IsoLength + 1];
        CivilTime.FormatIso8601(CivilTime.FromUnixSeconds(seconds), line);
        line[CivilTime.IsoLength] = (byte)'\n';
        Out.Write(line, CivilTime.IsoLength + 1);
        return Out.Flush() == Status.Ok ? 0 : 1;
    }
}

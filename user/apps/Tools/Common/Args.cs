// The program's arguments (argv[0] is its path) and the path calls tools make with them: the
// arguments live in the start block the process manager wrote, so they can be pinned in place and
// handed to Fs as they are.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Commands;

public static unsafe class Args
{
    public static int Count => Startup.ArgumentCount;
    public static ReadOnlySpan<byte> Get(int i) => Startup.Argument(i);

    public static Status Open(ReadOnlySpan<byte> path, OpenFlags flags, out Fd fd)
    {
        fixed (byte* p = path) return Fs.Open(p, path.Length, flags, out fd);
    }

    /// <summary>Copies everything `from` holds to `to` until its end; the first failure stops it
    /// (`readFailed` says on which side).</summary>
    public static Status Copy(Fd from, Fd to, out bool readFailed)
    {
        byte* buffer = stackalloc byte[SchemeLimits.MaxData];
        readFailed = false;
        while (true)
        {
            Status s = Fs.Read(from, buffer, SchemeLimits.MaxData, out int n);
            readFailed = s != Status.Ok;
            if (s != Status.Ok || n == 0) return s;
            s = Fs.Write(to, buffer, n, out _);
            if (s != Status.Ok) return s;
        }
    }
}

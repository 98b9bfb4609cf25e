// Whole files over Fs: open by a path held in bytes (an argument, a word of an rc file), read all of
// a file into a buffer, write all of one, copy one descriptor to another. Fs is one request at a
// time; these are the loops every program wrote around it.
using System;
using Vireo.Abi;
using Vireo.User.Schemes;

namespace Vireo.User;

public static unsafe class File
{
    public static Status Open(ReadOnlySpan<byte> path, OpenFlags flags, out Fd fd)
    {
        fixed (byte* p = path) return Fs.Open(p, path.Length, flags, out fd);
    }

    /// <summary>Reads `fd` from its position to its end into `into`. NoSpace when more is left than
    /// fits (`length` is then the buffer's size, filled).</summary>
    public static Status ReadAll(Fd fd, Span<byte> into, out int length)
    {
        length = 0;
        fixed (byte* p = into)
        {
            while (length < into.Length)
            {
                Status s = Fs.Read(fd, p + length, into.Length - length, out int n);
                if (s != Status.Ok) return s;
                if (n == 0) return Status.Ok;
                length += n;
            }
        }
        byte probe;
        Status last = Fs.Read(fd, &probe, 1, out int more);
        return last != Status.Ok ? last : more == 0 ? Status.Ok : Status.NoSpace;
    }

    /// <summary>The whole file at `path` into `into` (ReadAll).</summary>
    public static Status ReadAll(ReadOnlySpan<byte> path, Span<byte> into, out int length)
    {
        length = 0;
        Status s = Open(path, OpenFlags.Read, out Fd fd);
        if (s != Status.Ok) return s;
        s = ReadAll(fd, into, out length);
        // Read only: the bytes are read whatever the close says.
        _ = Fs.Close(fd);
        return s;
    }

    /// <summary>Makes the file at `path` hold exactly `data` (created if missing, else truncated), or
    /// adds `data` at its end with `append`.</summary>
    public static Status WriteAll(ReadOnlySpan<byte> path, ReadOnlySpan<byte> data, bool append = false)
    {
        var flags = OpenFlags.Write | OpenFlags.Create | (append ? OpenFlags.Append : OpenFlags.Truncate);
        Status s = Open(path, flags, out Fd fd);
        if (s != Status.Ok) return s;
        fixed (byte* d = data) s = Fs.Write(fd, d, data.Length, out _);
        Status closed = Fs.Close(fd);
        return s != Status.Ok ? s : closed;
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

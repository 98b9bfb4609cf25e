// What every ipcd scheme shares: the one SchemeServer of this process, its open files (the
// library's FileTable: Dup, Close and Fstat, the check that a file is open, the answer to what a
// scheme does not do) and small helpers for names in paths. A file's state is its tag (what the
// scheme says the file is: a pipe end, a listener, a channel end, a memory object) and which of the
// scheme's objects it names; IpcScheme sends each hook to the scheme this process serves.
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

struct IpcFile
{
    public byte Tag;
    public int Object;

    public IpcFile(byte tag, int obj)
    {
        Tag = tag;
        Object = obj;
    }
}

static unsafe class Daemon
{
    public const int Pipe = 1, Chan = 2, Shm = 3;

    /// <summary>The scheme this process serves (Pipe, Chan or Shm).</summary>
    public static int Scheme;
    public static SchemeServer Server;
    public static FileTable<IpcFile, IpcScheme> Files;
    /// <summary>Watches on this process's files (SchemeOp.Watch; pipe: and chan:).</summary>
    public static WatchTable Watches;

    /// <summary>Longest NAME in chan:NAME and shm:NAME (names are kept in fixed tables).</summary>
    public const int MaxName = 63;
    public const int NameBytes = MaxName + 1;   // a table entry: length byte, then the name

    /// <summary>A new file for (tag, object), its capability minted; 0 when none can be made.</summary>
    public static uint NewFile(byte tag, int obj, out CapHandle file) => Files.NewFile(ref Server, new IpcFile(tag, obj), out file);

    /// <summary>NewFile for a request that opens one file: when none can be made, answers NoSpace
    /// and returns 0 (the scheme then undoes what it prepared).</summary>
    public static uint OpenFile(byte tag, int obj, out CapHandle file)
    {
        uint id = NewFile(tag, obj, out file);
        if (id == 0) Server.Answer(Status.NoSpace);
        return id;
    }

    /// <summary>Closes file `id` (the scheme's Closed drops its counts).</summary>
    public static void Close(uint id) => Files.Close(ref Server, id);

    /// <summary>Answers the current request with file `id` (w0 = its kind); a file that could not
    /// land (the caller named no slot, or died) is closed again.</summary>
    public static void SendFile(uint id, CapHandle file, FileKind kind)
    {
        if (Server.AnswerWithCaps(Status.Ok, (ulong)kind, &file, 1) != Status.Ok) Close(id);
    }

    /// <summary>Answers a Watch on file `id`, which is `now` ready.</summary>
    public static void Watch(ref Request r, uint id, Readiness now) => Watches.Handle(ref Server, ref r, id, now);

    /// <summary>Checks a NAME from a path (1..MaxName bytes, no NUL); if it is bad, answers so and
    /// returns false.</summary>
    public static bool CheckName(byte* name, int length)
    {
        Status s = Status.Ok;
        if (length <= 0) s = Status.InvalidArgument;
        else if (length > MaxName) s = Status.NameTooLong;
        else if (Ascii.IndexOf(new ReadOnlySpan<byte>(name, length), 0) >= 0) s = Status.InvalidArgument;
        if (s != Status.Ok) Server.Answer(s);
        return s == Status.Ok;
    }

    /// <summary>The entry of a name table (`entries` of NameBytes: length byte, then the bytes)
    /// that holds `name`, or -1. Free entries have length 0 and match no name.</summary>
    public static int FindName(byte* table, int entries, byte* name, int length)
    {
        var wanted = new ReadOnlySpan<byte>(name, length);
        for (int e = 0; e < entries; e++)
        {
            byte* entry = table + e * NameBytes;
            if (Ascii.Equals(new ReadOnlySpan<byte>(entry + 1, entry[0]), wanted)) return e;
        }
        return -1;
    }

    public static void SetName(byte* entry, byte* name, int length)
    {
        entry[0] = (byte)length;
        Copy(entry + 1, name, length);
    }

    public static void Copy(byte* dst, byte* src, int n)
    {
        if (n > 0) Buffer.MemoryCopy(src, dst, n, n);
    }
}

/// <summary>The library's hooks, sent to the scheme this process serves. Every file's watch goes
/// when the file does.</summary>
struct IpcScheme : IScheme<IpcFile>
{
    public void OnPath(ref Request r)
    {
        if (Daemon.Scheme == Daemon.Pipe) Pipes.OnPath(ref r);
        else if (Daemon.Scheme == Daemon.Chan) Channels.OnPath(ref r);
        else SharedMemory.OnPath(ref r);
    }

    public void OnFile(ref Request r, uint id, ref IpcFile f)
    {
        if (Daemon.Scheme == Daemon.Pipe) Pipes.OnFile(ref r, id, f.Tag, f.Object);
        else if (Daemon.Scheme == Daemon.Chan) Channels.OnFile(ref r, id, f.Tag, f.Object);
        else SharedMemory.OnFile(ref r, f.Tag, f.Object);
    }

    public void Opened(uint id, ref IpcFile f)
    {
        if (Daemon.Scheme == Daemon.Pipe) Pipes.Opened(f.Tag, f.Object);
        else if (Daemon.Scheme == Daemon.Chan) Channels.Opened(f.Tag, f.Object);
        else SharedMemory.Opened(f.Object);
    }

    public void Closed(uint id, ref IpcFile f)
    {
        Daemon.Watches.Forget(id);
        if (Daemon.Scheme == Daemon.Pipe) Pipes.Closed(id, f.Tag, f.Object);
        else if (Daemon.Scheme == Daemon.Chan) Channels.Closed(f.Tag, f.Object);
        else SharedMemory.Closed(f.Object);
    }

    // Pipes, channels and shared memory: 0600 (FileStats.DefaultPermissions), owned by the creator.
    public void Stat(ref IpcFile f, out FileStat st)
    {
        ulong size;
        FileKind kind;
        if (Daemon.Scheme == Daemon.Pipe) kind = Pipes.Stat(f.Object, out size);
        else if (Daemon.Scheme == Daemon.Chan) kind = Channels.Stat(f.Tag, f.Object, out size);
        else kind = SharedMemory.Stat(f.Object, out size);
        st = FileStats.Of(kind, size, FileStats.DefaultPermissions(kind));
    }
}

// What every ipcd scheme shares: the one SchemeServer of this process and small helpers for the
// requests all schemes answer alike (handing out a file capability, names in paths).
using System;
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class Daemon
{
    public static SchemeServer Server;
    /// <summary>Watches on this process's files (SchemeOp.Watch; pipe: and chan:).</summary>
    public static WatchTable Watches;

    /// <summary>Longest NAME in chan:NAME and shm:NAME (names are kept in fixed tables).</summary>
    public const int MaxName = 63;
    public const int NameBytes = MaxName + 1;   // a table entry: length byte, then the name

    // Open files, by file id: what the scheme says the file is (its tag, 0 = no file) and which of
    // its objects (a pipe, a listener, a queue, a memory object). One table: a process serves one scheme.
    private struct Files
    {
        public fixed byte Tag[SchemeServer.MaxFiles];
        public fixed int Object[SchemeServer.MaxFiles];
    }
    private static Files s_files;

    /// <summary>The tag of file `id` (0: not an open file).</summary>
    public static byte Tag(ulong id) => id < SchemeServer.MaxFiles ? s_files.Tag[id] : (byte)0;
    public static int Object(ulong id) => s_files.Object[id];

    /// <summary>Mints a file capability under a free id for (tag, object); 0 when the file table or
    /// the CNode is full.</summary>
    public static uint NewFile(byte tag, int obj, out CapHandle file)
    {
        file = default;
        uint id = Server.FreeFileId();
        if (id == 0 || Server.MintFile(id, out file) != Status.Ok) return 0;
        s_files.Tag[id] = tag;
        s_files.Object[id] = obj;
        return id;
    }

    /// <summary>Revokes file `id` and forgets it (and its watch).</summary>
    public static void Forget(uint id)
    {
        Watches.Forget(id);
        Server.CloseFile(id);
        s_files.Tag[id] = 0;
    }

    /// <summary>Answers the current request with one file (w0 = its kind). False if it could not
    /// land (the caller named no slot, or died): the scheme then closes the file again.</summary>
    public static bool SendFile(CapHandle file, FileKind kind) =>
        Server.AnswerWithCaps(Status.Ok, (ulong)kind, &file, 1) == Status.Ok;

    /// <summary>Answers a Dup of file `id` with a new file for the same thing. True when the caller
    /// has it (the scheme then counts one more reference); otherwise it is answered and forgotten.</summary>
    public static bool Dup(uint id, FileKind kind)
    {
        uint copy = NewFile(s_files.Tag[id], s_files.Object[id], out CapHandle file);
        if (copy == 0)
        {
            Server.Answer(Status.NoSpace);
            return false;
        }
        if (SendFile(file, kind)) return true;
        Forget(copy);
        return false;
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
        for (int i = 0; i < length && s == Status.Ok; i++) if (name[i] == 0) s = Status.InvalidArgument;
        if (s != Status.Ok) Server.Answer(s);
        return s == Status.Ok;
    }

    /// <summary>The entry of a name table (`entries` of NameBytes: length byte, then the bytes)
    /// that holds `name`, or -1. Free entries have length 0 and match no name.</summary>
    public static int FindName(byte* table, int entries, byte* name, int length)
    {
        for (int e = 0; e < entries; e++)
        {
            byte* entry = table + e * NameBytes;
            bool same = entry[0] == length;
            for (int i = 0; i < length && same; i++) same = entry[1 + i] == name[i];
            if (same) return e;
        }
        return -1;
    }

    public static void SetName(byte* entry, byte* name, int length)
    {
        entry[0] = (byte)length;
        for (int i = 0; i < length; i++) entry[1 + i] = name[i];
    }

    public static void Copy(byte* dst, byte* src, int n)
    {
        if (n > 0) Buffer.MemoryCopy(src, dst, n, n);
    }
}

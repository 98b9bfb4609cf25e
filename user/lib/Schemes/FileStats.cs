// Stat answers, written once for every daemon: a FileStat for a file that has only a kind, a size and
// the permissions its daemon gives it (the synthetic schemes: initfs:, sys:, tty:, null:, pipe:...),
// the answer that carries it (the old words, size and kind, then the FileStat as data: callers that
// want only those two keep working), and the client's reading of an answer (a daemon that still
// answers only the words gets a FileStat made from them). docs/design/schemes.md, "File metadata".
using Vireo.Abi;

namespace Vireo.User.Schemes;

public static unsafe class FileStats
{
    // The time every field of Of's answers shows: when the system started, on the wall clock (such
    // daemons keep no times of their own; a file that is made at boot, as Linux's /proc and /sys
    // show theirs). The epoch until the daemon sets it (SetTime, UseBootTime).
    private static FileTime s_time;

    /// <summary>Sets the time Of gives every file (the process manager, which serves the wall clock
    /// itself, passes its own reading; other daemons call UseBootTime).</summary>
    public static void SetTime(FileTime time) => s_time = time;

    /// <summary>Reads the wall clock (sys:/clock) once and sets Of's time to when the system started.
    /// Without a wall clock the times stay the epoch. Call before serving: it is a request to sys:.</summary>
    public static void UseBootTime()
    {
        if (WallClock.Now(out long seconds, out uint nanoseconds) != Status.Ok) return;
        long now = seconds * 1_000_000_000L + nanoseconds;
        SetTime(FileTime.FromNanoseconds(now - (long)Sys.TimeNanos()));
    }

    /// <summary>A file with no metadata of its own: owned by 0:0, one link (a directory two), every
    /// time the system's start (SetTime; the epoch if the daemon set none), blocks counted from the size.</summary>
    public static FileStat Of(FileKind kind, ulong size, uint permissions, ulong inode = 0)
    {
        FileStat st = default;
        st.Access = st.Modify = st.Change = s_time;
        st.Kind = (uint)kind;
        st.Mode = FileModes.TypeOf(kind) | (permissions & FileModes.PermissionMask);
        st.Links = kind == FileKind.Directory ? 2u : 1u;
        st.Inode = inode;
        st.Size = size;
        st.Blocks = kind == FileKind.File ? (size + 511) / 512 : 0;
        st.BlockSize = 4096;
        return st;
    }

    /// <summary>A generated text file (sys:, pci:): kind Device as before (its size is known only once
    /// open), but a regular file's mode, as Linux shows /proc's: 0444, or 0644 if it takes writes.</summary>
    public static FileStat Text(ulong size, bool writable = false)
    {
        FileStat st = Of(FileKind.Device, size, writable ? 0x1A4u : 0x124u);
        st.Mode = FileModes.Regular | (st.Mode & FileModes.PermissionMask);
        return st;
    }

    /// <summary>The permissions a synthetic file gets by kind when its daemon says nothing finer:
    /// directories 0555, devices 0666, pipes/channels/memory 0600, files 0444.</summary>
    public static uint DefaultPermissions(FileKind kind) => kind switch
    {
        FileKind.Directory => 0x16D,                               // 0555
        FileKind.Device => 0x1B6,                                  // 0666
        FileKind.Pipe or FileKind.Channel or FileKind.Memory => 0x180,  // 0600
        FileKind.Symlink => 0x1FF,                                 // 0777
        _ => 0x124,                                                // 0444
    };

    /// <summary>Stat's w1 or Fstat's w0: the caller wants only the words (size and kind), as
    /// Fs.Stat(path, out size, out kind) and Fs.Fstat(fd, out size, out kind) do. A daemon may then
    /// leave out the FileStat (FileTable's Fstat and ramfs's Stat do: 112 bytes fewer built, copied
    /// and carried); one that sends it anyway is right too, the caller reads only the words.</summary>
    public const ulong WordsOnly = 1;

    /// <summary>Stages Stat's or Fstat's answer: Ok, w0 = size, w1 = kind, data = `st`.</summary>
    public static void Answer(ref SchemeServer server, in FileStat st)
    {
        *(FileStat*)SchemeCall.Data = st;
        server.Answer(Status.Ok, st.Size, st.Kind, dataLength: sizeof(FileStat));
    }

    /// <summary>Where a daemon may write Stat's FileStat itself (the request's data area), to answer
    /// with AnswerWritten: no FileStat built elsewhere and copied.</summary>
    public static FileStat* Staged => (FileStat*)SchemeCall.Data;

    /// <summary>Stages Stat's or Fstat's answer for the FileStat written at Staged.</summary>
    public static void AnswerWritten(ref SchemeServer server)
    {
        FileStat* st = Staged;
        server.Answer(Status.Ok, st->Size, st->Kind, dataLength: sizeof(FileStat));
    }

    /// <summary>Answers Stat for a file that has only a kind and a size (DefaultPermissions).</summary>
    public static void Answer(ref SchemeServer server, FileKind kind, ulong size) =>
        Answer(ref server, Of(kind, size, DefaultPermissions(kind)));

    /// <summary>The client's reading of an Ok answer: the FileStat that came as data, or one made from
    /// the words when the daemon sent none.</summary>
    public static Status Read(in SchemeReply r, out FileStat st)
    {
        if (r.DataLength >= sizeof(FileStat))
        {
            st = *(FileStat*)SchemeCall.Data;
            return Status.Ok;
        }
        if (r.DataLength != 0)
        {
            st = default;
            return Status.BadReply;
        }
        FileKind kind = (FileKind)r.W1;
        st = Of(kind, r.W0, DefaultPermissions(kind));
        return Status.Ok;
    }
}

// Programs outside the initfs, as their callers send them (SchemeOp.SpawnImage; the client's side is
// user/lib/Process/ProgramImages.cs; docs/adr/0013-programs-from-files.md): per caller, the open file
// (the caller opened it: its authority decided), its size and path, and a frame per file page, kept
// until the Spawn of that path takes them or the caller sends another, drops it or dies. The
// process manager never asks the file's daemon for anything: it maps what it was given.
// Bounds: MaxImages callers at once and MaxPages frames in all (a new program pushes the oldest out
// when either is full), so that callers cannot use up the manager's capability slots. Everything is
// allocated by Init: serving a program allocates nothing (a leak check must not see the manager grow).
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class StagedImages
{
    private const int MaxImages = 8;
    private const int MaxPages = 2 * (int)ProgramImages.MaxPages;

    private sealed class Image
    {
        public ulong Caller;       // 0: unused
        public ulong Size;
        public CapHandle File;
        public int First, Pages;   // its frames: s_frames[First, First + Pages)
        public int Got;            // frames received
        public byte[] Path = new byte[SchemeLimits.MaxData];
        public int PathLength;
        public ulong Age;
    }

    private static Image[] s_images;
    private static CapHandle[] s_frames;   // never moves (the collector does not move objects)
    private static ulong s_clock;

    public static void Init()
    {
        s_images = new Image[MaxImages];
        for (int i = 0; i < MaxImages; i++) s_images[i] = new Image();
        s_frames = new CapHandle[MaxPages];
    }

    /// <summary>Serves SchemeOp.SpawnImage from `caller` (see abi/Scheme.cs).</summary>
    public static void Serve(ulong caller, ref SchemeServer server, ref Request r)
    {
        if (r.W2 == 2)
        {
            Drop(caller);
            server.Answer(Status.Ok);
            return;
        }
        if (r.W2 == 1)
        {
            server.Answer(Start(caller, ref server, ref r));
            return;
        }
        Image e = Find(caller);
        if (r.W2 != 0 || r.Caps < 1 || r.DataLength != 0) { server.Answer(Status.InvalidArgument); return; }
        if (e == null || r.W1 != e.Size || r.W0 != (ulong)e.Got) { server.Answer(Status.BadState); return; }
        if (e.Got + r.Caps > e.Pages) { server.Answer(Status.OutOfRange); return; }
        for (int i = 0; i < r.Caps; i++) s_frames[e.First + e.Got++] = server.Claim(i);
        server.Answer(Status.Ok);
    }

    private static Status Start(ulong caller, ref SchemeServer server, ref Request r)
    {
        ulong pages = (r.W1 + 4095) / 4096;
        if (r.Caps != 1 || r.DataLength <= 0 || r.DataLength > SchemeLimits.MaxData || r.W0 != 0 || pages == 0 || pages > ProgramImages.MaxPages)
            return Status.InvalidArgument;
        // Only a file is kept: it is closed like a dead process's files, which takes file capabilities only.
        if (Sys.Identify(r.Cap0, out ObjectType type, out _, out _, out ulong badge) != Status.Ok || type != ObjectType.Endpoint ||
            !SchemeBadge.IsFile(badge))
            return Status.InvalidArgument;
        Drop(caller);
        int first;
        Image e;
        while (!Place((int)pages, out first) || (e = Find(0)) == null) DropOldest();
        e.Caller = caller;
        e.Size = r.W1;
        e.File = server.Claim(0);
        e.First = first;
        e.Pages = (int)pages;
        e.Got = 0;
        for (int i = 0; i < r.DataLength; i++) e.Path[i] = r.Data[i];
        e.PathLength = r.DataLength;
        e.Age = ++s_clock;
        return Status.Ok;
    }

    // The first gap of `pages` frames between the programs kept (at most MaxImages of them). False
    // when none is large enough; with nothing kept there always is one (pages <= MaxPages).
    private static bool Place(int pages, out int first)
    {
        first = 0;
        for (bool moved = true; moved;)
        {
            moved = false;
            foreach (Image e in s_images)
            {
                if (e.Caller == 0 || e.First >= first + pages || first >= e.First + e.Pages) continue;
                first = e.First + e.Pages;
                moved = true;
            }
        }
        return first + pages <= MaxPages;
    }

    /// <summary>Whether `caller` sent all of the program `path` (what Spawn then runs).</summary>
    public static bool Ready(ulong caller, byte* path, int length)
    {
        Image e = Find(caller);
        if (e == null || e.Got != e.Pages || e.PathLength != length) return false;
        for (int i = 0; i < length; i++) if (e.Path[i] != path[i]) return false;
        return true;
    }

    /// <summary>The program `caller` sent (Ready first), to build from; its frames stay here.</summary>
    public static ProgramFile Program(ulong caller, out CapHandle file)
    {
        Image e = Find(caller);
        file = e.File;
        fixed (CapHandle* frames = &s_frames[e.First]) return ProgramFile.FromFrames(frames, e.Size);
    }

    /// <summary>Forgets `caller`'s program: its frames are deleted; its file is closed unless
    /// `fileTaken` (a process that was built holds it, and its death closes it).</summary>
    public static void Drop(ulong caller, bool fileTaken = false)
    {
        Image e = caller != 0 ? Find(caller) : null;
        if (e == null) return;
        for (int i = 0; i < e.Got; i++) CSpace.Release(s_frames[e.First + i]);
        // A built process holds the file (moved out of this slot: only the slot is left to free).
        if (fileTaken) CSpace.Release(e.File);
        else DeadFiles.Close(e.File);
        e.Caller = 0;
        e.Pages = 0;
        e.Got = 0;
        e.File = default;
    }

    private static void DropOldest()
    {
        Image oldest = null;
        foreach (Image e in s_images) if (e.Caller != 0 && (oldest == null || e.Age < oldest.Age)) oldest = e;
        if (oldest != null) Drop(oldest.Caller);
    }

    private static Image Find(ulong caller)
    {
        foreach (Image e in s_images) if (e.Caller == caller) return e;
        return null;
    }
}

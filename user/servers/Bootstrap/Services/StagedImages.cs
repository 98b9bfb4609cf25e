// Programs outside the initfs, as their callers send them (SchemeOp.SpawnImage; the client's side is
// user/lib/Process/ProgramImages.cs; docs/adr/0013-programs-from-files.md): per caller, the open file
// (the caller opened it: its authority decided), its size and path, and a frame per file page, kept
// until the Spawn of that path takes them or the caller sends another, drops it or dies. The
// process manager never asks the file's daemon for anything: it maps what it was given.
// Bounds: MaxImages callers at once (a new one pushes the oldest out) and MaxPages frames in all,
// so that callers cannot use up the manager's capability slots.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class StagedImages
{
    private const int MaxImages = 8;
    private const ulong MaxPages = 2 * ProgramImages.MaxPages;

    private sealed class Image
    {
        public ulong Caller;       // 0: unused
        public ulong Size;
        public CapHandle File;
        public CapHandle[] Frames; // kept for the next program that fits: a Spawn allocates nothing
        public int Pages;          // frames the program has (0: unused)
        public int Got;            // frames received
        public byte[] Path = new byte[SchemeLimits.MaxData];
        public int PathLength;
        public ulong Age;
    }

    private static readonly Image[] s_images = Make();
    private static ulong s_pages, s_clock;

    private static Image[] Make()
    {
        var images = new Image[MaxImages];
        for (int i = 0; i < MaxImages; i++) images[i] = new Image();
        return images;
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
        for (int i = 0; i < r.Caps; i++) e.Frames[e.Got++] = server.Claim(i);
        server.Answer(Status.Ok);
    }

    private static Status Start(ulong caller, ref SchemeServer server, ref Request r)
    {
        ulong pages = (r.W1 + 4095) / 4096;
        if (r.Caps != 1 || r.DataLength <= 0 || r.DataLength > SchemeLimits.MaxData || r.W0 != 0 || pages == 0 || pages > ProgramImages.MaxPages)
            return Status.InvalidArgument;
        Drop(caller);
        if (s_pages + pages > MaxPages) DropOldest();
        if (s_pages + pages > MaxPages) return Status.NoSpace;
        Image e = Find(0);
        if (e == null)
        {
            DropOldest();
            e = Find(0);
        }
        e.Caller = caller;
        e.Size = r.W1;
        e.File = server.Claim(0);
        if (e.Frames == null || e.Frames.Length < (int)pages) e.Frames = new CapHandle[(int)pages];
        e.Pages = (int)pages;
        e.Got = 0;
        for (int i = 0; i < r.DataLength; i++) e.Path[i] = r.Data[i];
        e.PathLength = r.DataLength;
        e.Age = ++s_clock;
        s_pages += pages;
        return Status.Ok;
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
        fixed (CapHandle* frames = e.Frames) return ProgramFile.FromFrames(frames, e.Size);
    }

    /// <summary>Forgets `caller`'s program: its frames are deleted; its file is closed unless
    /// `fileTaken` (a process that was built holds it, and its death closes it).</summary>
    public static void Drop(ulong caller, bool fileTaken = false)
    {
        Image e = caller != 0 ? Find(caller) : null;
        if (e == null) return;
        for (int i = 0; i < e.Got; i++) CSpace.Release(e.Frames[i]);
        // A built process holds the file (moved out of this slot: only the slot is left to free).
        if (fileTaken) CSpace.Release(e.File);
        else DeadFiles.Close(e.File);
        s_pages -= (ulong)e.Pages;
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

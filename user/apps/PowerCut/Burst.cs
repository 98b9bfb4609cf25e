// The write burst (Program.cs says what for). Each round makes a directory and one durable file in
// it, a nested directory or the root (direct, indirect and tiny sizes), some rounds through the
// write-a-temporary-then-rename pattern; around it, work that is never fsync'd: a scratch file held
// open and written every round, temporary files written, renamed into the previous round's
// directory and unlinked a round later, and a file truncated and rewritten.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe class Burst
{
    private static uint s_random = 0x9E3779B9u;

    public static bool Run(string root, int rounds)
    {
        if (!Step(Fs.Open(root + "/scratch", OpenFlags.Write | OpenFlags.Create, out Fd scratch), "create /scratch")) return false;
        for (int r = 0; r < rounds; r++)
        {
            string dir = root + "/pc" + r.ToString();
            if (!Step(Fs.Mkdir(dir), "mkdir " + dir)) return false;
            if (!Churn(root, r, scratch)) return false;
            if (!Keep(root, dir, r, scratch)) return false;
        }
        return Step(Fs.Close(scratch), "close /scratch");
    }

    // One durable file for round r: written in two pieces, then fsync of its directory, then of the
    // file, then the DURABLE line. Every fifth round writes a temporary name, fsyncs it and renames
    // it into place before the directory's fsync (the atomic replace pattern). diskfs syncs at every
    // close and after every name-space change, which would hide an fsync that wrote nothing: so the
    // directory and the file stay open until after the line, and between the line and the closes
    // comes only a write that stays in the cache (the scratch file) and, every other round, a pause
    // of 10 ms, in which a cut finds the file where the fsyncs alone put it.
    private static bool Keep(string root, string dir, int r, Fd scratch)
    {
        string parent = dir;
        if (r % 4 == 3) parent = root;
        else if (r % 3 == 2)
        {
            parent = dir + "/sub";
            if (!Step(Fs.Mkdir(parent), "mkdir " + parent)) return false;
        }
        string name = parent + "/keep" + r.ToString();
        bool viaRename = r % 5 == 4;
        string written = viaRename ? name + ".tmp" : name;
        byte[] data = Data(SizeFor(r));
        if (!Step(Fs.Open(written, OpenFlags.Write | OpenFlags.Create | OpenFlags.Exclusive, out Fd fd), "create " + written)) return false;
        int half = data.Length / 2;
        fixed (byte* p = data)
        {
            if (!Step(Fs.Write(fd, p, half, out _), "write " + written)) return false;
            if (!Step(Fs.Write(fd, p + half, data.Length - half, out _), "write " + written)) return false;
        }
        if (viaRename)
        {
            if (!Step(Fs.Fsync(fd), "fsync " + written)) return false;
            if (!Step(Rename(written, name), "rename to " + name)) return false;
        }
        if (!Step(Fs.Open(parent, OpenFlags.Read | OpenFlags.Directory, out Fd parentFd), "open " + parent)) return false;
        if (!Step(Fs.Fsync(parentFd), "fsync " + parent)) return false;
        if (!Step(Fs.Fsync(fd), "fsync " + name)) return false;
        System.Console.WriteLine("DURABLE " + name.Substring(root.Length) + " " + data.Length.ToString() + " " + Crc32.Of(data, data.Length).ToString());
        fixed (byte* p = data)
            if (!Step(Fs.Write(scratch, p, half, out _), "write /scratch")) return false;
        if (r % 2 == 1) Sys.Sleep(10_000_000);
        return Step(Fs.Close(fd), "close " + name) && Step(Fs.Close(parentFd), "close " + parent);
    }

    // What is never fsync'd: the scratch file grows by 6 KiB a round (back to its start past 60 KiB);
    // a temporary file is written and closed, the previous round's one renamed into its directory,
    // the one before that unlinked; every other round /rewritten is truncated and written again.
    private static bool Churn(string root, int r, Fd scratch)
    {
        byte[] bytes = Data(6144);
        if (r % 10 == 9 && !Step(Fs.Seek(scratch, 0, SeekFrom.Start, out _), "seek /scratch")) return false;
        fixed (byte* p = bytes)
            if (!Step(Fs.Write(scratch, p, bytes.Length, out _), "write /scratch")) return false;
        string temp = root + "/t" + r.ToString();
        if (!Step(File.WriteAll(Ascii(temp), Data(5000)), "write " + temp)) return false;
        if (r >= 1 && !Step(Rename(root + "/t" + (r - 1).ToString(), root + "/pc" + (r - 1).ToString() + "/moved"), "rename t" + (r - 1).ToString())) return false;
        if (r >= 2 && !Step(Fs.Unlink(root + "/pc" + (r - 2).ToString() + "/moved"), "unlink moved")) return false;
        if (r % 2 == 0 && !Step(File.WriteAll(Ascii(root + "/rewritten"), Data(2000 + r * 300)), "rewrite /rewritten")) return false;
        return true;
    }

    // Sizes by round: inside one block, several direct blocks, past the 12 direct blocks (the
    // indirect block with 1 KiB blocks), an empty file, a block exactly.
    private static int SizeFor(int r)
    {
        switch (r % 6)
        {
            case 0: return 700 + r;
            case 1: return 5000 + r * 13;
            case 2: return 20000 + r * 101;
            case 3: return 0;
            case 4: return 1024;
            default: return 45000 + r * 7;
        }
    }

    private static byte[] Data(int length)
    {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            s_random ^= s_random << 13; s_random ^= s_random >> 17; s_random ^= s_random << 5;
            data[i] = (byte)s_random;
        }
        return data;
    }

    private static Status Rename(string from, string to)
    {
        byte[] f = Ascii(from), t = Ascii(to);
        fixed (byte* a = f) fixed (byte* b = t) return Fs.Rename(a, f.Length, b, t.Length);
    }

    private static byte[] Ascii(string text)
    {
        byte[] b = new byte[text.Length];
        for (int i = 0; i < text.Length; i++) b[i] = (byte)text[i];
        return b;
    }

    private static bool Step(Status s, string what)
    {
        if (s == Status.Ok) return true;
        System.Console.WriteLine("POWERCUT FAIL " + what + ": status " + ((int)s).ToString());
        return false;
    }
}

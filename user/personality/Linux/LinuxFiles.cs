// A Linux process's descriptor table: Linux fd numbers to open files (LinuxFile: a Vireo Fd, shared
// by dup as Linux shares an open file description), each fd with its own close-on-exec bit. Fds 0-2
// start as the personality's standard input, output and error, which closing only forgets.
using System;
using Vireo.Linux.Pipes;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Linux;

public sealed class LinuxFile
{
    public Fd Fd;
    public bool Stdio;              // the personality's own: never closed through the daemon
    public ulong StatusFlags;       // the open(2) flags F_GETFL reports (access mode, O_APPEND...)
    public byte[] Path;             // the absolute Linux path it was opened by (openat and fchdir resolve against a directory's; mmap reopens a file by it)
    public bool IsDirectory;
    public bool SchemeList;         // /scheme: the list of schemes, served here
    public ulong DirentIndex;       // entries returned so far (getdents64's d_off)
    public byte[] Content;          // a file the personality serves itself (/proc/mounts), and
    public ulong Position;          // where in it the next read starts
    public int Users = 1;           // fds naming it
    /// <summary>A read may wait (the console, a pipe): the loop watches it rather than block in it.</summary>
    public bool MayBlock;
    /// <summary>/dev/zero and /dev/urandom: a read is filled whole (Files.ReadRest), however little the daemon gives at once.</summary>
    public bool FillsReads;
    /// <summary>The personality's own pipe ends this file holds (pipe2: one; socketpair: both).</summary>
    public Pipe ReadEnd, WriteEnd;
    /// <summary>An AF_UNIX socket that is not connected (socket(2)): connect finds nobody.</summary>
    public bool Socket;
    /// <summary>Whether it names the console (LinuxTerminal.IsConsole): 0 not asked yet, 1 yes, -1 no.</summary>
    public sbyte Tty;

    /// <summary>A pipe or socket of the personality's: no position (ESPIPE), no Vireo file.</summary>
    public bool IsStream => ReadEnd != null || WriteEnd != null || Socket;

    /// <summary>Whether files of this Vireo path's scheme can make a reader wait (tty:, pipe:, chan:).</summary>
    public static bool SchemeFillsReads(byte[] vireo) => Ascii.StartsWith(vireo, "zero:"u8) || Ascii.StartsWith(vireo, "rand:"u8);

    public static bool SchemeMayBlock(byte[] vireo) =>
        Ascii.StartsWith(vireo, "tty:"u8) || Ascii.StartsWith(vireo, "pipe:"u8) || Ascii.StartsWith(vireo, "chan:"u8);
}

public sealed class LinuxFiles
{
    public const int Max = 256;
    private readonly LinuxFile[] _files = new LinuxFile[Max];
    private readonly bool[] _closeOnExec = new bool[Max];

    public LinuxFiles()
    {
        _files[0] = new LinuxFile { Fd = Fd.Stdin, Stdio = true, StatusFlags = 0, MayBlock = true };
        _files[1] = new LinuxFile { Fd = Fd.Stdout, Stdio = true, StatusFlags = 1, MayBlock = true };
        _files[2] = new LinuxFile { Fd = Fd.Stderr, Stdio = true, StatusFlags = 1, MayBlock = true };
    }

    public LinuxFile Get(ulong fd) => fd < Max ? _files[(int)fd] : null;

    /// <summary>The lowest free fd at or above `from` now naming `file`, or -1 (EMFILE).</summary>
    public int Add(LinuxFile file, bool closeOnExec, int from = 0)
    {
        for (int i = from; i < Max; i++)
        {
            if (_files[i] != null) continue;
            _files[i] = file;
            _closeOnExec[i] = closeOnExec;
            return i;
        }
        return -1;
    }

    /// <summary>Makes `fd` name `file` (dup2), closing what it named.</summary>
    public void Put(int fd, LinuxFile file, bool closeOnExec)
    {
        if (_files[fd] == file) return;
        if (_files[fd] != null) Close((ulong)fd);
        file.Users++;
        _files[fd] = file;
        _closeOnExec[fd] = closeOnExec;
    }

    /// <summary>This (new, unused) table becomes a copy of `parent`'s (fork): the same open files,
    /// each named by one more fd, and the same close-on-exec bits.</summary>
    public void InheritFrom(LinuxFiles parent)
    {
        for (int i = 0; i < Max; i++)
        {
            _files[i] = parent._files[i];
            _closeOnExec[i] = parent._closeOnExec[i];
            if (_files[i] != null) _files[i].Users++;
        }
    }

    public bool CloseOnExec(ulong fd) => _closeOnExec[(int)fd];
    public void SetCloseOnExec(ulong fd, bool on) => _closeOnExec[(int)fd] = on;

    /// <summary>Closes every fd (the process ended).</summary>
    public void CloseAll()
    {
        for (ulong fd = 0; fd < Max; fd++) Close(fd);
    }

    /// <summary>Closes the fd; the file goes when no fd names it. False if it was not open.</summary>
    public bool Close(ulong fd)
    {
        LinuxFile f = Get(fd);
        if (f == null) return false;
        _files[(int)fd] = null;
        if (--f.Users > 0) return true;
        f.ReadEnd?.CloseReader();
        f.WriteEnd?.CloseWriter();
        if (f.Fd.IsValid && !f.Stdio) _ = Fs.Close(f.Fd);   // Linux's close of a file opened for reading cannot fail either
        return true;
    }
}

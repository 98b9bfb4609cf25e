// A status in words, for people: what a tool or the shell prints after "program: subject: ".
// One table for every program (the tools had it; init, the process manager and the tests printed
// bare numbers). Portable: tests/Kernel.Tests compiles this file.
using Vireo.Abi;

namespace Vireo.User;

public static class StatusText
{
    public static string Describe(Status s)
    {
        switch (s)
        {
            case Status.Ok: return "ok";
            case Status.NotFound: return "no such file or directory";
            case Status.Exists: return "file exists";
            case Status.NotDirectory: return "not a directory";
            case Status.IsDirectory: return "is a directory";
            case Status.NotEmpty: return "directory not empty";
            case Status.NameTooLong: return "name too long";
            case Status.UnknownScheme: return "unknown scheme";
            case Status.BadDescriptor: return "bad file descriptor";
            case Status.BadReply: return "bad reply from the daemon";
            case Status.NotSupported: return "operation not supported";
            case Status.BrokenPipe: return "broken pipe";
            case Status.NoSpace: return "no space left";
            case Status.SymlinkLoop: return "too many levels of symbolic links";
            case Status.IoError: return "input/output error";
            case Status.OutOfMemory: return "out of memory";
            case Status.InvalidArgument: return "invalid argument";
            case Status.InsufficientRights: return "permission denied";
            case Status.PeerDied: return "the daemon died";
            case Status.WouldBlock: return "resource temporarily unavailable";
            case Status.InvalidCapability: return "invalid capability";
            case Status.OutOfRange: return "out of range";
            case Status.BadState: return "bad state";
            case Status.Occupied: return "busy";   // e.g. a running program's file opened for writing (Linux's ETXTBSY)
            default: return "unexpected error";
        }
    }
}

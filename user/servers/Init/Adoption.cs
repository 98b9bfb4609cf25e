// init started again after the one before died (the process manager passes --adopt; Authority.cs in
// the bootstrap). The old init's daemons, services and shells still run, and the process manager has
// made them this init's children; starting them again would make a second file: (refused: the name
// is taken) and a second shell on the console. So each rc entry first looks for its process:
//   daemon NAME      the process that registered NAME (Whois NAME), if it is a child of ours;
//   service, shell   a child of ours whose program name (ps's NAME column) is the entry's program,
//                    not yet taken by another entry.
// What is found is supervised from then on as if this init had started it; what is not found starts
// as usual (it died, or never came up). `run` lines are not run again.
using Vireo.Abi;
using Vireo.User;
using Vireo.User.Schemes;

static unsafe partial class Program
{
    private static bool s_adopting;
    private static ulong s_self;

    private static void BeginAdoption()
    {
        // Without its own pid init cannot tell its children from orphans: it starts everything.
        if (SchemeCall.Call(Namespace.Root, SchemeOp.Whois, 0, 0, 0, 0, 0, 0, out SchemeReply r) != Status.Ok) return;
        s_self = r.W0;
        s_adopting = true;
    }

    // True when entry e's process is running (its pid is set, nothing is started).
    private static bool Adopt(Entry* e)
    {
        ulong pid = e->Kind == 0 ? Registrant(e) : ChildNamed(e);
        if (pid == 0) return false;
        e->Pid = pid;
        System.Console.Write("init: adopted ");
        Name(e);
        System.Console.Write(" (pid ");
        System.Console.Write(pid);
        System.Console.WriteLine(")");
        return true;
    }

    private static ulong Registrant(Entry* e)
    {
        for (int i = 0; i < e->NameLength; i++) SchemeCall.Data[i] = e->Name[i];
        Status s = SchemeCall.Call(Namespace.Root, SchemeOp.Whois, 0, 0, 0, e->NameLength, 0, 0, out SchemeReply r);
        return s == Status.Ok && r.W1 == s_self && !Taken(r.W0) ? r.W0 : 0;
    }

    private static ulong ChildNamed(Entry* e)
    {
        // The program's name as the process manager keeps it: argv[0]'s last path component.
        int end = 0;
        while (end < e->ArgvLength && e->Argv[end] != 0) end++;
        int from = end;
        while (from > 0 && e->Argv[from - 1] != (byte)'/' && e->Argv[from - 1] != (byte)':') from--;
        var program = new System.ReadOnlySpan<byte>(e->Argv + from, end - from);
        ulong index = 0;
        while (SchemeCall.Call(Namespace.Root, SchemeOp.ProcList, index, 0, 0, 0, 0, 0, out SchemeReply r) == Status.Ok)
        {
            index = r.W2;
            if (r.W1 != s_self || Taken(r.W0) || r.DataLength < 0) continue;
            if (Ascii.Equals(new System.ReadOnlySpan<byte>(SchemeCall.Data, r.DataLength), program)) return r.W0;
        }
        return 0;
    }

    private static bool Taken(ulong pid)
    {
        for (int i = 0; i < s_count; i++) if (s_entries[i].Pid == pid) return true;
        return false;
    }
}

// Calls about the process itself: the FS base (arch_prctl, written into the stopped thread's
// registers with ThreadRegisters), resource limits, random bytes and the system's name; and reboot,
// whose power-off is the system's (`poweroff -f` from ash on the console). The signal calls are in
// SignalCalls.cs.
using Vireo.Abi;
using Vireo.Linux.Abi;
using Vireo.User;
using Vireo.User.Schemes;

namespace Vireo.Linux.Syscalls;

public static unsafe partial class SyscallTable
{
    private const ulong ArchSetFs = 0x1002, ArchGetFs = 0x1003;
    private const ulong Unlimited = ulong.MaxValue;
    private const int UtsField = 65;

    private static long ArchPrctl(LinuxProcess p, ulong code, ulong address)
    {
        if (code != ArchSetFs && code != ArchGetFs) return -Errno.EINVAL;
        var r = new ThreadRegisterState();
        if (Sys.ThreadRegisters(p.Thread, ThreadRegistersOp.Read, &r) != Status.Ok) return -Errno.EINVAL;
        if (code == ArchGetFs) return p.Memory.WriteWord(address, r.FsBase) ? 0 : -Errno.EFAULT;
        if (address >= BootstrapLayout.UserTop) return -Errno.EPERM;
        r.FsBase = address;
        return Sys.ThreadRegisters(p.Thread, ThreadRegistersOp.Write, &r) == Status.Ok ? 0 : -Errno.EPERM;
    }

    // reboot(2), as kernel/reboot.c checks it: the magic numbers (EINVAL), then the command. Power off
    // and halt power the machine off through the root scheme, which needs the PowerOff right `linux`
    // was given (init.rc's grant=poweroff; the native shell's `linux` has none: EPERM, as without
    // CAP_SYS_BOOT); Ctrl-Alt-Del's switch is accepted; a restart (which Vireo cannot do) and
    // other commands are EINVAL.
    private static long Reboot(uint magic1, uint magic2, uint command)
    {
        const uint Magic1 = 0xFEE1DEAD, PowerOff = 0x4321FEDC, Halt = 0xCDEF0123, CadOn = 0x89ABCDEF, CadOff = 0;
        if (magic1 != Magic1 || magic2 != 672274793 && magic2 != 85072278 && magic2 != 369367448 && magic2 != 537993216)
            return -Errno.EINVAL;
        if (command == CadOn || command == CadOff) return 0;
        if (command != PowerOff && command != Halt) return -Errno.EINVAL;
        // Ok never comes back: the machine is off.
        return SchemeCall.Call(Namespace.Root, SchemeOp.PowerOff, 0, 0, 0, 0, 0, 0, out _) == Status.Ok ? 0 : -Errno.EPERM;
    }

    private static long Prlimit64(LinuxProcess p, ulong resource, ulong newLimit, ulong old)
    {
        if (resource >= 16) return -Errno.EINVAL;
        if (old == 0) return 0;   // setting is accepted and not enforced
        // RLIMIT_STACK, RLIMIT_CORE (0: no core is written, as Linux's default), RLIMIT_NOFILE
        ulong current = resource == 3 ? 8UL << 20 : resource == 4 ? 0 : resource == 7 ? 1024 : Unlimited;
        ulong maximum = resource == 7 ? 4096 : Unlimited;
        return p.Memory.WriteWord(old, current) && p.Memory.WriteWord(old + 8, maximum) ? 0 : -Errno.EFAULT;
    }

    private static long Getrandom(LinuxProcess p, ulong buffer, ulong length)
    {
        if (length > int.MaxValue) length = int.MaxValue;
        if (!p.Memory.IsWritable(buffer, length)) return -Errno.EFAULT;
        ulong done = 0;
        while (done < length)
        {
            byte* at = p.Memory.At(buffer + done, out ulong available);
            if (at == null) return done > 0 ? (long)done : -Errno.EFAULT;   // a file mapping's page past its file
            ulong n = available < length - done ? available : length - done;
            Random.Fill(new System.Span<byte>(at, (int)n));
            done += n;
        }
        return (long)length;
    }

    private static long Uname(LinuxProcess p, ulong buffer)
    {
        byte* u = stackalloc byte[6 * UtsField];
        for (int i = 0; i < 6 * UtsField; i++) u[i] = 0;
        Field(u, 0, "Linux");
        Field(u, 1, "vireo");
        Field(u, 2, "6.1.0-vireo");
        Field(u, 3, "#1 Vireo Linux personality");
        Field(u, 4, "x86_64");
        Field(u, 5, "(none)");
        return p.Memory.Write(buffer, u, 6 * UtsField) ? 0 : -Errno.EFAULT;
    }

    private static void Field(byte* u, int index, string text)
    {
        for (int i = 0; i < text.Length; i++) u[index * UtsField + i] = (byte)text[i];
    }
}
